using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Sla;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (the only file of a feature that may: docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>
    /// The status changes of tickets the caller is saving: the SLA clock needs them whoever saves (a contact's
    /// reply reopens a ticket, but contacts never read a ticket's history).
    /// </summary>
    public static async Task<Dictionary<Guid, List<StatusChange>>> StatusHistories(PartnerDeskDb db, IReadOnlyCollection<Guid> ticketIds, CancellationToken ct)
    {
        var rows = await db.TicketEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => ticketIds.Contains(e.TicketId) && e.Change == "Status")
            .Select(e => new { e.TicketId, e.At, e.NewValue }).ToListAsync(ct);
        var histories = new Dictionary<Guid, List<StatusChange>>();
        foreach (var row in rows)
        {
            if (Enum.TryParse<TicketStatus>(row.NewValue, out var status))
            {
                (histories.TryGetValue(row.TicketId, out var list) ? list : histories[row.TicketId] = []).Add(new StatusChange(row.At, status));
            }
        }

        return histories;
    }

    /// <summary>The SLA sweep works for every organisation: the tickets something falls due on, oldest first, tracked.</summary>
    public static Task<List<Ticket>> TicketsDueForSlaCheck(PartnerDeskDb db, DateTimeOffset now, int take, CancellationToken ct) =>
        db.Tickets.IgnoreQueryFilters().Where(t => t.SlaCheckAt != null && t.SlaCheckAt <= now).OrderBy(t => t.SlaCheckAt).Take(take).ToListAsync(ct);
}
