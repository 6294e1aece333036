using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

/// <summary>Escalations to Microsoft of one category (or of one Microsoft severity, with its first-response target).</summary>
public sealed record EscalationGroup(string Key, double? TargetHours, int Escalations, int Open, DurationStats FirstResponse, TargetStats FirstResponseTarget, DurationStats TimeToClose);

/// <summary>
/// Escalations to Microsoft (Partner Center service requests) opened in the period: count per category, Microsoft's
/// first response (from sending) against its 2/4/8-hour target by severity, and the time to close.
/// </summary>
public sealed record EscalationsReport(ReportPeriod Period, IReadOnlyList<EscalationGroup> Categories, IReadOnlyList<EscalationGroup> Severities) : IReport
{
    public IReadOnlyList<ReportTable> Tables() =>
    [
        Table("categories", "Escalations to Microsoft per category", "category", Categories),
        Table("severities", "Microsoft's first response against its target", "severity", Severities),
    ];

    public IReadOnlyList<ChartSpec> Charts(Func<string, string> text) =>
    [
        new(text("Escalations to Microsoft per category"), text("How many escalations to Microsoft were opened in each category, and how many are still open."),
            [.. Categories.Select(c => text(c.Key))],
            [
                new ChartSeries(text("Escalations"), [.. Categories.Select(c => (double?)c.Escalations)]),
                new ChartSeries(text("Still open"), [.. Categories.Select(c => (double?)c.Open)]),
            ],
            Unit: text("Escalations")),
        new(text("Microsoft's first response against its target"), text("Median and 90th percentile of Microsoft's first response in hours, per severity, with the target as a line."),
            [.. Severities.Select(s => s.Key)],
            [
                new ChartSeries(text("Median"), [.. Severities.Select(s => Hours(s.FirstResponse.MedianMinutes))]),
                new ChartSeries(text("90th percentile"), [.. Severities.Select(s => Hours(s.FirstResponse.P90Minutes))]),
                new ChartSeries(text("Target"), [.. Severities.Select(s => s.TargetHours)], ChartMark.Line),
            ],
            Unit: text("Hours")),
    ];

    private static ReportTable Table(string name, string title, string column, IReadOnlyList<EscalationGroup> rows) =>
        new(name, title,
            [column, "target_hours", "escalations", "open", "first_response_count", "first_response_median_min", "first_response_p90_min", "first_response_met", "first_response_missed", "first_response_met_pct",
                "closed_count", "time_to_close_median_min", "time_to_close_p90_min"],
            [.. rows.Select(g => (IReadOnlyList<string>)[g.Key, Cell(g.TargetHours), Cell(g.Escalations), Cell(g.Open),
                Cell(g.FirstResponse.Count), Cell(g.FirstResponse.MedianMinutes), Cell(g.FirstResponse.P90Minutes), Cell(g.FirstResponseTarget.Met), Cell(g.FirstResponseTarget.Missed), Cell(g.FirstResponseTarget.MetPercent),
                Cell(g.TimeToClose.Count), Cell(g.TimeToClose.MedianMinutes), Cell(g.TimeToClose.P90Minutes)])]);

    private static double? Hours(double? minutes) => minutes is { } m ? Math.Round(m / 60, 1) : null;

    private static string Cell(object? value) => ReportTable.Cell(value);
}

public static class EscalationReport
{
    /// <summary>Categories in the order Partner Center lists them; "None" for escalations filed without one.</summary>
    public const string NoCategory = "None";

    public static async Task<EscalationsReport> Run(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, DateTimeOffset now, CancellationToken ct)
    {
        var (start, end) = (period.Start, period.End);
        var tickets = filter.Apply(db.Tickets);
        var rows = await db.Escalations.AsNoTracking()
            .Where(e => e.Target == EscalationTarget.Microsoft && e.CreatedAt >= start && e.CreatedAt < end && tickets.Any(t => t.Id == e.TicketId))
            .Select(e => new EscalationTimes(e.Category, e.Severity, e.CreatedAt, e.SentAt, e.FirstResponseAt, e.FirstResponseDueAt, e.FirstResponseMissed, e.ClosedAt))
            .ToListAsync(ct);

        var categories = Enum.GetValues<EscalationCategory>().Select(c => c.ToString()).Append(NoCategory)
            .Select(key => Group(key, null, rows.Where(r => (r.Category?.ToString() ?? NoCategory) == key).ToList(), now))
            .ToList();
        var severities = new[] { "critical", "moderate", "minimal" }
            .Select(s => Group(s, EscalateTicket.FirstResponseTarget(s).TotalHours, rows.Where(r => string.Equals(r.Severity, s, StringComparison.OrdinalIgnoreCase)).ToList(), now))
            .ToList();
        return new EscalationsReport(period, categories, severities);
    }

    internal sealed record EscalationTimes(
        EscalationCategory? Category, string Severity, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? FirstResponseAt, DateTimeOffset? FirstResponseDueAt,
        bool FirstResponseMissed, DateTimeOffset? ClosedAt);

    private static EscalationGroup Group(string key, double? targetHours, List<EscalationTimes> rows, DateTimeOffset now)
    {
        var responses = new List<double>();
        var closes = new List<double>();
        int with = 0, met = 0, missed = 0;
        foreach (var r in rows)
        {
            // Microsoft's clock starts when the request reached Partner Center, not when the agent wrote it.
            if (r.FirstResponseAt is { } answered)
            {
                responses.Add(ReportRules.Minutes(r.SentAt ?? r.CreatedAt, answered));
            }

            if (r.ClosedAt is { } closed)
            {
                closes.Add(ReportRules.Minutes(r.CreatedAt, closed));
            }

            switch (ReportRules.Outcome(r.FirstResponseDueAt, r.FirstResponseAt, r.FirstResponseMissed, now))
            {
                case TargetOutcome.Met: with++; met++; break;
                case TargetOutcome.Missed: with++; missed++; break;
                case TargetOutcome.Running: with++; break;
            }
        }

        return new EscalationGroup(key, targetHours, rows.Count, rows.Count(r => r.ClosedAt is null), ReportRules.Durations(responses), new TargetStats(with, met, missed), ReportRules.Durations(closes));
    }
}
