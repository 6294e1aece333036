using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Billing;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Features.Sla;
using PartnerDesk.Features.SupportProviders;
using PartnerDesk.Features.Mail;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// The few reads that must look past the caller's query filters, each narrow and each saying why. Features
/// never call <c>IgnoreQueryFilters</c> themselves (an architecture test holds them to it), so every way
/// around isolation is in this file and the other files of Platform/.
/// </summary>
public static class Unfiltered
{
    /// <summary>
    /// The plan a ticket being saved names, with its targets, routing rules and calendar: whoever saves the
    /// ticket (a contact, a job, the demo seeding with no caller at all), its SLA counts by that plan.
    /// Nothing of it is shown to the caller.
    /// </summary>
    public static Task<SupportPlan?> PlanOfTicket(PartnerDeskDb db, Guid planId, CancellationToken ct) =>
        db.SupportPlans.IgnoreQueryFilters().AsNoTracking().AsSplitQuery()
            .Include(p => p.Targets).Include(p => p.RoutingRules)
            .Include(p => p.Calendar!).ThenInclude(c => c.Intervals).Include(p => p.Calendar!).ThenInclude(c => c.Holidays)
            .FirstOrDefaultAsync(p => p.Id == planId, ct);

    /// <summary>A customer's contracts with their plan's time zone, for the new tickets of that customer being saved.</summary>
    public static async Task<List<(Guid PlanId, DateOnly StartsOn, DateOnly? EndsOn, string TimeZone)>> ContractsOf(
        PartnerDeskDb db, Guid organisationId, Guid customerId, CancellationToken ct)
    {
        var rows = await db.SupportContracts.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.OrganisationId == organisationId && c.CustomerId == customerId)
            .OrderByDescending(c => c.StartsOn)
            .Select(c => new { c.PlanId, c.StartsOn, c.EndsOn, c.Plan!.Calendar!.TimeZoneId }).ToListAsync(ct);
        return rows.ConvertAll(r => (r.PlanId, r.StartsOn, r.EndsOn, r.TimeZoneId));
    }

    /// <summary>
    /// Of these GDAP ids (relationships, access assignments, security groups; Microsoft's ids, keys across the
    /// installation), those another organisation already holds: a sync must not try to take them. Only the ids
    /// are read, never the rows.
    /// </summary>
    public static async Task<HashSet<string>> GdapIdsOfOthers(
        PartnerDeskDb db, Guid organisationId, IReadOnlyCollection<string> relationships, IReadOnlyCollection<string> assignments, IReadOnlyCollection<Guid> groups, CancellationToken ct)
    {
        var taken = new HashSet<string>(await db.DelegatedAdminRelationships.IgnoreQueryFilters()
            .Where(r => r.OrganisationId != organisationId && relationships.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct));
        taken.UnionWith(await db.DelegatedAdminAccessAssignments.IgnoreQueryFilters()
            .Where(a => a.OrganisationId != organisationId && assignments.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct));
        taken.UnionWith((await db.SecurityGroups.IgnoreQueryFilters()
            .Where(g => g.OrganisationId != organisationId && groups.Contains(g.Id)).Select(g => g.Id).ToListAsync(ct)).Select(g => g.ToString()));
        return taken;
    }

    /// <summary>A support provider organisation of this installation, by id, to name in a plan: its name, or null.</summary>
    public static Task<string?> SupportProviderName(PartnerDeskDb db, Guid organisationId, CancellationToken ct) =>
        db.Organisations.IgnoreQueryFilters().AsNoTracking()
            .Where(o => o.Id == organisationId && o.Kind == OrganisationKind.SupportProvider)
            .Select(o => o.Name).FirstOrDefaultAsync(ct);

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

    /// <summary>Which of the tickets the caller is saving are routed to a support provider (contacts see no hand-over, but their replies travel).</summary>
    public static Task<List<Guid>> RoutedTickets(PartnerDeskDb db, IReadOnlyCollection<Guid> ticketIds, CancellationToken ct) =>
        db.ProviderHandovers.IgnoreQueryFilters().AsNoTracking().Where(h => ticketIds.Contains(h.TicketId)).Select(h => h.TicketId).ToListAsync(ct);

    /// <summary>The SLA sweep works for every organisation: the tickets something falls due on, oldest first, tracked.</summary>
    public static Task<List<Ticket>> TicketsDueForSlaCheck(PartnerDeskDb db, DateTimeOffset now, int take, CancellationToken ct) =>
        db.Tickets.IgnoreQueryFilters().Where(t => t.SlaCheckAt != null && t.SlaCheckAt <= now).OrderBy(t => t.SlaCheckAt).Take(take).ToListAsync(ct);

    /// <summary>The agent's running timer, on whatever ticket (it may have lost its access to that customer since).</summary>
    public static Task<TimeEntry?> RunningTimer(PartnerDeskDb db, Guid agentId, CancellationToken ct) =>
        db.TimeEntries.IgnoreQueryFilters().FirstOrDefaultAsync(e => e.AgentId == agentId && e.RunningSince != null, ct);

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

    /// <summary>Marks exactly the time a statement being closed counted as billed by it (whoever may see which ticket).</summary>
    public static Task<int> MarkBilled(PartnerDeskDb db, Guid statementId, IReadOnlyCollection<Guid> entryIds, CancellationToken ct) =>
        db.TimeEntries.IgnoreQueryFilters()
            .Where(e => entryIds.Contains(e.Id) && e.StatementId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.StatementId, statementId), ct);

    /// <summary>The enabled mailboxes of every organisation, for the mail reader to watch: ids only; each is read inside its organisation.</summary>
    public static async Task<List<(Guid Id, Guid OrganisationId)>> MailboxesToRead(PartnerDeskDb db, CancellationToken ct) =>
        (await db.Mailboxes.IgnoreQueryFilters().AsNoTracking().Where(m => m.Enabled).Select(m => new { m.Id, m.OrganisationId }).ToListAsync(ct))
            .ConvertAll(m => (m.Id, m.OrganisationId));

    /// <summary>
    /// Whether an organisation can send mail: asked while any caller saves (a contact's reply included), who
    /// may not see mailboxes. Only the yes or no leaves this query.
    /// </summary>
    public static Task<bool> HasEnabledMailbox(PartnerDeskDb db, Guid organisationId, CancellationToken ct) =>
        db.Mailboxes.IgnoreQueryFilters().AnyAsync(m => m.OrganisationId == organisationId && m.Enabled, ct);
}
