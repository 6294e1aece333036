using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Audit;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Audit;

/// <summary>What an audit list is narrowed to.</summary>
public sealed record AuditFilter(Guid? CustomerId = null, Guid? ActorId = null, string? Action = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

public sealed record AuditEntryView(
    long Id, DateTimeOffset At, Guid CustomerId, string? CustomerName, Guid ActorId, string ActorName, string Action, string? Subject,
    string? Address, string Via, string Reach, IReadOnlyList<string> GdapRoles);

/// <summary>
/// The log of agents' access to customers' data, newest first: for the organisation's admins over every customer,
/// for a customer's admin contact over its own (the query filters decide which entries a caller reaches; a contact
/// is not shown the agents' network addresses).
/// </summary>
public static class AuditLog
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>The most rows one CSV export holds; narrow the period for more.</summary>
    public const int ExportLimit = 100_000;

    public static readonly string[] Actions = ["ticket.read", "workspace.read", "tenant.read", "tenant.refresh", "subscriptions.read", "change"];

    /// <summary>Whether the caller may read the log at all: admins, and a customer's admin contacts.</summary>
    public static bool MayRead(PartnerDeskDb db) =>
        db.Caller.AgentRole == Platform.Tenancy.AgentRole.AdminAgent || (db.Caller.IsContact && db.Caller.IsCustomerAdmin);

    public static FieldErrors Check(AuditFilter filter)
    {
        var errors = new FieldErrors();
        if (filter.Action is { } action && !Actions.Contains(action, StringComparer.Ordinal))
        {
            errors.Add("action", $"One of {string.Join(", ", Actions)}.");
        }

        if (filter.From is { } from && filter.To is { } to && from > to)
        {
            errors.Add("to", "Not before from.");
        }

        return errors;
    }

    public static async Task<Page<AuditEntryView>> List(PartnerDeskDb db, AuditFilter filter, long? before, int limit, CancellationToken ct)
    {
        var rows = await Query(db, filter).Where(e => before == null || e.Id < before).OrderByDescending(e => e.Id).Take(limit + 1)
            .Select(e => new { Entry = e, Customer = db.Customers.Where(c => c.Id == e.CustomerId).Select(c => c.Name).FirstOrDefault() })
            .ToListAsync(ct);
        var more = rows.Count > limit;
        var shown = (more ? rows[..limit] : rows).ConvertAll(r => View(r.Entry, r.Customer, db.Caller.IsContact));
        return new Page<AuditEntryView>(shown, more ? Cursor.Encode(shown[^1].Id) : null);
    }

    /// <summary>The whole filtered log as CSV (RFC 4180), newest first, written as it is read.</summary>
    public static async Task WriteCsv(PartnerDeskDb db, AuditFilter filter, Stream body, CancellationToken ct)
    {
        var hideAddress = db.Caller.IsContact;
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
        await writer.WriteLineAsync("id,at,customer_id,customer,actor_id,actor,action,subject,address,via,reach,gdap_roles");
        var rows = Query(db, filter).OrderByDescending(e => e.Id).Take(ExportLimit)
            .Select(e => new { Entry = e, Customer = db.Customers.Where(c => c.Id == e.CustomerId).Select(c => c.Name).FirstOrDefault() })
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct))
        {
            var v = View(row.Entry, row.Customer, hideAddress);
            await writer.WriteLineAsync(string.Join(',',
                v.Id.ToString(CultureInfo.InvariantCulture), v.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), v.CustomerId.ToString(),
                Csv(v.CustomerName), v.ActorId.ToString(), Csv(v.ActorName), v.Action, Csv(v.Subject), Csv(v.Address), v.Via, v.Reach, Csv(string.Join("; ", v.GdapRoles))));
        }
    }

    private static IQueryable<AuditEntry> Query(PartnerDeskDb db, AuditFilter f)
    {
        var query = db.AuditEntries.AsNoTracking();
        if (f.CustomerId is { } customer)
        {
            query = query.Where(e => e.CustomerId == customer);
        }

        if (f.ActorId is { } actor)
        {
            query = query.Where(e => e.ActorId == actor);
        }

        if (f.Action is { } action)
        {
            query = query.Where(e => e.Action == action);
        }

        if (f.From is { } from)
        {
            query = query.Where(e => e.At >= from);
        }

        if (f.To is { } to)
        {
            query = query.Where(e => e.At < to);
        }

        return query;
    }

    private static AuditEntryView View(AuditEntry e, string? customer, bool forContact) => new(
        e.Id, e.At, e.CustomerId, customer, e.ActorId, e.ActorName, e.Action, e.Subject, forContact ? null : e.Address, e.Via, e.Reach,
        e.GdapRoles is { } roles ? [.. roles.Split(',').Select(r => EntraRoleNames.View(r).Name)] : []);

    private static string Csv(string? text) =>
        text is null ? "" : text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
}
