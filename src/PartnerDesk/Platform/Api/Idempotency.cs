using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Api;

/// <summary>The stored answer to a write that carried an Idempotency-Key.</summary>
public sealed class IdempotencyRecord : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid UserId { get; set; }
    public required string Key { get; set; }
    public required byte[] RequestHash { get; set; }
    public int StatusCode { get; set; }
    public string? Location { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class IdempotencyRecordConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.Property(r => r.Key).HasMaxLength(IdempotencyFilter.MaxKeyLength);
        b.Property(r => r.RequestHash).HasMaxLength(32);
        b.Property(r => r.Location).HasMaxLength(500);
        b.HasIndex(r => new { r.UserId, r.Key }).IsUnique();
        b.HasIndex(r => r.CreatedAt);
    }
}

/// <summary>
/// A write with an Idempotency-Key runs once: the handler's changes and the stored answer commit in
/// one transaction; a retry with the same key and body gets the stored answer, with another body a 422.
/// </summary>
internal sealed class IdempotencyFilter(PartnerDeskDb db, TimeProvider clock, IOptions<JsonOptions> json) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 100;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(Header, out var values))
        {
            return await next(context);
        }

        var key = values.ToString();
        if (key.Length is 0 or > MaxKeyLength)
        {
            return FieldErrors.One(Header, $"The {Header} header must have 1 to {MaxKeyLength} characters.");
        }

        var caller = db.Caller;
        var hash = HashArguments(context);
        if (await Find(caller.UserId, key) is { } earlier)
        {
            return Replay(earlier, hash);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is not IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } status)
        {
            return result; // rolled back and not stored: the client may fix the request and retry
        }

        var record = new IdempotencyRecord
        {
            OrganisationId = caller.RequireOrganisation(),
            UserId = caller.UserId,
            Key = key,
            RequestHash = hash,
            StatusCode = status.StatusCode ?? 200,
            Location = LocationOf(inner),
            Body = inner is IValueHttpResult { Value: { } value }
                ? JsonSerializer.Serialize(value, value.GetType(), json.Value.SerializerOptions)
                : "",
            CreatedAt = clock.GetUtcNow(),
        };
        db.IdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
            await transaction.CommitAsync(http.RequestAborted);
            return result;
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            // The same key raced in from another request: undo ours and answer as the winner did.
            await transaction.RollbackAsync(http.RequestAborted);
            db.ChangeTracker.Clear();
            return await Find(caller.UserId, key) is { } winner ? Replay(winner, hash) : throw new InvalidOperationException("Idempotency record vanished.");
        }
    }

    private Task<IdempotencyRecord?> Find(Guid userId, string key) =>
        db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId && r.Key == key);

    private static IResult Replay(IdempotencyRecord earlier, byte[] hash)
    {
        if (!CryptographicOperations.FixedTimeEquals(earlier.RequestHash, hash))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency-Key reused.",
                detail: $"This {Header} was used with a different request.",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [Header] = ["Used with a different request."] } });
        }

        return new StoredResult(earlier);
    }

    private byte[] HashArguments(EndpointFilterInvocationContext context)
    {
        using var buffer = new MemoryStream();
        buffer.Write(System.Text.Encoding.UTF8.GetBytes(context.HttpContext.Request.Path.Value ?? ""));
        foreach (var argument in context.Arguments)
        {
            if (argument is null or HttpContext or CancellationToken || argument.GetType().Namespace?.StartsWith("PartnerDesk.Features", StringComparison.Ordinal) != true)
            {
                continue;
            }

            JsonSerializer.Serialize(buffer, argument, argument.GetType(), json.Value.SerializerOptions);
        }

        return SHA256.HashData(buffer.ToArray());
    }

    private static string? LocationOf(object result) =>
        result.GetType().GetProperty("Location")?.GetValue(result) as string;

    private sealed class StoredResult(IdempotencyRecord record) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = record.StatusCode;
            httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            if (record.Location is not null)
            {
                httpContext.Response.Headers.Location = record.Location;
            }

            if (record.Body.Length > 0)
            {
                httpContext.Response.ContentType = "application/json; charset=utf-8";
                await httpContext.Response.WriteAsync(record.Body);
            }
        }
    }
}
