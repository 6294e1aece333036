using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

public sealed record VolumeDay(DateOnly Day, int Created, int Resolved, int Backlog);

/// <summary>Tickets created and resolved per day, and the open backlog at the end of each day.</summary>
public sealed record VolumeReport(ReportPeriod Period, int Created, int Resolved, int OpenAtStart, int OpenAtEnd, IReadOnlyList<VolumeDay> Days) : IReport
{
    public IReadOnlyList<ReportTable> Tables() =>
    [
        new("days", "Created and resolved per day", ["day", "created", "resolved", "open_backlog"],
            [.. Days.Select(d => (IReadOnlyList<string>)[ReportTable.Cell(d.Day), ReportTable.Cell(d.Created), ReportTable.Cell(d.Resolved), ReportTable.Cell(d.Backlog)])]),
    ];

    public IReadOnlyList<ChartSpec> Charts(Func<string, string> text) =>
    [
        new(text("Created and resolved per day"),
            string.Format(System.Globalization.CultureInfo.InvariantCulture, text("{0} created, {1} resolved; open backlog {2} at the start, {3} at the end."), Created, Resolved, OpenAtStart, OpenAtEnd),
            [.. Days.Select(d => d.Day.ToString("dd.MM", System.Globalization.CultureInfo.InvariantCulture))],
            [
                new ChartSeries(text("Created"), [.. Days.Select(d => (double?)d.Created)]),
                new ChartSeries(text("Resolved"), [.. Days.Select(d => (double?)d.Resolved)]),
                new ChartSeries(text("Open backlog"), [.. Days.Select(d => (double?)d.Backlog)], ChartMark.Line),
            ],
            Unit: text("Tickets")),
    ];
}

public static class TicketVolume
{
    /// <summary>
    /// Counted per day in the database (GROUP BY the UTC day over an index range): at most a row or two a day comes back,
    /// however many tickets the period holds. The tickets resolved since the start are read once, both for the days of
    /// the period and for the backlog at the start (those filed before it were open then), plus the tickets still
    /// unresolved. A reopened ticket has no resolved time again, so it counts as open since it was created.
    /// </summary>
    public static async Task<VolumeReport> Run(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, CancellationToken ct)
    {
        var (start, end) = (period.Start, period.End);
        var tickets = filter.Apply(db.Tickets.AsNoTracking());
        var created = await tickets.Where(t => t.CreatedAt >= start && t.CreatedAt < end)
            .GroupBy(t => SqlTime.DayNumber(t.CreatedAt)).Select(g => new DayCount(g.Key, g.Count())).ToListAsync(ct);
        var resolved = await tickets.Where(t => t.ResolvedAt >= start)
            .GroupBy(t => new { Day = SqlTime.DayNumber(t.ResolvedAt!.Value), FiledBefore = t.CreatedAt < start })
            .Select(g => new { g.Key.Day, g.Key.FiledBefore, Count = g.Count() })
            .ToListAsync(ct);
        var openAtStart = await tickets.Where(t => t.ResolvedAt == null && t.CreatedAt < start).CountAsync(ct)
                          + resolved.Where(r => r.FiledBefore).Sum(r => r.Count);

        var createdPerDay = ReportRules.PerDay(period, created);
        var resolvedPerDay = ReportRules.PerDay(period, resolved.Select(r => new DayCount(r.Day, r.Count)));
        var backlog = ReportRules.Backlog(openAtStart, createdPerDay, resolvedPerDay);
        var days = period.EachDay().Select((d, i) => new VolumeDay(d, createdPerDay[i], resolvedPerDay[i], backlog[i])).ToList();
        return new VolumeReport(period, createdPerDay.Sum(), resolvedPerDay.Sum(), openAtStart, backlog.Length > 0 ? backlog[^1] : openAtStart, days);
    }
}
