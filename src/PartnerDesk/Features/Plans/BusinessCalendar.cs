
namespace PartnerDesk.Features.Plans;

/// <summary>One working interval of a weekday, in the calendar's local time (09:00–12:30). End after start, same day.</summary>
public sealed record WorkingInterval(DayOfWeek Day, TimeOnly Start, TimeOnly End);

/// <summary>A day off: a date, or (yearly) the same day and month every year.</summary>
public sealed record Holiday(DateOnly Date, bool Yearly, string Name);

/// <summary>
/// When support works: an IANA time zone, weekly working intervals (several per day allowed) and holidays.
/// Pure: business-time arithmetic is done here, in UTC instants, correct across daylight-saving changes
/// (a local time the clock skips moves to the end of the gap; one it repeats counts once, at its first
/// occurrence). A calendar with no intervals at all is always closed; <see cref="AlwaysOpen"/> is 24×7.
/// </summary>
public sealed class BusinessCalendar
{
    private readonly TimeZoneInfo zone;
    private readonly Dictionary<DayOfWeek, (TimeOnly Start, TimeOnly End)[]> week;
    private readonly HashSet<DateOnly> dates;
    private readonly HashSet<(int Month, int Day)> yearly;

    public BusinessCalendar(string timeZoneId, IEnumerable<WorkingInterval> intervals, IEnumerable<Holiday>? holidays = null)
    {
        zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        TimeZoneId = timeZoneId;
        var list = intervals.ToList();
        if (list.Any(i => i.End <= i.Start))
        {
            throw new ArgumentException("A working interval must end after it starts, on the same day.", nameof(intervals));
        }

        week = list.GroupBy(i => i.Day).ToDictionary(g => g.Key, g => Merge(g.Select(i => (i.Start, i.End))));
        var days = (holidays ?? []).ToList();
        dates = [.. days.Where(h => !h.Yearly).Select(h => h.Date)];
        yearly = [.. days.Where(h => h.Yearly).Select(h => (h.Date.Month, h.Date.Day))];
        AlwaysOpen = list.Count == 7 && Enum.GetValues<DayOfWeek>().All(d => week.TryGetValue(d, out var w) && w is [(var s, var e)] && s == TimeOnly.MinValue && IsEndOfDay(e))
            && days.Count == 0;
    }

    public string TimeZoneId { get; }

    /// <summary>24×7: every interval is the whole day and there are no holidays.</summary>
    public bool AlwaysOpen { get; }

    public static BusinessCalendar TwentyFourSeven(string timeZoneId = "UTC") =>
        new(timeZoneId, Enum.GetValues<DayOfWeek>().Select(d => new WorkingInterval(d, TimeOnly.MinValue, TimeOnly.MaxValue)));

    /// <summary>Overlapping or touching intervals of one day, as the caller gave them, become one.</summary>
    public static (TimeOnly Start, TimeOnly End)[] Merge(IEnumerable<(TimeOnly Start, TimeOnly End)> intervals)
    {
        var merged = new List<(TimeOnly Start, TimeOnly End)>();
        foreach (var (start, end) in intervals.OrderBy(i => i.Start))
        {
            if (merged.Count > 0 && start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, end > merged[^1].End ? end : merged[^1].End);
            }
            else
            {
                merged.Add((start, end));
            }
        }

        return [.. merged];
    }

    /// <summary>
    /// Midnight at the end of the day (24:00). TimeOnly stops at 23:59:59.9999999, which PostgreSQL keeps
    /// to the microsecond: anything in the last millisecond is the day's end.
    /// </summary>
    public static bool IsEndOfDay(TimeOnly time) => time >= new TimeOnly(23, 59, 59, 999);

    public bool IsHoliday(DateOnly date) => dates.Contains(date) || yearly.Contains((date.Month, date.Day));

    /// <summary>Whether support works at this instant.</summary>
    public bool IsOpen(DateTimeOffset at)
    {
        foreach (var (start, end) in OpenIntervals(at.AddDays(-1), at.AddDays(1)))
        {
            if (start <= at && at < end)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Working time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return TimeSpan.Zero;
        }

        if (AlwaysOpen)
        {
            return to - from;
        }

        var total = TimeSpan.Zero;
        foreach (var (start, end) in OpenIntervals(from, to))
        {
            var s = start > from ? start : from;
            var e = end < to ? end : to;
            if (e > s)
            {
                total += e - s;
            }
        }

        return total;
    }

    /// <summary>
    /// The instant when <paramref name="work"/> of working time after <paramref name="from"/> has passed:
    /// a due time. Null when the calendar never opens (no intervals, or only holidays for ten years).
    /// </summary>
    public DateTimeOffset? AddWorkingTime(DateTimeOffset from, TimeSpan work)
    {
        if (work <= TimeSpan.Zero)
        {
            return from;
        }

        if (AlwaysOpen)
        {
            return from + work;
        }

        if (week.Count == 0)
        {
            return null;
        }

        var left = work;
        var windowStart = from;
        // Walk forward a month at a time; ten years of holidays only is treated as never open.
        for (var month = 0; month < 120; month++)
        {
            var windowEnd = windowStart.AddDays(31);
            foreach (var (start, end) in OpenIntervals(windowStart, windowEnd))
            {
                // An interval across the window's edge is counted in each window for its own part only.
                var s = start > windowStart ? start : windowStart;
                var e = end < windowEnd ? end : windowEnd;
                if (e <= s)
                {
                    continue;
                }

                var available = e - s;
                if (available >= left)
                {
                    return s + left;
                }

                left -= available;
            }

            windowStart = windowEnd;
        }

        return null;
    }

    /// <summary>The open intervals, in UTC instants, that touch [from, to), in order.</summary>
    public IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> OpenIntervals(DateTimeOffset from, DateTimeOffset to)
    {
        var first = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime).AddDays(-1);
        var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).DateTime).AddDays(1);
        DateTimeOffset? pendingStart = null, pendingEnd = null;
        for (var date = first; date <= last; date = date.AddDays(1))
        {
            if (IsHoliday(date) || !week.TryGetValue(date.DayOfWeek, out var intervals))
            {
                continue;
            }

            foreach (var (startTime, endTime) in intervals)
            {
                var start = ToInstant(date, startTime);
                // The whole day's end (23:59:59.9999999) is midnight of the next day.
                var end = IsEndOfDay(endTime) ? ToInstant(date.AddDays(1), TimeOnly.MinValue) : ToInstant(date, endTime);
                if (end <= start)
                {
                    continue; // an interval that lies wholly in a skipped hour
                }

                // Intervals that touch across midnight (a 24×7 week) are handed out as one.
                if (pendingEnd is { } pe && start <= pe)
                {
                    pendingEnd = end > pe ? end : pe;
                    continue;
                }

                if (pendingStart is { } ps && pendingEnd is { } pend && pend > from && ps < to)
                {
                    yield return (ps, pend);
                }

                pendingStart = start;
                pendingEnd = end;
            }
        }

        if (pendingStart is { } lastStart && pendingEnd is { } lastEnd && lastEnd > from && lastStart < to)
        {
            yield return (lastStart, lastEnd);
        }
    }

    /// <summary>A local date and time as an instant: a skipped local time moves to the end of the gap; a repeated one is its first occurrence.</summary>
    private DateTimeOffset ToInstant(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
            local = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
