using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Plans;

/// <summary>Hours of one weekday in the reader's time zone ("Monday 08:00–18:00").</summary>
public sealed record WeeklyHours(DayOfWeek Day, string From, string To);

public sealed record TermsTarget(Severity Severity, int FirstResponseMinutes, int? NextResponseMinutes, int? ResolutionMinutes, bool AroundTheClock);

public sealed record TermsPhone(string Label, string Number, bool AroundTheClock, bool SeverityAOnly);

public sealed record TermsPrices(
    string Currency, decimal MonthlyFee, decimal PerSeatFee, int Seats, decimal IncludedHours, decimal HourlyRate, decimal PerIncidentFee,
    decimal PrepaidBlockHours, decimal PrepaidBlockPrice);

public sealed record TermsHoliday(DateOnly Date, string Name);

/// <summary>What the partner tells a customer about its support (R11): who, when, how, for how much, how fast.</summary>
public sealed record SupportTermsView(
    Guid CustomerId,
    string CustomerName,
    string PartnerName,
    string PlanName,
    string? Description,
    SupportDelivery Delivery,
    string? ProviderName,
    IReadOnlyList<string> CoveredServices,
    string TimeZone,
    IReadOnlyList<WeeklyHours> ServiceHours,
    IReadOnlyList<TermsHoliday> UpcomingHolidays,
    bool OpenNow,
    DateTimeOffset? NextOpening,
    bool PortalEnabled,
    string? SupportEmail,
    IReadOnlyList<TermsPhone> PhoneLines,
    IReadOnlyList<TermsTarget> Targets,
    TermsPrices Prices,
    DateOnly ContractStartsOn,
    DateOnly? ContractEndsOn);

public static class SupportTerms
{
    public static RouteGroupBuilder MapSupportTermsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/support-terms", async (Guid? customerId, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        {
            if (customerId is null && !db.Caller.IsContact)
            {
                return FieldErrors.One("customerId", "The customerId field is required.");
            }

            var terms = await For(db, customerId ?? db.Caller.CustomerId!.Value, clock.GetUtcNow(), ct);
            return terms is null ? TypedResults.Problem(statusCode: 404, title: "No support contract covers this customer today.") : Results.Ok(terms);
        }).RequireAuthorization(Policies.Member).WithTags("Plans").Produces<SupportTermsView>().ProducesProblem(404)
            .WithSummary("The support terms of a customer's current contract: type of support (and provider), service hours in the customer's time zone, contact methods, SLA targets, prices. A contact gets its own customer's.");
        return api;
    }

    /// <summary>The terms of the contract that covers the customer today; null when none does or the customer is not the caller's to see.</summary>
    public static async Task<SupportTermsView?> For(PartnerDeskDb db, Guid customerId, DateTimeOffset now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        // The contract's query filter decides who may read it: agents reaching the customer, its own contacts.
        var contract = await db.SupportContracts.AsNoTracking().AsSplitQuery()
            .Include(c => c.Customer)
            .Include(c => c.Plan!).ThenInclude(p => p.Targets)
            .Include(c => c.Plan!).ThenInclude(p => p.PhoneLines)
            .Include(c => c.Plan!).ThenInclude(p => p.Calendar!).ThenInclude(k => k.Intervals)
            .Include(c => c.Plan!).ThenInclude(p => p.Calendar!).ThenInclude(k => k.Holidays)
            .Where(c => c.CustomerId == customerId && c.StartsOn <= today && (c.EndsOn == null || c.EndsOn >= today))
            .FirstOrDefaultAsync(ct);
        if (contract?.Plan?.Calendar is not { } calendar || contract.Customer is null)
        {
            return null;
        }

        var plan = contract.Plan;
        var partner = await db.Organisations.Where(o => o.Id == contract.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        var zone = contract.Customer.TimeZoneId ?? calendar.TimeZoneId;
        var business = calendar.ToBusinessCalendar();
        var next = business.OpenIntervals(now, now.AddDays(60)).Select(i => (DateTimeOffset?)(i.Start > now ? i.Start : now)).FirstOrDefault();
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(calendar.TimeZoneId)).DateTime);
        var holidays = Enumerable.Range(0, 120).Select(localToday.AddDays)
            .Where(business.IsHoliday)
            .Select(d => new TermsHoliday(d, calendar.Holidays.FirstOrDefault(h => h.Date == d || (h.Yearly && h.Date.Month == d.Month && h.Date.Day == d.Day))?.Name ?? ""))
            .Take(6).ToList();

        return new SupportTermsView(
            contract.CustomerId, contract.Customer.Name, partner, plan.Name, plan.Description, plan.Delivery,
            plan.Delivery == SupportDelivery.Direct ? null : plan.ProviderName,
            plan.CoveredServices, zone, WeekIn(calendar, zone, now), holidays,
            business.IsOpen(now), next, plan.PortalEnabled, plan.SupportEmail,
            [.. plan.PhoneLines.OrderBy(l => l.Id).Select(l => new TermsPhone(l.Label, l.Number, l.AroundTheClock, l.SeverityAOnly))],
            [.. plan.Targets.OrderBy(t => t.Severity).Select(t => new TermsTarget(t.Severity, t.FirstResponseMinutes, t.NextResponseMinutes, t.ResolutionMinutes, t.AroundTheClock))],
            new TermsPrices(
                plan.Currency, contract.MonthlyFee ?? plan.MonthlyFee, contract.PerSeatFee ?? plan.PerSeatFee, contract.Seats,
                contract.IncludedHours ?? plan.IncludedHours, contract.HourlyRate ?? plan.HourlyRate, contract.PerIncidentFee ?? plan.PerIncidentFee,
                plan.PrepaidBlockHours, plan.PrepaidBlockPrice),
            contract.StartsOn, contract.EndsOn);
    }

    /// <summary>
    /// The calendar's working week as it falls in another time zone, taken from the coming week (daylight-saving
    /// differences between the zones are those of that week); an interval crossing midnight there is split.
    /// </summary>
    public static IReadOnlyList<WeeklyHours> WeekIn(SupportCalendar calendar, string zoneId, DateTimeOffset now)
    {
        var week = new BusinessCalendar(calendar.TimeZoneId, calendar.Intervals.Select(i => new WorkingInterval(i.Day, i.Start, i.End)));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var hours = new List<(DayOfWeek Day, TimeOnly From, TimeOnly To, bool ToMidnight)>();
        foreach (var (start, end) in week.OpenIntervals(now, now.AddDays(7)))
        {
            var from = TimeZoneInfo.ConvertTime(start, zone).DateTime; // an interval open now shows whole
            var to = TimeZoneInfo.ConvertTime(end, zone).DateTime;

            while (from.Date < to.Date)
            {
                hours.Add((from.DayOfWeek, TimeOnly.FromDateTime(from), TimeOnly.MaxValue, true));
                from = from.Date.AddDays(1);
            }

            if (to > from)
            {
                hours.Add((from.DayOfWeek, TimeOnly.FromDateTime(from), TimeOnly.FromDateTime(to), false));
            }
        }

        // Monday first, as a week is read in Europe; each (day, from, to) once.
        return [.. hours.DistinctBy(h => (h.Day, h.From, h.To)).OrderBy(h => ((int)h.Day + 6) % 7).ThenBy(h => h.From)
            .Select(h => new WeeklyHours(h.Day, h.From.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), h.ToMidnight ? "24:00" : h.To.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)))];
    }
}
