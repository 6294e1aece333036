using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.SupportProviders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Billing;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (the only file of a feature that may: docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>Marks exactly the time a statement being closed counted as billed by it (whoever may see which ticket).</summary>
    public static Task<int> MarkBilled(PartnerDeskDb db, Guid statementId, IReadOnlyCollection<Guid> entryIds, CancellationToken ct) =>
        db.TimeEntries.IgnoreQueryFilters()
            .Where(e => entryIds.Contains(e.Id) && e.StatementId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.StatementId, statementId), ct);

    /// <summary>
    /// A customer's days as billing counts them, the same whoever asks (a sales agent sees no incident tickets):
    /// the time logged (not running) with its ids, the incidents filed, and those a provider worked. The
    /// caller has been checked to reach the customer. Days are [from, until).
    /// </summary>
    public static async Task<(MonthActivity Activity, List<Guid> EntryIds)> DaysOfCustomer(
        PartnerDeskDb db, Guid organisationId, Guid customerId, DateOnly from, DateOnly until, SupportDelivery delivery, CancellationToken ct)
    {
        var entries = await db.TimeEntries.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.OrganisationId == organisationId && e.CustomerId == customerId && e.WorkedOn >= from && e.WorkedOn < until && e.RunningSince == null)
            .Select(e => new { e.Id, e.StatementId, Work = new Work(e.Minutes, e.Billable, e.ByProvider) }).ToListAsync(ct);
        var (start, end) = (new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(until.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var incidents = db.Tickets.IgnoreQueryFilters()
            .Where(t => t.OrganisationId == organisationId && t.CustomerId == customerId && t.Kind == TicketKind.Incident && t.CreatedAt >= start && t.CreatedAt < end);
        var count = await incidents.CountAsync(ct);
        var byProvider = delivery switch
        {
            SupportDelivery.Direct => 0,
            SupportDelivery.Mixed => await incidents.CountAsync(t => db.Set<ProviderHandover>().IgnoreQueryFilters().Any(h => h.TicketId == t.Id), ct),
            _ => count,
        };
        return (new MonthActivity([.. entries.Select(e => e.Work)], count, byProvider), [.. entries.Where(e => e.StatementId == null).Select(e => e.Id)]);
    }

    /// <summary>The agent's running timer, on whatever ticket (it may have lost its access to that customer since).</summary>
    public static Task<TimeEntry?> RunningTimer(PartnerDeskDb db, Guid agentId, CancellationToken ct) =>
        db.TimeEntries.IgnoreQueryFilters().FirstOrDefaultAsync(e => e.AgentId == agentId && e.RunningSince != null, ct);
}
