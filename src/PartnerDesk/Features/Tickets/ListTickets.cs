using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

/// <summary>Query of the ticket list; enums arrive as text so that a bad value names its field.</summary>
public sealed record ListTicketsQuery(
    string? Status = null,
    string? Severity = null,
    Guid? CustomerId = null,
    Guid? AssigneeId = null,
    string? Service = null,
    string? Q = null,
    string? Cursor = null,
    int? Limit = null);

public static class ListTickets
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>
    /// Newest first, by number inside the organisation; the cursor is the last number seen. With <c>q</c>: a ticket
    /// number, or words searched for in the title, description and conversation (<see cref="TicketSearch"/>), each
    /// item then with the snippet the words were found in.
    /// </summary>
    public static async Task<Outcome<Page<TicketSummary>>> Handle(ListTicketsQuery query, PartnerDeskDb db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var statuses = ParseList<TicketStatus>(query.Status, "status", errors);
        var severities = ParseList<Severity>(query.Severity, "severity", errors);
        var before = errors.Cursor(query.Cursor);
        var limit = errors.Limit(query.Limit, DefaultLimit, MaxLimit);

        errors.MaxLength("q", query.Q, 200).MaxLength("service", query.Service, TicketLimits.Service);
        if (errors.Any)
        {
            return errors;
        }

        var tickets = db.Tickets.AsNoTracking();
        if (statuses is { Count: > 0 })
        {
            // Inlined, not a parameter: PostgreSQL then sees that New and Open are among the active statuses and walks
            // the small partial indexes over active tickets, also in a prepared statement's generic plan. Few lists
            // of statuses exist (sorted, without repeats), so few texts.
            var inlined = statuses.Distinct().Order().ToArray();
            tickets = tickets.Where(t => EF.Constant(inlined).Contains(t.Status));
        }

        if (severities is { Count: > 0 })
        {
            tickets = tickets.Where(t => severities.Contains(t.Severity));
        }

        if (query.CustomerId is { } customerId)
        {
            tickets = tickets.Where(t => t.CustomerId == customerId);
        }

        if (query.AssigneeId is { } assigneeId)
        {
            tickets = tickets.Where(t => t.AssigneeAgentId == assigneeId);
        }

        if (!string.IsNullOrWhiteSpace(query.Service))
        {
            tickets = tickets.Where(t => t.Service == query.Service);
        }

        if (before is { } last)
        {
            tickets = tickets.Where(t => t.Number < last);
        }

        // A number (PD-12) is looked up; any other text is searched for, newest first as without it.
        var q = query.Q?.Trim();
        SearchWords? words = null;
        if (string.IsNullOrEmpty(q))
        {
            tickets = tickets.OrderByDescending(t => t.Number);
        }
        else if (q.StartsWith(TicketNumber.Prefix, StringComparison.OrdinalIgnoreCase) && TicketNumber.TryParse(q, out var number))
        {
            tickets = tickets.Where(t => t.Number == number);
        }
        else
        {
            words = SearchWords.Of(q);
        }

        var items = words is null
            ? await tickets.Take(limit + 1).ToSummaries().ToListAsync(ct)
            : await TicketSearch.NewestPage(tickets, words, db, before, 0, limit + 1, ct);
        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            if (TicketNumber.TryParse(items[^1].Number, out var lastNumber))
            {
                next = Cursor.Encode(lastNumber);
            }
        }

        if (words is not null)
        {
            items = await TicketSearch.WithSnippets(items, words, db, ct);
        }

        return new Page<TicketSummary>(items, next);
    }

    private static List<T>? ParseList<T>(string? text, string field, FieldErrors errors)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var values = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<T>(part, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(part, out _))
            {
                values.Add(value);
            }
            else
            {
                errors.Add(field, $"'{part}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
            }
        }

        return values;
    }
}
