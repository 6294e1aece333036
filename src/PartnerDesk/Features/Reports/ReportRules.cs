using System.Globalization;

namespace PartnerDesk.Features.Reports;

/// <summary>
/// A report's period: whole days in UTC (the console and portal show every time in UTC), both ends included.
/// </summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To)
{
    /// <summary>The longest period one report covers: a year, leap day included.</summary>
    public const int MaxDays = 366;

    /// <summary>The period a report shows when none is asked for: the last 30 days, today included.</summary>
    public const int DefaultDays = 30;

    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The first moment after the period (midnight after <see cref="To"/>).</summary>
    public DateTimeOffset End => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public int Days => To.DayNumber - From.DayNumber + 1;

    public static ReportPeriod LastDays(DateTimeOffset now, int days = DefaultDays)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return new ReportPeriod(today.AddDays(1 - days), today);
    }

    /// <summary>The day of the period a moment falls on (0 for the first day), or -1 outside it.</summary>
    public int DayOf(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime).DayNumber - From.DayNumber;
        return day >= 0 && day < Days ? day : -1;
    }

    public IEnumerable<DateOnly> EachDay()
    {
        for (var d = From; d <= To; d = d.AddDays(1))
        {
            yield return d;
        }
    }

    /// <summary>
    /// Reads a period from a query string: ISO dates (yyyy-MM-dd), each may be left out (to: today; from: 30 days
    /// before to). Errors name the field.
    /// </summary>
    public static ReportPeriod? Parse(string? from, string? to, DateTimeOffset now, Platform.Api.FieldErrors errors)
    {
        DateOnly? f = null, t = null;
        if (!string.IsNullOrEmpty(from))
        {
            if (DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                f = d;
            }
            else
            {
                errors.Add("from", "A date as yyyy-MM-dd.");
            }
        }

        if (!string.IsNullOrEmpty(to))
        {
            if (DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                t = d;
            }
            else
            {
                errors.Add("to", "A date as yyyy-MM-dd.");
            }
        }

        if (errors.Has("from") || errors.Has("to"))
        {
            return null;
        }

        var end = t ?? DateOnly.FromDateTime(now.UtcDateTime);
        var start = f ?? end.AddDays(1 - DefaultDays);
        if (start > end)
        {
            errors.Add("from", "The period's first day is after its last.");
            return null;
        }

        if (end.DayNumber - start.DayNumber + 1 > MaxDays)
        {
            errors.Add("to", $"A report covers at most {MaxDays} days.");
            return null;
        }

        return new ReportPeriod(start, end);
    }
}

/// <summary>The median and 90th percentile of a set of durations, and how many there were.</summary>
public sealed record DurationStats(int Count, double? MedianMinutes, double? P90Minutes)
{
    public static readonly DurationStats None = new(0, null, null);
}

/// <summary>A target met or missed: counts of the tickets (or escalations) the target applied to.</summary>
public sealed record TargetStats(int WithTarget, int Met, int Missed)
{
    /// <summary>Met as a share of those decided (met or missed), in percent; null when none is decided yet.</summary>
    public double? MetPercent => Met + Missed == 0 ? null : Math.Round(100.0 * Met / (Met + Missed), 1);
}

/// <summary>Tickets counted on one UTC day (<see cref="DateOnly.DayNumber"/>), as the database groups them.</summary>
public sealed record DayCount(long Day, int Count);

/// <summary>The arithmetic of reports, apart from any database: kept pure so that it is tested alone.</summary>
public static class ReportRules
{
    /// <summary>
    /// The p-th percentile (0–1) of sorted values, interpolated between the two nearest ranks: what PostgreSQL's
    /// <c>percentile_cont</c> and a spreadsheet's PERCENTILE.INC give, so exported figures can be checked by hand.
    /// </summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (rank - lower));
    }

    public static DurationStats Durations(List<double> minutes)
    {
        if (minutes.Count == 0)
        {
            return DurationStats.None;
        }

        minutes.Sort();
        return DurationsOfSorted(minutes);
    }

    public static DurationStats DurationsOfSorted(IReadOnlyList<double> sorted) => sorted.Count == 0
        ? DurationStats.None
        : new DurationStats(sorted.Count, Round(Percentile(sorted, 0.5)), Round(Percentile(sorted, 0.9)));

    /// <summary>
    /// Runs each sorted ascending, merged into one sorted array, two at a time (a year's report merges a run per counted
    /// month: comparing every run's head for each value was a third of its time). Linear per level, log₂ of the runs
    /// levels, where sorting them together again is not linear. A single run is returned as it is.
    /// </summary>
    public static double[] MergeSorted(IReadOnlyList<double[]> runs)
    {
        if (runs.Count == 0)
        {
            return [];
        }

        var level = runs.ToList();
        while (level.Count > 1)
        {
            var next = new List<double[]>((level.Count + 1) / 2);
            for (var i = 0; i + 1 < level.Count; i += 2)
            {
                next.Add(Merge(level[i], level[i + 1]));
            }

            if (level.Count % 2 == 1)
            {
                next.Add(level[^1]);
            }

            level = next;
        }

        return level[0];
    }

    private static double[] Merge(double[] a, double[] b)
    {
        var merged = new double[a.Length + b.Length];
        int i = 0, j = 0, n = 0;
        while (i < a.Length && j < b.Length)
        {
            merged[n++] = b[j] < a[i] ? b[j++] : a[i++];
        }

        a.AsSpan(i).CopyTo(merged.AsSpan(n));
        b.AsSpan(j).CopyTo(merged.AsSpan(n + a.Length - i));
        return merged;
    }

    /// <summary>Whole minutes between two moments (never negative: a clock set back must not make a reply precede its question).</summary>
    public static double Minutes(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (to - from).TotalMinutes);

    /// <summary>
    /// How a target came out: met when done by its due time; missed when done late or when the due time has passed
    /// undone (or the SLA sweep marked it breached); neither while it is still running.
    /// </summary>
    public static TargetOutcome Outcome(DateTimeOffset? dueAt, DateTimeOffset? doneAt, bool markedBreached, DateTimeOffset now)
    {
        if (dueAt is not { } due)
        {
            return markedBreached ? TargetOutcome.Missed : TargetOutcome.NoTarget;
        }

        if (doneAt is { } done)
        {
            return done <= due && !markedBreached ? TargetOutcome.Met : TargetOutcome.Missed;
        }

        return markedBreached || now > due ? TargetOutcome.Missed : TargetOutcome.Running;
    }

    /// <summary>
    /// The open backlog at the end of each day: the tickets open when the period began, plus those created, minus
    /// those resolved, day by day.
    /// </summary>
    public static int[] Backlog(int openAtStart, IReadOnlyList<int> createdPerDay, IReadOnlyList<int> resolvedPerDay)
    {
        var backlog = new int[createdPerDay.Count];
        var open = openAtStart;
        for (var i = 0; i < backlog.Length; i++)
        {
            open += createdPerDay[i] - resolvedPerDay[i];
            backlog[i] = open;
        }

        return backlog;
    }

    /// <summary>Counts moments per day of the period; moments outside it are not counted.</summary>
    public static int[] PerDay(ReportPeriod period, IEnumerable<DateTimeOffset> moments)
    {
        var counts = new int[period.Days];
        foreach (var at in moments)
        {
            var day = period.DayOf(at);
            if (day >= 0)
            {
                counts[day]++;
            }
        }

        return counts;
    }

    /// <summary>Spreads counts the database made per day (<see cref="DateOnly.DayNumber"/>) over the period's days.</summary>
    public static int[] PerDay(ReportPeriod period, IEnumerable<DayCount> days)
    {
        var counts = new int[period.Days];
        foreach (var (day, count) in days)
        {
            var i = day - period.From.DayNumber;
            if (i >= 0 && i < counts.Length)
            {
                counts[i] += count;
            }
        }

        return counts;
    }

    public static decimal Hours(long minutes) => Math.Round(minutes / 60m, 2);

    private static double? Round(double? minutes) => minutes is { } m ? Math.Round(m, 1) : null;
}

public enum TargetOutcome
{
    NoTarget,
    Running,
    Met,
    Missed,
}
