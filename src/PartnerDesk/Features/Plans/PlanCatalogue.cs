using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Plans;

/// <summary>
/// Saving calendars, plans and contracts: one way for the API and the console's forms, with the same checks
/// (all of a request is checked before any of it is written) and the same forgetting of cached SLA policies.
/// </summary>
public static class PlanCatalogue
{
    /// <summary>Admins and sales agents; checked here too, for a console page left open by someone whose role changed.</summary>
    private static bool MayEdit(PartnerDeskDb db) => db.Caller.AgentRole is AgentRole.AdminAgent or AgentRole.SalesAgent;

    public static IQueryable<SupportPlan> Plans(PartnerDeskDb db) =>
        db.Set<SupportPlan>().Include(p => p.Targets).Include(p => p.PhoneLines).Include(p => p.RoutingRules).AsSplitQuery();

    public static async Task<List<PlanView>> ListPlans(PartnerDeskDb db, CancellationToken ct) =>
        (await Plans(db).AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct)).ConvertAll(PlanRules.View);

    public static Task<List<ContractView>> ListContracts(PartnerDeskDb db, Guid? customerId, CancellationToken ct) =>
        PlanEndpoints.ContractViews(db.Set<SupportContract>().Where(c => customerId == null || c.CustomerId == customerId)
            .OrderBy(c => c.Customer!.Name).ThenBy(c => c.StartsOn)).ToListAsync(ct);

    public static async Task<List<CalendarView>> ListCalendars(PartnerDeskDb db, CancellationToken ct) =>
        (await db.Set<SupportCalendar>().AsNoTracking().Include(c => c.Intervals).Include(c => c.Holidays).OrderBy(c => c.Name).ToListAsync(ct))
        .ConvertAll(CalendarEndpoints.View);

    /// <summary>Adds a plan (no <paramref name="id"/>) or replaces one. Open tickets keep their due times.</summary>
    public static async Task<Outcome<PlanView>> SavePlan(PartnerDeskDb db, Guid? id, PlanRequest request, DateTimeOffset now, SlaPolicies policies, CancellationToken ct)
    {
        if (!MayEdit(db))
        {
            return Outcome<PlanView>.Missing;
        }

        var plan = id is { } existing ? await Plans(db).FirstOrDefaultAsync(p => p.Id == existing, ct) : new SupportPlan { OrganisationId = db.Caller.RequireOrganisation(), Name = "" };
        if (plan is null)
        {
            return Outcome<PlanView>.Missing;
        }

        if (await PlanRules.Apply(request, plan, db, ct) is { } errors)
        {
            return errors;
        }

        plan.UpdatedAt = now;
        if (id is null)
        {
            db.Add(plan);
        }

        await db.SaveChangesAsync(ct);
        policies.ForgetAll(); // the plan's targets, and (through its calendar) its contracts' days
        return PlanRules.View(plan);
    }

    /// <summary>Adds a contract (no <paramref name="id"/>) or changes one.</summary>
    public static async Task<Outcome<ContractView>> SaveContract(PartnerDeskDb db, Guid? id, ContractRequest request, DateTimeOffset now, SlaPolicies policies, CancellationToken ct)
    {
        if (!MayEdit(db))
        {
            return Outcome<ContractView>.Missing;
        }

        var contract = id is { } existing ? await db.Set<SupportContract>().FirstOrDefaultAsync(c => c.Id == existing, ct) : new SupportContract { OrganisationId = db.Caller.RequireOrganisation() };
        if (contract is null)
        {
            return Outcome<ContractView>.Missing;
        }

        var before = id is null ? (Guid?)null : contract.CustomerId;
        if (await PlanRules.Apply(request, contract, db, ct) is { } errors)
        {
            return errors;
        }

        contract.UpdatedAt = now;
        if (id is null)
        {
            db.Add(contract);
        }

        await db.SaveChangesAsync(ct);
        policies.ForgetContracts(contract.CustomerId);
        if (before is { } previous && previous != contract.CustomerId)
        {
            policies.ForgetContracts(previous);
        }

        return await PlanEndpoints.ContractViews(db.Set<SupportContract>().Where(c => c.Id == contract.Id)).FirstAsync(ct);
    }

    /// <summary>Adds a calendar (no <paramref name="id"/>) or replaces its name, time zone, intervals and holidays.</summary>
    public static async Task<Outcome<CalendarView>> SaveCalendar(PartnerDeskDb db, Guid? id, CalendarRequest request, SlaPolicies policies, CancellationToken ct)
    {
        if (!MayEdit(db))
        {
            return Outcome<CalendarView>.Missing;
        }

        var calendar = id is { } existing ? await CalendarEndpoints.Find(db, existing, ct, tracking: true) : new SupportCalendar { OrganisationId = db.Caller.RequireOrganisation(), Name = "", TimeZoneId = "" };
        if (calendar is null)
        {
            return Outcome<CalendarView>.Missing;
        }

        if (CalendarEndpoints.Apply(request, calendar) is { } errors)
        {
            return errors;
        }

        if (id is null)
        {
            db.Add(calendar);
        }

        await db.SaveChangesAsync(ct);
        policies.ForgetAll();
        return CalendarEndpoints.View(calendar);
    }

    /// <summary>Adds the holidays of an iCalendar file to a calendar (those it has already are skipped).</summary>
    public static async Task<Outcome<CalendarView>> ImportHolidays(PartnerDeskDb db, Guid id, string ics, SlaPolicies policies, CancellationToken ct)
    {
        if (!MayEdit(db))
        {
            return Outcome<CalendarView>.Missing;
        }

        var calendar = await CalendarEndpoints.Find(db, id, ct, tracking: true);
        if (calendar is null)
        {
            return Outcome<CalendarView>.Missing;
        }

        var (holidays, problem) = HolidayImport.Parse(ics);
        if (problem is not null)
        {
            return new FieldErrors().Add("file", problem);
        }

        foreach (var h in holidays.Where(h => !calendar.Holidays.Any(k => k.Date == h.Date && k.Yearly == h.Yearly)).DistinctBy(h => (h.Date, h.Yearly)))
        {
            calendar.Holidays.Add(new CalendarHoliday
            {
                OrganisationId = calendar.OrganisationId,
                CalendarId = calendar.Id,
                Date = h.Date,
                Yearly = h.Yearly,
                Name = h.Name.Length > 200 ? h.Name[..200] : h.Name,
            });
        }

        await db.SaveChangesAsync(ct);
        policies.ForgetAll();
        return CalendarEndpoints.View(calendar);
    }
}
