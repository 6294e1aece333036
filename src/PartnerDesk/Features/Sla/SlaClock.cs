using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Tickets;

namespace PartnerDesk.Features.Sla;

/// <summary>A ticket's status from this instant on.</summary>
public sealed record StatusChange(DateTimeOffset At, TicketStatus Status);

/// <summary>
/// The SLA clock: working time counted by the plan's calendar, stopped while a ticket waits on the customer
/// (and, as a plan option, while it is escalated). Pure; tested with properties over random calendars and
/// status histories across daylight-saving changes and holidays.
/// </summary>
public static class SlaClock
{
    public const double WarningShare = 0.75;

    public static bool Counts(TicketStatus status, bool pauseWhileEscalated) => status switch
    {
        TicketStatus.PendingCustomer => false,
        TicketStatus.Escalated => !pauseWhileEscalated,
        TicketStatus.Resolved or TicketStatus.Closed => false,
        _ => true,
    };

    /// <summary>The stretches of time the clock runs: [start, end) while the status counts, from <paramref name="start"/> on.</summary>
    public static IEnumerable<(DateTimeOffset From, DateTimeOffset? To)> Running(IReadOnlyList<StatusChange> history, DateTimeOffset start, bool pauseWhileEscalated)
    {
        var ordered = history.OrderBy(h => h.At).ToList();
        var current = ordered.LastOrDefault(h => h.At <= start)?.Status ?? TicketStatus.New;
        DateTimeOffset? runningSince = Counts(current, pauseWhileEscalated) ? start : null;
        foreach (var change in ordered.Where(h => h.At > start))
        {
            var counts = Counts(change.Status, pauseWhileEscalated);
            if (runningSince is { } since && !counts)
            {
                yield return (since, change.At);
                runningSince = null;
            }
            else if (runningSince is null && counts)
            {
                runningSince = change.At;
            }
        }

        if (runningSince is { } open)
        {
            yield return (open, null);
        }
    }

    /// <summary>Working time the clock has run between <paramref name="start"/> and <paramref name="now"/>.</summary>
    public static TimeSpan Elapsed(BusinessCalendar calendar, IReadOnlyList<StatusChange> history, DateTimeOffset start, DateTimeOffset now, bool pauseWhileEscalated)
    {
        var total = TimeSpan.Zero;
        foreach (var (from, to) in Running(history, start, pauseWhileEscalated))
        {
            if (from >= now)
            {
                break;
            }

            total += calendar.WorkingTimeBetween(from, to is { } t && t < now ? t : now);
        }

        return total;
    }

    /// <summary>
    /// When the target is (or was) reached, as things stand: null while the clock stands and the target has
    /// not been reached, or when the calendar never opens.
    /// </summary>
    public static DateTimeOffset? Due(BusinessCalendar calendar, IReadOnlyList<StatusChange> history, DateTimeOffset start, TimeSpan target, bool pauseWhileEscalated)
    {
        var left = target;
        foreach (var (from, to) in Running(history, start, pauseWhileEscalated))
        {
            var available = to is { } end ? calendar.WorkingTimeBetween(from, end) : TimeSpan.MaxValue;
            if (available >= left)
            {
                return calendar.AddWorkingTime(from, left);
            }

            left -= available;
        }

        return null;
    }

    public static SlaState StateOf(BusinessCalendar calendar, IReadOnlyList<StatusChange> history, DateTimeOffset start, TimeSpan target, DateTimeOffset now, bool pauseWhileEscalated)
    {
        var elapsed = Elapsed(calendar, history, start, now, pauseWhileEscalated);
        if (elapsed >= target)
        {
            return SlaState.Breached;
        }

        var current = history.Where(h => h.At <= now).OrderBy(h => h.At).LastOrDefault()?.Status ?? TicketStatus.New;
        if (!Counts(current, pauseWhileEscalated))
        {
            return SlaState.Paused;
        }

        return elapsed.Ticks >= target.Ticks * WarningShare ? SlaState.Warning : SlaState.Running;
    }
}
