using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

public enum QueueSort
{
    Newest,
    Oldest,
    RecentlyUpdated,
    Severity,

    /// <summary>The SLA's earliest due time first (overdue on top); tickets without an SLA after them.</summary>
    DueSoonest,
}

/// <summary>The console queue's view: filters as the agent sets them, sorting, and pages of a fixed size.</summary>
public sealed record QueueQuery
{
    /// <summary>Every status that still needs someone: New, Open, PendingCustomer, Escalated.</summary>
    public const string Active = "active";
    public const string All = "all";
    public const string Unassigned = "unassigned";

    public string Status { get; set; } = Active;
    public Severity? Severity { get; set; }
    public Guid? CustomerId { get; set; }

    /// <summary>An agent id, <see cref="Unassigned"/>, or empty for anyone.</summary>
    public string? Assignee { get; set; }
    public string? Service { get; set; }

    /// <summary>Words to search for in the tickets' text (as the API's <c>q</c>), or a ticket number (PD-12).</summary>
    public string? Search { get; set; }
    public QueueSort Sort { get; set; } = QueueSort.Newest;
    public int Page { get; set; }
    public int PageSize { get; set; } = 25;
}

public sealed record QueuePage(IReadOnlyList<TicketSummary> Items, bool HasMore);

public static class TicketQueue
{
    /// <summary>The statuses of the partial indexes over active tickets (a query must name exactly these to use them).</summary>
    internal static readonly TicketStatus[] ActiveStatuses = [TicketStatus.New, TicketStatus.Open, TicketStatus.PendingCustomer, TicketStatus.Escalated];

    public static async Task<QueuePage> Handle(QueueQuery query, PartnerDeskDb db, CancellationToken ct = default)
    {
        var tickets = db.Tickets.AsNoTracking();
        if (query.Status == QueueQuery.Active)
        {
            // Constants, so that the SQL repeats the partial indexes' filter word for word and both databases use them.
            tickets = tickets.Where(t => EF.Constant(ActiveStatuses).Contains(t.Status));
        }
        else if (Enum.TryParse<TicketStatus>(query.Status, out var status))
        {
            tickets = tickets.Where(t => t.Status == status);
        }

        if (query.Severity is { } severity)
        {
            tickets = tickets.Where(t => t.Severity == severity);
        }

        if (query.CustomerId is { } customerId)
        {
            tickets = tickets.Where(t => t.CustomerId == customerId);
        }

        if (query.Assignee == QueueQuery.Unassigned)
        {
            tickets = tickets.Where(t => t.AssigneeAgentId == null);
        }
        else if (Guid.TryParse(query.Assignee, out var assigneeId))
        {
            tickets = tickets.Where(t => t.AssigneeAgentId == assigneeId);
        }

        if (!string.IsNullOrWhiteSpace(query.Service))
        {
            tickets = tickets.Where(t => t.Service == query.Service);
        }

        var size = Math.Clamp(query.PageSize, 1, 100);
        var skip = Math.Max(query.Page, 0) * size;
        var text = query.Search?.Trim();
        SearchWords? words = null;
        if (!string.IsNullOrEmpty(text))
        {
            if (text.StartsWith(TicketNumber.Prefix, StringComparison.OrdinalIgnoreCase) && TicketNumber.TryParse(text, out var number))
            {
                tickets = tickets.Where(t => t.Number == number);
            }
            else
            {
                // Newest first: a page read in two steps (index, then tickets); another sort orders every match its own way.
                words = SearchWords.Of(text.Length > MaxSearch ? text[..MaxSearch] : text);
                if (query.Sort != QueueSort.Newest)
                {
                    tickets = await TicketSearch.Matching(tickets, words, db, ct);
                }
            }
        }

        QueuePage page;
        if (words is not null && query.Sort == QueueSort.Newest)
        {
            page = Paged(await TicketSearch.NewestPage(tickets, words, db, null, skip, size + 1, ct), size);
        }
        else if (query.Sort == QueueSort.DueSoonest)
        {
            page = await ByDueTime(tickets, skip, size, ct);
        }
        else
        {
            tickets = query.Sort switch
            {
                QueueSort.Oldest => tickets.OrderBy(t => t.Number),
                QueueSort.RecentlyUpdated => tickets.OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Number),
                QueueSort.Severity => tickets.OrderBy(t => t.Severity).ThenByDescending(t => t.Number),
                _ => tickets.OrderByDescending(t => t.Number),
            };

            page = Paged(await tickets.Skip(skip).Take(size + 1).ToSummaries().ToListAsync(ct), size);
        }

        return words is null ? page : page with { Items = await TicketSearch.WithSnippets([.. page.Items], words, db, ct) };
    }

    /// <summary>As long as the API's q may be.</summary>
    public const int MaxSearch = 200;

    /// <summary>
    /// Due soonest: the tickets with a due time in its order (through the partial index on it), then those
    /// without one, newest first. Two ranges rather than one sort, because the databases order nulls differently
    /// and neither uses an index for an expression that puts them last.
    /// </summary>
    private static async Task<QueuePage> ByDueTime(IQueryable<Ticket> tickets, int skip, int size, CancellationToken ct)
    {
        var withDue = tickets.Where(t => t.SlaDueAt != null);
        var items = await withDue.OrderBy(t => t.SlaDueAt).ThenBy(t => t.Number).Skip(skip).Take(size + 1).ToSummaries().ToListAsync(ct);
        if (items.Count <= size)
        {
            var dueCount = items.Count > 0 || skip == 0 ? skip + items.Count : await withDue.CountAsync(ct);
            items.AddRange(await tickets.Where(t => t.SlaDueAt == null).OrderByDescending(t => t.Number)
                .Skip(Math.Max(skip - dueCount, 0)).Take(size + 1 - items.Count).ToSummaries().ToListAsync(ct));
        }

        return Paged(items, size);
    }

    private static QueuePage Paged(List<TicketSummary> items, int size)
    {
        var hasMore = items.Count > size;
        if (hasMore)
        {
            items.RemoveAt(size);
        }

        return new QueuePage(items, hasMore);
    }

    /// <summary>
    /// Tickets on which Microsoft (or the provider) waits for the partner, or whose first response is late:
    /// pinned above the queue, whatever its sort. Few, and read through their own partial index.
    /// </summary>
    public static Task<List<TicketSummary>> WaitingOnUs(PartnerDeskDb db, CancellationToken ct = default) =>
        db.Tickets.AsNoTracking().Where(t => t.AttentionNeeded).OrderByDescending(t => t.UpdatedAt).Take(20).ToSummaries().ToListAsync(ct);
}

/// <summary>Microsoft cloud services a ticket is usually about (names as service health uses them).</summary>
public static class MicrosoftServices
{
    public static readonly string[] Known =
    [
        "Exchange Online", "Microsoft Teams", "SharePoint Online", "OneDrive for Business", "Microsoft Entra ID",
        "Microsoft Intune", "Microsoft 365 Apps", "Microsoft 365", "Power BI", "Dynamics 365", "Azure",
    ];
}
