using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace PartnerDesk.Platform.Api;

/// <summary>Collects field errors of one request; the answer is a 400 problem naming each field.</summary>
public sealed partial class FieldErrors
{
    private readonly Dictionary<string, string[]> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    /// <summary>Every message, for a page to show.</summary>
    public IEnumerable<string> Messages => errors.Values.SelectMany(m => m);

    public bool Has(string field) => errors.ContainsKey(field);

    /// <summary>One field's messages, for a form to show beside it.</summary>
    public IReadOnlyList<string> Of(string field) => errors.TryGetValue(field, out var messages) ? messages : [];

    /// <summary>The fields that have messages.</summary>
    public IEnumerable<string> Fields => errors.Keys;

    public FieldErrors Add(string field, string message)
    {
        errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
        return this;
    }

    public FieldErrors Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, $"The {field} field is required.");
        }
        else
        {
            MaxLength(field, value, maxLength);
        }

        return this;
    }

    /// <summary>A defined value of the enum (forms can post any number).</summary>
    public FieldErrors Defined<T>(string field, T? value)
        where T : struct, Enum
    {
        if (value is { } v && !Enum.IsDefined(v))
        {
            Add(field, $"Use one of: {string.Join(", ", Enum.GetNames<T>())}.");
        }

        return this;
    }

    /// <summary>The page size asked for (between 1 and <paramref name="max"/>), or the default; an error names "limit".</summary>
    public int Limit(int? value, int fallback, int max)
    {
        if (value is < 1 || value > max)
        {
            Add("limit", $"The limit must be between 1 and {max}.");
        }

        return value ?? fallback;
    }

    /// <summary>The position a cursor this API handed out stands for, or null; a cursor it did not hand out names "cursor".</summary>
    public long? Cursor(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        var position = Api.Cursor.Decode(cursor);
        if (position is null)
        {
            Add("cursor", "The cursor is not valid.");
        }

        return position;
    }

    /// <summary>One e-mail address, written as it parses (no display name, no list), or nothing.</summary>
    public FieldErrors Email(string field, string? value)
    {
        if (value is not null && (value.Length > 320 || !System.Net.Mail.MailAddress.TryCreate(value, out var parsed) || parsed.Address != value))
        {
            Add(field, "Give one e-mail address, such as support@contoso-cloud.example.");
        }

        return this;
    }

    /// <summary>A phone number as people write it: digits, spaces, brackets, dots, slashes and dashes, optionally starting with +.</summary>
    public FieldErrors Phone(string field, string? value)
    {
        if (value is not null && !PhoneNumber().IsMatch(value))
        {
            Add(field, "A phone number: digits, spaces, brackets, dots, slashes and dashes, optionally starting with +.");
        }

        return this;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\+?[0-9][0-9 ()./-]{2,38}$")]
    private static partial System.Text.RegularExpressions.Regex PhoneNumber();

    public FieldErrors MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"The {field} field must be at most {maxLength} characters long.");
        }

        return this;
    }

    public ValidationProblem ToProblem() => TypedResults.ValidationProblem(errors);

    public static ValidationProblem One(string field, string message) => new FieldErrors().Add(field, message).ToProblem();
}

/// <summary>
/// Turns what went wrong before a handler ran (malformed JSON, an unknown field or enum value, a body
/// over the limit) into a problem-details answer that names the field, instead of a bare 400 or a 500.
/// </summary>
internal sealed class BadRequestProblemHandler(IProblemDetailsService problems, TimeProvider clock, ILogger<BadRequestProblemHandler> log) : IExceptionHandler
{
    /// <summary>An outage fails every request while it lasts: it is told once, then at most once a minute with a count.</summary>
    private static readonly TimeSpan TellEvery = TimeSpan.FromMinutes(1);

    private readonly Lock sync = new();
    private DateTimeOffset? told;
    private int untold;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (IsBusy(exception))
        {
            Tell("The database was too busy to take a write in time", exception);
            // Nothing was written (the transaction never began or was rolled back): the client may retry.
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = "1";
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = 503, Title = "The database is busy.", Detail = "Nothing was saved. Please retry." },
                Exception = exception,
            });
        }

        if (IsUnreachable(exception))
        {
            // PostgreSQL restarting, failing over, or out of connections: a moment's outage, not a fault of the request.
            // A broken connection may have cut a commit short, so "nothing was saved" cannot be promised; a retry with
            // the same Idempotency-Key is applied once.
            if (IsLostConnection(exception))
            {
                Tell("The database cannot be reached", exception);
            }
            else
            {
                // A deadlock, a serialization failure, a lock not available: passing, but each one worth its stack.
                log.LogWarning(exception, "The database refused an operation for a passing reason; answered 503, to be retried.");
            }

            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = "2";
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = 503, Title = "The database cannot be reached.", Detail = "Please retry in a moment. A write sent with an Idempotency-Key is applied once, however often it is sent." },
                Exception = exception,
            });
        }

        if (exception is Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException)
        {
            // Someone (or the SLA sweep) changed the same record a moment earlier; nothing of this request was saved.
            http.Response.StatusCode = StatusCodes.Status409Conflict;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = 409, Title = "It changed meanwhile.", Detail = "Someone else changed this a moment ago. Nothing was saved; reload and try again." },
                Exception = exception,
            });
        }

        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var problem = new ProblemDetails { Status = bad.StatusCode, Title = "The request is not valid." };
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            problem.Title = "The request body is too large.";
            problem.Detail = bad.Message;
        }
        else if (FindJsonError(bad) is { } json)
        {
            var field = FieldName(json.Path);
            problem.Detail = field is null ? "The body is not valid JSON." : $"The value of '{field}' is not valid.";
            problem.Extensions["errors"] = new Dictionary<string, string[]>
            {
                [field ?? "body"] = [AllowedValues(http, field) ?? json.Message.Split(" Path:", 2)[0]],
            };
        }
        else
        {
            problem.Detail = bad.Message;
        }

        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// One warning for a spell of database failures answered 503, not one per request (nor EF's three or four lines at
    /// Error each, which are at Debug): the first at once, then one a minute at most, with how many requests it stands for.
    /// </summary>
    private void Tell(string what, Exception exception)
    {
        int requests;
        lock (sync)
        {
            untold++;
            var now = clock.GetUtcNow();
            if (told is { } last && now >= last && now - last < TellEvery)
            {
                return;
            }

            told = now;
            requests = untold;
            untold = 0;
        }

        log.LogWarning("{What} ({Error}): {Requests} request(s) answered 503 since the last such line, each told to retry.", what, exception.GetBaseException().Message, requests);
    }

    /// <summary>
    /// The database server went away or refused the connection: Npgsql's transient failures (the socket broke, a
    /// timeout, too many connections) and the server shutting down or starting (57P01–57P03) or a connection failure
    /// (class 08). A constraint or syntax error is never one of these.
    /// </summary>
    internal static bool IsUnreachable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException pg)
            {
                return pg.IsTransient || pg.SqlState is "57P01" or "57P02" or "57P03" || pg.SqlState.StartsWith("08", StringComparison.Ordinal);
            }

            if (e is Npgsql.NpgsqlException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The connection itself is gone or refused: a restart, a failover, the network, no connection left.</summary>
    private static bool IsLostConnection(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException pg)
            {
                return pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" || pg.SqlState.StartsWith("08", StringComparison.Ordinal);
            }

            if (e is Npgsql.NpgsqlException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBusy(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            // Only failures that happen before anything is written: a timeout elsewhere (a commit) may have written.
            if (e is Platform.Data.WriteTurnTimeoutException or Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>For an enum field of the endpoint's body: "Use one of: A, B, C."</summary>
    private static string? AllowedValues(HttpContext http, string? field)
    {
        var bodyType = http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
        var property = field is null ? null : bodyType?.GetProperties()
            .FirstOrDefault(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase));
        var type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type is { IsEnum: true } ? $"Use one of: {string.Join(", ", Enum.GetNames(type))}." : null;
    }

    private static JsonException? FindJsonError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    /// <summary>"$.severity" → "severity"; "$" or nothing → null.</summary>
    internal static string? FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var name = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return name.Length == 0 ? null : name;
    }
}
