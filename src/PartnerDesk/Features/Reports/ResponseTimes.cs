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
    /// Counts the tickets filed in the period: months the rollup has counted (<see cref="ResponseTimeRollup"/>) from
    /// their counts, the rest of the period from the tickets, the few times of each (no text), in memory: the median
    /// needs every duration, which no SQL both databases share computes, and SQLite's GROUP BY over the tickets was
    /// measured slower than reading them (decisions 8t.2). The counted months serve a report narrowed to a severity
    /// or to nothing, for a caller who sees every ticket of the organisation (their visibility rule says who); any
    /// other filter counts from the tickets, which it narrows enough. Measured in bench/README.md (decisions 8t.4, 8t.5).
    /// </summary>
    public static async Task<ResponseTimesReport> Run(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, DateTimeOffset now, CancellationToken ct)
    {
        var counted = filter is { CustomerId: null, PlanId: null, Service: null, AgentId: null, Channel: null }
            ? await ResponseTimeRollup.CountedMonths(db, period, ct)
            : [];
        var tally = new ReportTally();
        foreach (var (from, to) in ResponseTimeRollup.Uncounted(period, counted))
        {
            await foreach (var r in Times(filter.Apply(db.Tickets.AsNoTracking()), from, to).WithCancellation(ct))
            {
                tally.Add(r, now);
            }
        }

        var plans = await db.SupportPlans.AsNoTracking().Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        if (counted.Count > 0)
        {
            await ResponseTimeRollup.AddCounted(db, counted, filter.Severity, plans, tally, ct);
        }

        var severities = tally.Severities();

        // The names in one parameter, not one per customer: a year's breaches name thousands.
        var breachedCustomers = tally.Customers.Where(c => c.Value.Breached > 0).Select(c => c.Key).ToList();
        var customers = breachedCustomers.Count == 0 ? []
            : await db.Customers.AsNoTracking().Where(c => EF.Parameter(breachedCustomers).Contains(c.Id)).Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct);

        var byCustomer = Breaches(tally.Customers.Select(c => ((Guid?)c.Key, customers.GetValueOrDefault(c.Key, "?"), c.Value)));
        var byPlan = Breaches(tally.Plans.Select(p => ((Guid?)p.Key, plans.GetValueOrDefault(p.Key, "?"), p.Value)).Append((null, "—", tally.NoPlan)));
        return new ResponseTimesReport(period, severities, byCustomer, byPlan);
    }

    /// <summary>What the report reads of each ticket filed from <paramref name="from"/> until before <paramref name="to"/>.</summary>
    internal static IAsyncEnumerable<TicketTimes> Times(IQueryable<Ticket> tickets, DateTimeOffset from, DateTimeOffset to) =>
        tickets.Where(t => t.CreatedAt >= from && t.CreatedAt < to)
            .Select(t => new TicketTimes(t.CustomerId, t.PlanId,
                // Microsoft's three severities; a fourth would be counted as C until named here.
                t.Severity == Severity.A ? 0 : t.Severity == Severity.B ? 1 : 2,
                t.CreatedAt, t.FirstRespondedAt, t.FirstResponseDueAt, t.ResolvedAt, t.ResolutionDueAt, t.SlaBreached))
            .AsAsyncEnumerable();

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

    private static List<BreachCount> Breaches(IEnumerable<(Guid? Id, string Name, OutcomeCounts Counts)> groups) =>
        [.. groups.Where(g => g.Counts.Breached > 0)
            .Select(g => new BreachCount(g.Id, g.Name, g.Counts.Tickets, g.Counts.Breached, g.Counts.FirstResponseMissed, g.Counts.ResolutionMissed))
            .OrderByDescending(b => b.Breached).ThenBy(b => b.Name, StringComparer.CurrentCulture).ThenBy(b => b.Id)];
}

/// <summary>Tickets and their targets' outcomes, of one group; additive, so counted months and live tickets add up.</summary>
internal sealed class OutcomeCounts
{
    public int Tickets, Breached, FirstResponseWithTarget, FirstResponseMet, FirstResponseMissed, ResolutionWithTarget, ResolutionMet, ResolutionMissed;

    public void Add(ResponseTimes.TicketTimes r, TargetOutcome fr, TargetOutcome res)
    {
        Tickets++;
        Breached += fr == TargetOutcome.Missed || res == TargetOutcome.Missed || r.SlaBreached != SlaTargets.None ? 1 : 0;
        FirstResponseWithTarget += fr == TargetOutcome.NoTarget ? 0 : 1;
        FirstResponseMet += fr == TargetOutcome.Met ? 1 : 0;
        FirstResponseMissed += fr == TargetOutcome.Missed ? 1 : 0;
        ResolutionWithTarget += res == TargetOutcome.NoTarget ? 0 : 1;
        ResolutionMet += res == TargetOutcome.Met ? 1 : 0;
        ResolutionMissed += res == TargetOutcome.Missed ? 1 : 0;
    }

    /// <summary>What a counted month kept of one severity.</summary>
    public static OutcomeCounts Of(ResponseTimeSeverity d) => new()
    {
        Tickets = d.Tickets,
        FirstResponseWithTarget = d.FirstResponseWithTarget,
        FirstResponseMet = d.FirstResponseMet,
        FirstResponseMissed = d.FirstResponseMissed,
        ResolutionWithTarget = d.ResolutionWithTarget,
        ResolutionMet = d.ResolutionMet,
        ResolutionMissed = d.ResolutionMissed,
    };

    /// <summary>What a counted month keeps of a customer and plan: tickets and missed targets (met ones count per severity only).</summary>
    public static OutcomeCounts Of(int tickets, int breached, int firstResponseMissed, int resolutionMissed) => new()
    {
        Tickets = tickets,
        Breached = breached,
        FirstResponseMissed = firstResponseMissed,
        ResolutionMissed = resolutionMissed,
    };

    public void CopyTo(ResponseTimeSeverity d)
    {
        d.Tickets = Tickets;
        d.FirstResponseWithTarget = FirstResponseWithTarget;
        d.FirstResponseMet = FirstResponseMet;
        d.FirstResponseMissed = FirstResponseMissed;
        d.ResolutionWithTarget = ResolutionWithTarget;
        d.ResolutionMet = ResolutionMet;
        d.ResolutionMissed = ResolutionMissed;
    }

    public void Add(OutcomeCounts o)
    {
        Tickets += o.Tickets;
        Breached += o.Breached;
        FirstResponseWithTarget += o.FirstResponseWithTarget;
        FirstResponseMet += o.FirstResponseMet;
        FirstResponseMissed += o.FirstResponseMissed;
        ResolutionWithTarget += o.ResolutionWithTarget;
        ResolutionMet += o.ResolutionMet;
        ResolutionMissed += o.ResolutionMissed;
    }
}

/// <summary>
/// What the response-times report adds up: counts per severity, customer and plan, and the durations per severity,
/// as lists of the tickets read and as sorted runs of the months counted, merged once at the end.
/// </summary>
internal sealed class ReportTally
{
    private readonly OutcomeCounts[] bySeverity = [new(), new(), new()];
    private readonly List<double>[] firstResponses = [[], [], []];
    private readonly List<double>[] resolutions = [[], [], []];
    private readonly List<double[]>[] countedFirstResponses = [[], [], []];
    private readonly List<double[]>[] countedResolutions = [[], [], []];

    /// <summary>
    /// A tally for the rollup keeps each customer and plan together, per severity (<c>perCustomerAndPlan</c>), as its
    /// rows do; a report's tally keeps customers and plans apart, as its tables do.
    /// </summary>
    public ReportTally(bool perCustomerAndPlan = false) => CustomerPlans = perCustomerAndPlan ? [] : null;

    public Dictionary<(Guid Customer, Guid? Plan), OutcomeCounts[]>? CustomerPlans { get; }

    public Dictionary<Guid, OutcomeCounts> Customers { get; } = [];

    public Dictionary<Guid, OutcomeCounts> Plans { get; } = [];

    public OutcomeCounts NoPlan { get; } = new();

    /// <summary>One ticket: its two outcomes are decided once, then counted.</summary>
    public void Add(in ResponseTimes.TicketTimes r, DateTimeOffset now) => Add(r, r.FirstResponse(now), r.Resolution(now));

    /// <summary>One ticket whose outcomes are decided: counted for its severity, its customer and plan, and its durations.</summary>
    public void Add(in ResponseTimes.TicketTimes r, TargetOutcome fr, TargetOutcome res)
    {
        bySeverity[r.SeverityIndex].Add(r, fr, res);
        if (CustomerPlans is { } pairs)
        {
            var key = (r.CustomerId, r.PlanId);
            (pairs.TryGetValue(key, out var counts) ? counts : pairs[key] = [new(), new(), new()])[r.SeverityIndex].Add(r, fr, res);
        }
        else
        {
            Slot(Customers, r.CustomerId).Add(r, fr, res);
            (r.PlanId is { } plan ? Slot(Plans, plan) : NoPlan).Add(r, fr, res);
        }

        if (r.FirstRespondedAt is { } responded)
        {
            firstResponses[r.SeverityIndex].Add(ReportRules.Minutes(r.CreatedAt, responded));
        }

        if (r.ResolvedAt is { } resolved)
        {
            resolutions[r.SeverityIndex].Add(ReportRules.Minutes(r.CreatedAt, resolved));
        }
    }

    /// <summary>One severity's counts (0–2), and the durations read of it, unsorted.</summary>
    public (OutcomeCounts Counts, List<double> FirstResponses, List<double> Resolutions) OfSeverity(int severity) =>
        (bySeverity[severity], firstResponses[severity], resolutions[severity]);

    /// <summary>The tickets of one customer and plan in counted months.</summary>
    public void AddCustomer(Guid customerId, Guid? planId, OutcomeCounts counts)
    {
        Slot(Customers, customerId).Add(counts);
        (planId is { } plan ? Slot(Plans, plan) : NoPlan).Add(counts);
    }

    /// <summary>One severity's tickets in one counted month: outcomes and sorted durations.</summary>
    public void AddSeverity(int severity, OutcomeCounts counts, double[] firstResponsesSorted, double[] resolutionsSorted)
    {
        bySeverity[severity].Add(counts);
        countedFirstResponses[severity].Add(firstResponsesSorted);
        countedResolutions[severity].Add(resolutionsSorted);
    }

    /// <summary>All severities first, then A, B, C.</summary>
    public List<SeverityTimes> Severities()
    {
        var all = new OutcomeCounts();
        var allFirst = new List<double[]>();
        var allResolved = new List<double[]>();
        var rows = new List<SeverityTimes>();
        for (var i = 0; i < bySeverity.Length; i++)
        {
            all.Add(bySeverity[i]);
            var first = Merged(firstResponses[i], countedFirstResponses[i]);
            var resolved = Merged(resolutions[i], countedResolutions[i]);
            allFirst.Add(first);
            allResolved.Add(resolved);
            rows.Add(Times((Severity)i, bySeverity[i], first, resolved));
        }

        rows.Insert(0, Times(null, all, ReportRules.MergeSorted(allFirst), ReportRules.MergeSorted(allResolved)));
        return rows;
    }

    private static double[] Merged(List<double> read, List<double[]> counted)
    {
        var sorted = read.ToArray();
        Array.Sort(sorted);
        return counted.Count == 0 ? sorted : ReportRules.MergeSorted([sorted, .. counted]);
    }

    private static SeverityTimes Times(Severity? severity, OutcomeCounts c, double[] first, double[] resolved) =>
        new(severity, c.Tickets, ReportRules.DurationsOfSorted(first), new TargetStats(c.FirstResponseWithTarget, c.FirstResponseMet, c.FirstResponseMissed),
            ReportRules.DurationsOfSorted(resolved), new TargetStats(c.ResolutionWithTarget, c.ResolutionMet, c.ResolutionMissed));

    private static OutcomeCounts Slot(Dictionary<Guid, OutcomeCounts> groups, Guid key) =>
        groups.TryGetValue(key, out var counts) ? counts : groups[key] = new OutcomeCounts();
}
