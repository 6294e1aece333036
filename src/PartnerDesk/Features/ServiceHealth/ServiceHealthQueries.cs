using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Ui;

namespace PartnerDesk.Features.ServiceHealth;

public sealed record IssueListQuery(Guid? CustomerId, bool? Active, string? Cursor, int? Limit);

public sealed record CustomerListQuery(Guid? CustomerId, string? Cursor, int? Limit);

/// <summary>Reads of service health, shared by the API and the pages. The filters decide what each caller sees.</summary>
public static class ServiceHealthQueries
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    public static async Task<Outcome<Page<IssueSummary>>> Issues(IssueListQuery query, PartnerDeskDb db, CancellationToken ct)
    {
        var (skip, limit, errors) = Paging(query.Cursor, query.Limit);
        if (errors is not null)
        {
            return errors;
        }

        var issues = db.ServiceHealthIssues.AsNoTracking();
        if (query.CustomerId is { } customerId)
        {
            if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
            {
                return new FieldErrors().Add("customerId", "No customer with this id is reachable.");
            }

            issues = issues.Where(i => db.Set<AffectedCustomer>().Any(a => a.IssueId == i.Id && a.CustomerId == customerId));
        }

        if (query.Active is { } active)
        {
            issues = issues.Where(i => i.IsResolved != active);
        }

        var page = await issues
            .OrderBy(i => i.IsResolved).ThenByDescending(i => i.LastModifiedDateTime).ThenBy(i => i.Id)
            .Skip(skip).Take(limit + 1)
            .Select(i => new IssueSummary(
                i.Id, i.MicrosoftId, i.Title, i.Service, i.Feature, i.Classification, i.Status, i.IsResolved, i.StartDateTime,
                i.EndDateTime, i.LastModifiedDateTime,
                db.Set<AffectedCustomer>().Count(a => a.IssueId == i.Id),
                db.Set<TicketIssueLink>().Count(l => l.IssueId == i.Id && l.State != KnownIssueLinkState.Dismissed)))
            .ToListAsync(ct);
        return PageOf(page, skip, limit);
    }

    /// <summary>
    /// The console board's orders of the issues. "status" is the board's own: active before resolved, then the latest
    /// update first, which the index on (OrganisationId, IsResolved, LastModifiedDateTime) reads in order.
    /// </summary>
    public static readonly ListSort<ServiceHealthIssue> IssueSorts = new ListSort<ServiceHealthIssue>(new("status", false), i => i.Id)
        .By("status",
            q => q.OrderBy(i => i.IsResolved).ThenByDescending(i => i.LastModifiedDateTime),
            q => q.OrderByDescending(i => i.IsResolved).ThenBy(i => i.LastModifiedDateTime))
        .By("updated", i => i.LastModifiedDateTime)
        .By("issue", i => i.MicrosoftId)
        .By("service", i => i.Service);

    /// <summary>A page of the issues in the order a header asks (the console's board).</summary>
    public static Task<ListPage<IssueSummary>> IssuePage(PartnerDeskDb db, ListOrder order, int? page, CancellationToken ct) =>
        ListPage<IssueSummary>.Read(
            IssueSorts.Apply(db.ServiceHealthIssues.AsNoTracking(), order).Select(i => new IssueSummary(
                i.Id, i.MicrosoftId, i.Title, i.Service, i.Feature, i.Classification, i.Status, i.IsResolved, i.StartDateTime,
                i.EndDateTime, i.LastModifiedDateTime,
                db.Set<AffectedCustomer>().Count(a => a.IssueId == i.Id),
                db.Set<TicketIssueLink>().Count(l => l.IssueId == i.Id && l.State != KnownIssueLinkState.Dismissed))),
            page, ct);

    public static async Task<Outcome<IssueDetails>> Issue(Guid id, PartnerDeskDb db, CancellationToken ct)
    {
        var issue = await db.ServiceHealthIssues.AsNoTracking().Where(i => i.Id == id).FirstOrDefaultAsync(ct);
        if (issue is null)
        {
            return Outcome<IssueDetails>.Missing;
        }

        var posts = await db.ServiceHealthPosts.AsNoTracking().Where(p => p.IssueId == id).OrderByDescending(p => p.CreatedDateTime)
            .Select(p => new IssuePostView(p.CreatedDateTime, p.PostType, p.Text)).ToListAsync(ct);
        var customers = await db.AffectedCustomers.AsNoTracking().Where(a => a.IssueId == id).OrderBy(a => a.Customer!.Name)
            .Select(a => new AffectedCustomerView(a.CustomerId, a.Customer!.Name, a.FirstSeenAt)).Take(500).ToListAsync(ct);
        var tickets = await db.TicketIssueLinks.AsNoTracking().Where(l => l.IssueId == id && l.State != KnownIssueLinkState.Dismissed)
            .Join(db.Tickets, l => l.TicketId, t => t.Id, (l, t) => new { t.Id, t.Number, t.Title, t.Status, l.State, t.CustomerId })
            .OrderByDescending(t => t.Number).Take(500).ToListAsync(ct);
        return new IssueDetails(
            issue.Id, issue.MicrosoftId, issue.Title, issue.Service, issue.Feature, issue.FeatureGroup, issue.ImpactDescription,
            issue.Classification, issue.Status, issue.IsResolved, issue.StartDateTime, issue.EndDateTime, issue.LastModifiedDateTime,
            posts, customers,
            [.. tickets.Select(t => new LinkedTicketView(t.Id, TicketNumber.Format(t.Number), t.Title, t.Status, t.State, t.CustomerId))]);
    }

    public static async Task<Outcome<Page<MessageCenterView>>> Messages(CustomerListQuery query, PartnerDeskDb db, CancellationToken ct)
    {
        var (skip, limit, errors) = Paging(query.Cursor, query.Limit);
        if (errors is not null)
        {
            return errors;
        }

        var messages = db.MessageCenterPosts.AsNoTracking();
        if (query.CustomerId is { } customerId)
        {
            if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
            {
                return new FieldErrors().Add("customerId", "No customer with this id is reachable.");
            }

            messages = messages.Where(m => db.Set<MessageCenterRecipient>().Any(r => r.MessageId == m.Id && r.CustomerId == customerId));
        }

        var rows = await messages.OrderByDescending(m => m.LastModifiedDateTime).ThenBy(m => m.Id).Skip(skip).Take(limit + 1).ToListAsync(ct);
        var page = rows.Select(m => new MessageCenterView(
            m.Id, m.MicrosoftId, m.Title, m.Category, m.Severity, Split(m.Services), Split(m.Tags), m.IsMajorChange, m.ActionRequiredBy,
            m.StartDateTime, m.LastModifiedDateTime, m.Body)).ToList();
        return PageOf(page, skip, limit);
    }

    /// <summary>Services that customers see degraded now, most customers first.</summary>
    public static async Task<List<ServiceBoardRow>> Board(PartnerDeskDb db, CancellationToken ct)
    {
        // Degraded (customer, service) rows are few even for many customers: grouped here, in one read.
        var degraded = (await db.CustomerServiceStatuses.AsNoTracking()
                .Where(s => s.Status != "serviceOperational")
                .Select(s => new { s.Service, s.Status })
                .ToListAsync(ct))
            .GroupBy(s => s.Service)
            .Select(g => new { Service = g.Key, Customers = g.Count(), Statuses = g.Select(s => s.Status).Distinct().Order().ToList() })
            .ToList();
        var active = await db.ServiceHealthIssues.AsNoTracking().Where(i => !i.IsResolved)
            .GroupBy(i => i.Service)
            .Select(g => new { Service = g.Key, Count = g.Count(), Since = g.Min(i => i.StartDateTime) })
            .ToListAsync(ct);
        var services = degraded.Select(d => d.Service).Union(active.Select(a => a.Service));
        return [.. services
            .Select(s =>
            {
                var d = degraded.FirstOrDefault(x => x.Service == s);
                var a = active.FirstOrDefault(x => x.Service == s);
                return new ServiceBoardRow(s, d?.Customers ?? 0, a?.Count ?? 0, a?.Since, d?.Statuses ?? []);
            })
            .OrderByDescending(r => r.CustomersAffected).ThenByDescending(r => r.ActiveIssues).ThenBy(r => r.Service)];
    }

    public static Task<List<CustomerServiceView>> ServicesOf(Guid customerId, PartnerDeskDb db, CancellationToken ct) =>
        db.CustomerServiceStatuses.AsNoTracking().Where(s => s.CustomerId == customerId).OrderBy(s => s.Service)
            .Select(s => new CustomerServiceView(s.Service, s.Status, s.UpdatedAt)).ToListAsync(ct);

    public static async Task<List<SyncStatusView>> SyncStatus(Guid? customerId, bool failingOnly, PartnerDeskDb db, CancellationToken ct)
    {
        var customers = db.Customers.AsNoTracking().Where(c => customerId == null || c.Id == customerId);
        var rows = await customers
            .Select(c => new { c.Id, c.Name, State = db.Set<HealthSyncState>().FirstOrDefault(s => s.CustomerId == c.Id) })
            .Where(r => !failingOnly || (r.State != null && r.State.LastError != null))
            .OrderBy(r => r.Name).Take(500)
            .ToListAsync(ct);
        return [.. rows.Select(r => new SyncStatusView(
            r.Id, r.Name, r.State?.LastSuccessAt, r.State?.LastAttemptAt, r.State?.LastError, r.State?.FailingSince, r.State?.Warnings, r.State?.NextDueAt))];
    }

    private static (int Skip, int Limit, FieldErrors? Errors) Paging(string? cursor, int? limit)
    {
        var errors = new FieldErrors();
        var skip = (int)Math.Min(errors.Cursor(cursor) ?? 0, int.MaxValue);
        var size = errors.Limit(limit, DefaultLimit, MaxLimit);
        return (skip, size, errors.Any ? errors : null);
    }

    private static Page<T> PageOf<T>(List<T> rows, int skip, int limit)
    {
        var more = rows.Count > limit;
        if (more)
        {
            rows.RemoveAt(limit);
        }

        return new Page<T>(rows, more ? Platform.Api.Cursor.Encode(skip + limit) : null);
    }

    private static string[] Split(string joined) =>
        joined.Length == 0 ? [] : joined.Split(", ", StringSplitOptions.RemoveEmptyEntries);
}
