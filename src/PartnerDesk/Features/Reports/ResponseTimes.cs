using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

/// <summary>First response and resolution of the tickets of one severity (or all: <c>Severity</c> null).</summary>
public sealed record SeverityTimes(Severity? Severity, int Tickets, DurationStats FirstResponse, TargetStats FirstResponseTarget, DurationStats Resolution, TargetStats ResolutionTarget);

/// <summary>Tickets that missed a target, of one customer (or plan).</summary>
public sealed record BreachCount(Guid? Id, string Name, int Tickets, int Breached, int FirstResponseMissed, int ResolutionMissed);

/// <summary>
/// First-response and resolution times (median, 90th percentile; wall-clock minutes from filing) of the tickets filed
/// in the period, against their SLA's due times (which count only the plan's business hours), and the tickets that
/// missed a target per customer and per plan.
/// </summary>
public sealed record ResponseTimesReport(ReportPeriod Period, IReadOnlyList<SeverityTimes> Severities, IReadOnlyList<BreachCount> BreachesByCustomer, IReadOnlyList<BreachCount> BreachesByPlan) : IReport
{
    public IReadOnlyList<ReportTable> Tables() =>
    [
        new("times", "Response and resolution times against the SLA",
            ["severity", "tickets", "first_response_count", "first_response_median_min", "first_response_p90_min", "first_response_met", "first_response_missed", "first_response_met_pct",
                "resolved_count", "resolution_median_min", "resolution_p90_min", "resolution_met", "resolution_missed", "resolution_met_pct"],
            [.. Severities.Select(s => (IReadOnlyList<string>)[s.Severity?.ToString() ?? "All", Cell(s.Tickets),
                Cell(s.FirstResponse.Count), Cell(s.FirstResponse.MedianMinutes), Cell(s.FirstResponse.P90Minutes), Cell(s.FirstResponseTarget.Met), Cell(s.FirstResponseTarget.Missed), Cell(s.FirstResponseTarget.MetPercent),
                Cell(s.Resolution.Count), Cell(s.Resolution.MedianMinutes), Cell(s.Resolution.P90Minutes), Cell(s.ResolutionTarget.Met), Cell(s.ResolutionTarget.Missed), Cell(s.ResolutionTarget.MetPercent)])]),
        Breaches("customers", "SLA breaches per customer", "customer", BreachesByCustomer),
        Breaches("plans", "SLA breaches per plan", "plan", BreachesByPlan),
    ];

    public IReadOnlyList<ChartSpec> Charts(Func<string, string> text)
    {
        var rows = Severities.Where(s => s.Severity is not null).ToList();
        var top = BreachesByCustomer.Take(15).ToList();
        return
        [
            new(text("Response and resolution times (hours)"), text("Median and 90th percentile of first response and resolution, per severity, in hours."),
                [.. rows.Select(s => text("Severity") + " " + s.Severity)],
                [
                    new ChartSeries(text("First response, median"), [.. rows.Select(s => Hours(s.FirstResponse.MedianMinutes))]),
                    new ChartSeries(text("First response, 90th percentile"), [.. rows.Select(s => Hours(s.FirstResponse.P90Minutes))]),
                    new ChartSeries(text("Resolution, median"), [.. rows.Select(s => Hours(s.Resolution.MedianMinutes))]),
                    new ChartSeries(text("Resolution, 90th percentile"), [.. rows.Select(s => Hours(s.Resolution.P90Minutes))]),
                ],
                Unit: text("Hours")),
            new(text("Targets met, per severity"), text("Tickets whose first response and resolution met or missed their SLA due time."),
                [.. rows.Select(s => text("Severity") + " " + s.Severity)],
                [
                    new ChartSeries(text("First response met"), [.. rows.Select(s => (double?)s.FirstResponseTarget.Met)]),
                    new ChartSeries(text("First response missed"), [.. rows.Select(s => (double?)s.FirstResponseTarget.Missed)]),
                    new ChartSeries(text("Resolution met"), [.. rows.Select(s => (double?)s.ResolutionTarget.Met)]),
                    new ChartSeries(text("Resolution missed"), [.. rows.Select(s => (double?)s.ResolutionTarget.Missed)]),
                ],
                Unit: text("Tickets")),
            new(text("SLA breaches per customer"), text("The customers with the most tickets that missed a target."),
                [.. top.Select(b => b.Name)],
                [
                    new ChartSeries(text("First response missed"), [.. top.Select(b => (double?)b.FirstResponseMissed)]),
                    new ChartSeries(text("Resolution missed"), [.. top.Select(b => (double?)b.ResolutionMissed)]),
                ],
                Unit: text("Tickets")),
        ];
    }

    private static ReportTable Breaches(string name, string title, string column, IReadOnlyList<BreachCount> rows) =>
        new(name, title, [column + "_id", column, "tickets", "breached", "first_response_missed", "resolution_missed"],
            [.. rows.Select(b => (IReadOnlyList<string>)[Cell(b.Id), b.Name, Cell(b.Tickets), Cell(b.Breached), Cell(b.FirstResponseMissed), Cell(b.ResolutionMissed)])]);

    private static double? Hours(double? minutes) => minutes is { } m ? Math.Round(m / 60, 1) : null;

    private static string Cell(object? value) => ReportTable.Cell(value);
}

public static class ResponseTimes
{
    private const int NoTarget = (int)TargetOutcome.NoTarget, Running = (int)TargetOutcome.Running, Met = (int)TargetOutcome.Met, Missed = (int)TargetOutcome.Missed;

    /// <summary>
    /// Counted in the database over the period's index range, in three grouped reads: target outcomes per severity,
    /// customer and plan (each ticket's two outcomes decided in SQL as <see cref="ReportRules.Outcome"/> decides them),
    /// and the first-response and resolution minutes per severity as histograms (<see cref="ReportRules.MinuteBucket"/>),
    /// from which the median and 90th percentile are read. Rows per group come back, not per ticket: a year of a large
    /// partner is hundreds of thousands of tickets. Measured in bench/README.md.
    /// </summary>
    public static async Task<ResponseTimesReport> Run(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, DateTimeOffset now, CancellationToken ct)
    {
        var (start, end) = (period.Start, period.End);
        var tickets = filter.Apply(db.Tickets.AsNoTracking()).Where(t => t.CreatedAt >= start && t.CreatedAt < end);
        var groups = await tickets
            .Select(t => new
            {
                t.Severity,
                t.CustomerId,
                t.PlanId,
                FirstResponse = t.FirstResponseDueAt == null
                    ? (t.SlaBreached.HasFlag(SlaTargets.FirstResponse) ? Missed : NoTarget)
                    : t.FirstRespondedAt != null
                        ? (t.FirstRespondedAt <= t.FirstResponseDueAt && !t.SlaBreached.HasFlag(SlaTargets.FirstResponse) ? Met : Missed)
                        : (t.SlaBreached.HasFlag(SlaTargets.FirstResponse) || t.FirstResponseDueAt < now ? Missed : Running),
                Resolution = t.ResolutionDueAt == null
                    ? (t.SlaBreached.HasFlag(SlaTargets.Resolution) ? Missed : NoTarget)
                    : t.ResolvedAt != null
                        ? (t.ResolvedAt <= t.ResolutionDueAt && !t.SlaBreached.HasFlag(SlaTargets.Resolution) ? Met : Missed)
                        : (t.SlaBreached.HasFlag(SlaTargets.Resolution) || t.ResolutionDueAt < now ? Missed : Running),
                Marked = t.SlaBreached != SlaTargets.None,
            })
            .GroupBy(o => new { o.Severity, o.CustomerId, o.PlanId })
            .Select(g => new OutcomeGroup(g.Key.Severity, g.Key.CustomerId, g.Key.PlanId, g.Count(),
                g.Count(o => o.FirstResponse != NoTarget), g.Count(o => o.FirstResponse == Met), g.Count(o => o.FirstResponse == Missed),
                g.Count(o => o.Resolution != NoTarget), g.Count(o => o.Resolution == Met), g.Count(o => o.Resolution == Missed),
                g.Count(o => o.FirstResponse == Missed || o.Resolution == Missed || o.Marked)))
            .ToListAsync(ct);

        var firstResponses = await Histogram(tickets.Where(t => t.FirstRespondedAt != null)
            .Select(t => new SeverityMinutes { Severity = t.Severity, Minutes = SqlTime.WholeMinutes(t.CreatedAt, t.FirstRespondedAt) }), ct);
        var resolutions = await Histogram(tickets.Where(t => t.ResolvedAt != null)
            .Select(t => new SeverityMinutes { Severity = t.Severity, Minutes = SqlTime.WholeMinutes(t.CreatedAt, t.ResolvedAt) }), ct);

        var severities = new List<SeverityTimes> { Times(null, groups, firstResponses, resolutions) };
        severities.AddRange(Enum.GetValues<Severity>().Select(s => Times(s, groups, firstResponses, resolutions)));

        var customerBreaches = Breaches(groups, g => g.CustomerId);
        var planBreaches = Breaches(groups, g => g.PlanId);
        var breachedCustomers = customerBreaches.Where(c => c.Value.Breached > 0).Select(c => c.Key).ToList();
        var customers = breachedCustomers.Count == 0 ? []
            : await db.Customers.AsNoTracking().Where(c => breachedCustomers.Contains(c.Id)).Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var plans = await db.SupportPlans.AsNoTracking().Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var byCustomer = Ranked(customerBreaches.Select(c => c.Value with { Name = customers.GetValueOrDefault(c.Key, "?") }));
        var byPlan = Ranked(planBreaches.Select(p => p.Value.Id is { } plan ? p.Value with { Name = plans.GetValueOrDefault(plan, "?") } : p.Value with { Name = "—" }));
        return new ResponseTimesReport(period, severities, byCustomer, byPlan);
    }

    /// <summary>Tickets of one severity, customer and plan, with how their two targets came out.</summary>
    internal sealed record OutcomeGroup(
        Severity Severity, Guid CustomerId, Guid? PlanId, int Tickets,
        int FirstResponseWith, int FirstResponseMet, int FirstResponseMissed, int ResolutionWith, int ResolutionMet, int ResolutionMissed, int Breached);

    /// <summary>A duration of one ticket, as the database computes it (a class with setters: EF groups by its members).</summary>
    internal sealed class SeverityMinutes
    {
        public Severity Severity { get; init; }

        public long? Minutes { get; init; }
    }

    internal sealed record MinuteCount(Severity Severity, long Minutes, int Count);

    private static Task<List<MinuteCount>> Histogram(IQueryable<SeverityMinutes> durations, CancellationToken ct) =>
        durations
            .GroupBy(d => new
            {
                d.Severity,
                // ReportRules.MinuteBucket, written for SQL.
                Minutes = d.Minutes < ReportRules.ExactMinutesBelow ? d.Minutes
                    : d.Minutes < ReportRules.QuarterHoursBelow ? d.Minutes / 15 * 15 : d.Minutes / 60 * 60,
            })
            .Select(g => new MinuteCount(g.Key.Severity, g.Key.Minutes ?? 0, g.Count()))
            .ToListAsync(ct);

    private static SeverityTimes Times(Severity? severity, List<OutcomeGroup> groups, List<MinuteCount> firstResponses, List<MinuteCount> resolutions)
    {
        var mine = groups.Where(g => severity is null || g.Severity == severity).ToList();
        return new SeverityTimes(severity, mine.Sum(g => g.Tickets),
            ReportRules.DurationsOfBuckets(firstResponses.Where(m => severity is null || m.Severity == severity).Select(m => (m.Minutes, m.Count))),
            new TargetStats(mine.Sum(g => g.FirstResponseWith), mine.Sum(g => g.FirstResponseMet), mine.Sum(g => g.FirstResponseMissed)),
            ReportRules.DurationsOfBuckets(resolutions.Where(m => severity is null || m.Severity == severity).Select(m => (m.Minutes, m.Count))),
            new TargetStats(mine.Sum(g => g.ResolutionWith), mine.Sum(g => g.ResolutionMet), mine.Sum(g => g.ResolutionMissed)));
    }

    /// <summary>Adds the groups up per customer or plan (tickets without a plan under <see cref="Guid.Empty"/>, id null).</summary>
    private static Dictionary<Guid, BreachCount> Breaches(List<OutcomeGroup> groups, Func<OutcomeGroup, Guid?> key)
    {
        var counts = new Dictionary<Guid, BreachCount>();
        foreach (var g in groups)
        {
            var id = key(g);
            var c = counts.GetValueOrDefault(id ?? Guid.Empty) ?? new BreachCount(id, "", 0, 0, 0, 0);
            counts[id ?? Guid.Empty] = c with
            {
                Tickets = c.Tickets + g.Tickets,
                Breached = c.Breached + g.Breached,
                FirstResponseMissed = c.FirstResponseMissed + g.FirstResponseMissed,
                ResolutionMissed = c.ResolutionMissed + g.ResolutionMissed,
            };
        }

        return counts;
    }

    private static List<BreachCount> Ranked(IEnumerable<BreachCount> groups) =>
        [.. groups.Where(g => g.Breached > 0).OrderByDescending(b => b.Breached).ThenBy(b => b.Name, StringComparer.CurrentCulture)];
}
