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
    /// <summary>
    /// Reads the few times of each ticket filed in the period (no text) and does the arithmetic in memory: the median
    /// needs every duration, which no SQL both databases share computes. Grouping in SQL instead (outcomes per
    /// customer and plan, durations as histograms) was measured slower on SQLite, whose GROUP BY sorts every row in a
    /// temporary B-tree (decisions 8t.2). The rows are streamed, not listed, and the severity comes as a number (it is
    /// stored as text). Measured in bench/README.md (decisions 8t.4).
    /// </summary>
    public static async Task<ResponseTimesReport> Run(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, DateTimeOffset now, CancellationToken ct)
    {
        var (start, end) = (period.Start, period.End);
        var rows = filter.Apply(db.Tickets.AsNoTracking())
            .Where(t => t.CreatedAt >= start && t.CreatedAt < end)
            .Select(t => new TicketTimes(t.CustomerId, t.PlanId,
                // Microsoft's three severities; a fourth would be counted as C until named here.
                t.Severity == Severity.A ? 0 : t.Severity == Severity.B ? 1 : 2,
                t.CreatedAt, t.FirstRespondedAt, t.FirstResponseDueAt, t.ResolvedAt, t.ResolutionDueAt, t.SlaBreached))
            .AsAsyncEnumerable();

        // One pass: each ticket's two outcomes are decided once, then counted for all, its severity, customer and plan.
        var bySeverity = new[] { new Tally(), new Tally(), new Tally() };
        var all = new Tally(bySeverity);
        var customerBreaches = new Dictionary<Guid, int[]>();
        var planBreaches = new Dictionary<Guid, int[]>();
        var noPlan = new int[4];
        await foreach (var r in rows.WithCancellation(ct))
        {
            var fr = r.FirstResponse(now);
            var res = r.Resolution(now);
            all.Add(r, fr, res);
            bySeverity[r.SeverityIndex].Add(r, fr, res);
            Count(Slot(customerBreaches, r.CustomerId), r, fr, res);
            Count(r.PlanId is { } plan ? Slot(planBreaches, plan) : noPlan, r, fr, res);
        }

        // The severities first: they sort their durations, which the overall figures then merge instead of sorting again.
        var severities = bySeverity.Select((tally, i) => tally.Times((Severity)i)).ToList();
        severities.Insert(0, all.Times(null));

        // The names in one parameter, not one per customer: a year's breaches name thousands.
        var breachedCustomers = customerBreaches.Where(c => c.Value[1] > 0).Select(c => c.Key).ToList();
        var customers = breachedCustomers.Count == 0 ? []
            : await db.Customers.AsNoTracking().Where(c => EF.Parameter(breachedCustomers).Contains(c.Id)).Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var plans = await db.SupportPlans.AsNoTracking().Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var byCustomer = Breaches(customerBreaches.Select(c => ((Guid?)c.Key, customers.GetValueOrDefault(c.Key, "?"), c.Value)));
        var byPlan = Breaches(planBreaches.Select(p => ((Guid?)p.Key, plans.GetValueOrDefault(p.Key, "?"), p.Value)).Append((null, "—", noPlan)));
        return new ResponseTimesReport(period, severities, byCustomer, byPlan);
    }

    /// <summary>What the report reads of a ticket, its severity as 0–2 (A–C).</summary>
    internal readonly record struct TicketTimes(
        Guid CustomerId, Guid? PlanId, int SeverityIndex, DateTimeOffset CreatedAt, DateTimeOffset? FirstRespondedAt, DateTimeOffset? FirstResponseDueAt,
        DateTimeOffset? ResolvedAt, DateTimeOffset? ResolutionDueAt, SlaTargets SlaBreached)
    {
        public TargetOutcome FirstResponse(DateTimeOffset now) =>
            ReportRules.Outcome(FirstResponseDueAt, FirstRespondedAt, SlaBreached.HasFlag(SlaTargets.FirstResponse), now);

        public TargetOutcome Resolution(DateTimeOffset now) =>
            ReportRules.Outcome(ResolutionDueAt, ResolvedAt, SlaBreached.HasFlag(SlaTargets.Resolution), now);
    }

    /// <summary>Counts of one group: tickets, breached tickets, first responses missed, resolutions missed.</summary>
    private static void Count(int[] counts, in TicketTimes r, TargetOutcome fr, TargetOutcome res)
    {
        counts[0]++;
        if (fr == TargetOutcome.Missed || res == TargetOutcome.Missed || r.SlaBreached != SlaTargets.None)
        {
            counts[1]++;
        }

        counts[2] += fr == TargetOutcome.Missed ? 1 : 0;
        counts[3] += res == TargetOutcome.Missed ? 1 : 0;
    }

    private static int[] Slot(Dictionary<Guid, int[]> groups, Guid key) => groups.TryGetValue(key, out var counts) ? counts : groups[key] = new int[4];

    private static List<BreachCount> Breaches(IEnumerable<(Guid? Id, string Name, int[] Counts)> groups) =>
        [.. groups.Where(g => g.Counts[1] > 0)
            .Select(g => new BreachCount(g.Id, g.Name, g.Counts[0], g.Counts[1], g.Counts[2], g.Counts[3]))
            .OrderByDescending(b => b.Breached).ThenBy(b => b.Name, StringComparer.CurrentCulture)];

    /// <summary>
    /// Durations and target outcomes of one group of tickets, added up ticket by ticket. A tally made of parts (all
    /// severities) keeps no durations of its own: it merges theirs once they are sorted.
    /// </summary>
    private sealed class Tally(Tally[]? parts = null)
    {
        private readonly List<double> firstResponses = [];
        private readonly List<double> resolutions = [];
        private int tickets, frWith, frMet, frMissed, resWith, resMet, resMissed;

        public void Add(in TicketTimes r, TargetOutcome fr, TargetOutcome res)
        {
            tickets++;
            if (parts is null && r.FirstRespondedAt is { } responded)
            {
                firstResponses.Add(ReportRules.Minutes(r.CreatedAt, responded));
            }

            if (parts is null && r.ResolvedAt is { } resolved)
            {
                resolutions.Add(ReportRules.Minutes(r.CreatedAt, resolved));
            }

            Target(fr, ref frWith, ref frMet, ref frMissed);
            Target(res, ref resWith, ref resMet, ref resMissed);
        }

        public SeverityTimes Times(Severity? severity) => new(severity, tickets, Durations(t => t.firstResponses), new TargetStats(frWith, frMet, frMissed),
            Durations(t => t.resolutions), new TargetStats(resWith, resMet, resMissed));

        private DurationStats Durations(Func<Tally, List<double>> of) => parts is null
            ? ReportRules.Durations(of(this))
            : ReportRules.DurationsOfSorted(ReportRules.MergeSorted([.. parts.Select(of)]));

        private static void Target(TargetOutcome outcome, ref int with, ref int met, ref int missed)
        {
            with += outcome == TargetOutcome.NoTarget ? 0 : 1;
            met += outcome == TargetOutcome.Met ? 1 : 0;
            missed += outcome == TargetOutcome.Missed ? 1 : 0;
        }
    }
}
