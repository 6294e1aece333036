using System.Text.RegularExpressions;
using PartnerDesk.Features.Reports;
using PartnerDesk.Platform.Api;

namespace PartnerDesk.Tests.Reports;

/// <summary>The pure arithmetic of reports: periods, percentiles, targets, backlog, the SVG chart and CSV.</summary>
public sealed partial class ReportRuleTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Percentiles_interpolate_between_ranks_as_percentile_cont_does()
    {
        Assert.Null(ReportRules.Percentile([], 0.5));
        Assert.Equal(7, ReportRules.Percentile([7], 0.9));
        Assert.Equal(30, ReportRules.Percentile([10, 30, 120], 0.5));
        Assert.Equal(102, ReportRules.Percentile([10, 30, 120], 0.9)!.Value, 6);
        Assert.Equal(2.5, ReportRules.Percentile([1, 2, 3, 4], 0.5));
        var stats = ReportRules.Durations([120, 10, 30]);
        Assert.Equal(new DurationStats(3, 30, 102), stats);
    }

    [Fact]
    public void A_target_is_met_by_its_due_time_missed_after_it_and_running_before()
    {
        var due = Now.AddHours(-1);
        Assert.Equal(TargetOutcome.Met, ReportRules.Outcome(due, due, false, Now));
        Assert.Equal(TargetOutcome.Missed, ReportRules.Outcome(due, due.AddMinutes(1), false, Now));
        Assert.Equal(TargetOutcome.Missed, ReportRules.Outcome(due, null, false, Now)); // due passed, nothing done
        Assert.Equal(TargetOutcome.Running, ReportRules.Outcome(Now.AddHours(1), null, false, Now));
        Assert.Equal(TargetOutcome.Missed, ReportRules.Outcome(Now.AddHours(1), null, true, Now)); // the sweep said so
        Assert.Equal(TargetOutcome.NoTarget, ReportRules.Outcome(null, Now, false, Now));
        Assert.Equal(new TargetStats(3, 2, 1).MetPercent, 66.7);
        Assert.Null(new TargetStats(1, 0, 0).MetPercent);
    }

    [Fact]
    public void Sorted_durations_merge_into_the_figures_of_all_of_them()
    {
        double[] a = [1, 4, 9], b = [], c = [2, 3, 10, 11];
        var merged = ReportRules.MergeSorted([a, b, c]);
        Assert.Equal([1, 2, 3, 4, 9, 10, 11], merged);
        Assert.Equal(ReportRules.Durations([11, 3, 9, 1, 10, 4, 2]), ReportRules.DurationsOfSorted(merged));
        Assert.Empty(ReportRules.MergeSorted([[], []]));
        Assert.Empty(ReportRules.MergeSorted([]));

        // An odd number of runs of unequal lengths, with values repeated within and across runs, as a year's months give.
        var random = new Random(19);
        var runs = Enumerable.Range(0, 13).Select(i => Enumerable.Range(0, random.Next(0, 50)).Select(_ => (double)random.Next(0, 40)).Order().ToArray()).ToList();
        Assert.Equal(runs.SelectMany(r => r).Order(), ReportRules.MergeSorted(runs));
        Assert.Equal(DurationStats.None, ReportRules.DurationsOfSorted([]));
    }

    [Fact]
    public void The_backlog_carries_the_open_tickets_from_day_to_day()
    {
        Assert.Equal([3, 3, 3], ReportRules.Backlog(2, [2, 1, 1], [1, 1, 1]));
        Assert.Equal([0, 5], ReportRules.Backlog(0, [0, 5], [0, 0]));
        var period = new ReportPeriod(new DateOnly(2025, 3, 3), new DateOnly(2025, 3, 5));
        Assert.Equal([2, 0, 1], ReportRules.PerDay(period, [
            new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 3, 23, 59, 59, TimeSpan.Zero),
            new DateTimeOffset(2025, 3, 5, 23, 30, 0, TimeSpan.FromHours(-2)).AddHours(-3), // 2025-03-05 22:30 UTC
            new DateTimeOffset(2025, 3, 6, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 2, 23, 59, 0, TimeSpan.Zero)]));
    }

    [Fact]
    public void A_period_is_whole_utc_days_both_included_and_bad_ones_name_their_field()
    {
        var errors = new FieldErrors();
        var period = ReportPeriod.Parse("2025-03-03", "2025-03-05", Now, errors)!;
        Assert.False(errors.Any);
        Assert.Equal((3, new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 6, 0, 0, 0, TimeSpan.Zero)), (period.Days, period.Start, period.End));
        var defaults = ReportPeriod.Parse(null, null, Now, new FieldErrors())!;
        Assert.Equal((new DateOnly(2025, 2, 9), new DateOnly(2025, 3, 10)), (defaults.From, defaults.To));

        Assert.True(Fails("2025-03-05", "2025-03-01").Has("from"));
        Assert.True(Fails("2024-01-01", "2025-03-01").Has("to"));
        Assert.True(Fails("03/01/2025", null).Has("from"));
        Assert.True(Fails(null, "2025-02-30").Has("to"));
        Assert.False(Fails("2024-03-01", "2025-02-28").Any); // 365 days
        Assert.False(Fails("2024-01-01", "2024-12-31").Any); // 366 days, a leap year

        static FieldErrors Fails(string? from, string? to)
        {
            var errors = new FieldErrors();
            ReportPeriod.Parse(from, to, Now, errors);
            return errors;
        }
    }

    [Fact]
    public void The_chart_is_svg_with_a_title_a_description_a_bar_per_value_and_escaped_text()
    {
        var spec = new ChartSpec("Created <and> resolved", "Two days & a line", ["03.03", "04.03"],
        [
            new ChartSeries("Created", [2, 1]),
            new ChartSeries("Resolved", [1, 0]), // a zero draws no bar
            new ChartSeries("Backlog", [3, 3], ChartMark.Line),
        ], Unit: "Tickets");
        var svg = SvgChart.Render(spec, "c1");
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("role=\"img\"", svg, StringComparison.Ordinal);
        Assert.Contains("<title id=\"c1-title\">Created &lt;and&gt; resolved</title>", svg, StringComparison.Ordinal);
        Assert.Contains("<desc id=\"c1-desc\">Two days &amp; a line</desc>", svg, StringComparison.Ordinal);
        Assert.Equal(3, Bars().Count(svg));
        Assert.Single(Lines().Matches(svg));
        Assert.DoesNotContain("<script", svg, StringComparison.Ordinal);
        // The tallest bar reaches the top of a round scale: max 3 → gridlines 0, 1, 2, 3.
        Assert.Equal((3.0, 1.0), SvgChart.NiceScale(3));
        Assert.Equal((1000.0, 200.0), SvgChart.NiceScale(870));
        Assert.Equal((1.0, 1.0), SvgChart.NiceScale(0));
        var xml = System.Xml.Linq.XDocument.Parse(svg); // well-formed
        Assert.Equal("svg", xml.Root!.Name.LocalName);

        var stacked = SvgChart.Render(spec with { Stacked = true }, "c2");
        Assert.Equal(3, Bars().Count(stacked));
    }

    [Fact]
    public void Csv_quotes_what_needs_it_and_defuses_formulas()
    {
        var table = new ReportTable("t", "T", ["name", "count"], [["Contoso, \"West\"", "3"], ["=HYPERLINK(\"x\")", "-2"], ["-minus", "1.5"]]);
        Assert.Equal("name,count\r\n\"Contoso, \"\"West\"\"\",3\r\n\"'=HYPERLINK(\"\"x\"\")\",-2\r\n'-minus,1.5\r\n", table.ToCsv());
        Assert.Equal("2025-03-03", ReportTable.Cell(new DateOnly(2025, 3, 3)));
        Assert.Equal("1560", ReportTable.Cell(1560.0));
        Assert.Equal("1.50", ReportTable.Cell(1.5m));
    }

    [GeneratedRegex("<rect class=\"bar\"")]
    private static partial Regex Bars();

    [GeneratedRegex("<polyline class=\"series line-series\"")]
    private static partial Regex Lines();
}
