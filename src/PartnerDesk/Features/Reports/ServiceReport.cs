using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

/// <summary>A target of the customer's contract: minutes of the plan's business hours (its calendar) for one severity.</summary>
public sealed record ContractTarget(Severity Severity, int FirstResponseMinutes, int? ResolutionMinutes, bool AroundTheClock);

/// <summary>
/// A customer's service report, as its admin sees it in the portal: its tickets per day, and response and resolution
/// times against its contract's targets.
/// </summary>
public sealed record CustomerServiceReport(ReportPeriod Period, string? PlanName, IReadOnlyList<ContractTarget> Targets, VolumeReport Volume, IReadOnlyList<SeverityTimes> Severities) : IReport
{
    public IReadOnlyList<ReportTable> Tables()
    {
        var times = new ResponseTimesReport(Period, Severities, [], []).Tables()[0];
        return
        [
            Volume.Tables()[0],
            times,
            new("targets", "Targets of the contract", ["severity", "first_response_min", "resolution_min", "around_the_clock"],
                [.. Targets.Select(t => (IReadOnlyList<string>)[t.Severity.ToString(), ReportTable.Cell(t.FirstResponseMinutes), ReportTable.Cell(t.ResolutionMinutes), t.AroundTheClock ? "yes" : "no"])]),
        ];
    }

    public IReadOnlyList<ChartSpec> Charts(Func<string, string> text) =>
        [Volume.Charts(text)[0], .. new ResponseTimesReport(Period, Severities, [], []).Charts(text).Take(2)];
}

public static class ServiceReport
{
    /// <summary>
    /// Built from the same two reports as the console's, over the tickets the caller sees: for a customer's admin contact
    /// the context's filters keep that to its own customer's tickets; an agent names the customer.
    /// </summary>
    public static async Task<CustomerServiceReport> Run(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, DateTimeOffset now, CancellationToken ct)
    {
        var volume = await TicketVolume.Run(db, period, filter, ct);
        var times = await ResponseTimes.Run(db, period, filter, now, ct);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var contracts = db.SupportContracts.AsNoTracking().Where(c => c.StartsOn <= today && (c.EndsOn == null || c.EndsOn >= today));
        if (filter.CustomerId is { } customer)
        {
            contracts = contracts.Where(c => c.CustomerId == customer);
        }

        var plan = await contracts.OrderByDescending(c => c.StartsOn).Select(c => new { c.PlanId, c.Plan!.Name }).FirstOrDefaultAsync(ct);
        var targets = plan is null ? [] : await db.SupportPlans.AsNoTracking().Where(p => p.Id == plan.PlanId)
            .SelectMany(p => p.Targets).OrderBy(t => t.Severity)
            .Select(t => new ContractTarget(t.Severity, t.FirstResponseMinutes, t.ResolutionMinutes, t.AroundTheClock))
            .ToListAsync(ct);
        return new CustomerServiceReport(period, plan?.Name, targets, volume, times.Severities);
    }
}
