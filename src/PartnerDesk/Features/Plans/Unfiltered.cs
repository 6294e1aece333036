using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Plans;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (the only file of a feature that may: docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>A support provider organisation of this installation, by id, to name in a plan: its name, or null.</summary>
    public static Task<string?> SupportProviderName(PartnerDeskDb db, Guid organisationId, CancellationToken ct) =>
        db.Organisations.IgnoreQueryFilters().AsNoTracking()
            .Where(o => o.Id == organisationId && o.Kind == OrganisationKind.SupportProvider)
            .Select(o => o.Name).FirstOrDefaultAsync(ct);

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

    /// <summary>
    /// The tickets, of any customer and status, whose SLA counts by this plan: deleting it would set their plan to
    /// nothing and lose their SLA. A restricted agent's filters must not make a plan look unused.
    /// </summary>
    public static Task<int> TicketsOnPlan(PartnerDeskDb db, Guid planId, CancellationToken ct) =>
        db.Tickets.IgnoreQueryFilters().CountAsync(t => t.PlanId == planId, ct);

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
}
