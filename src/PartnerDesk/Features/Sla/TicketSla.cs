using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Tickets;

namespace PartnerDesk.Features.Sla;

/// <summary>What a ticket's SLA depends on.</summary>
public sealed record SlaFacts(
    DateTimeOffset CreatedAt,
    Severity Severity,
    IReadOnlyList<StatusChange> History,
    DateTimeOffset? FirstRespondedAt,
    DateTimeOffset? CustomerWaitingSince);

/// <summary>When a target falls due, and when its 75 % warning does; both null while met, paused or not set.</summary>
public readonly record struct SlaDue(DateTimeOffset? Due, DateTimeOffset? Warn)
{
    public static readonly SlaDue None = new(null, null);
}

/// <summary>A ticket's marks: due and warning times per target, and which targets were warned of or breached.</summary>
public record struct SlaMarks(SlaDue FirstResponse, SlaDue NextResponse, SlaDue Resolution, SlaTargets Warned, SlaTargets Breached, bool Paused)
{
    public readonly SlaDue this[SlaTargets target] => target switch
    {
        SlaTargets.FirstResponse => FirstResponse,
        SlaTargets.NextResponse => NextResponse,
        _ => Resolution,
    };
}

/// <summary>What the sweep (or a change) newly noticed, and the ticket's state after it.</summary>
public readonly record struct SlaNotice(SlaTargets NewlyWarned, SlaTargets NewlyBreached, SlaState State, DateTimeOffset? DueAt, DateTimeOffset? CheckAt);

/// <summary>
/// The SLA of one ticket, pure: due times of first response (from filing until the first public agent
/// reply), next response (from a customer's reply after that until the agent's next public reply) and
/// resolution (from filing until resolved), counted on the <see cref="SlaClock"/>; and what a moment in
/// time makes of them (warning at 75 %, breach at 100 %), each noticed once.
/// </summary>
public static class TicketSla
{
    public static readonly SlaTargets[] All = [SlaTargets.FirstResponse, SlaTargets.NextResponse, SlaTargets.Resolution];

    public static (SlaDue FirstResponse, SlaDue NextResponse, SlaDue Resolution, bool Paused) DueTimes(SlaPolicy policy, SlaFacts facts)
    {
        var current = facts.History.Count == 0 ? TicketStatus.New : facts.History.MaxBy(h => h.At)!.Status;
        if (!policy.Targets.TryGetValue(facts.Severity, out var target) || current is TicketStatus.Resolved or TicketStatus.Closed)
        {
            return (SlaDue.None, SlaDue.None, SlaDue.None, false);
        }

        var calendar = policy.CalendarFor(target);
        SlaDue Clock(DateTimeOffset start, TimeSpan span) => new(
            SlaClock.Due(calendar, facts.History, start, span, policy.PauseWhileEscalated),
            SlaClock.Due(calendar, facts.History, start, span * SlaClock.WarningShare, policy.PauseWhileEscalated));

        var first = facts.FirstRespondedAt is null ? Clock(facts.CreatedAt, target.FirstResponse) : SlaDue.None;
        var next = facts.FirstRespondedAt is not null && facts.CustomerWaitingSince is { } waiting && target.NextResponse is { } nextSpan
            ? Clock(waiting, nextSpan) : SlaDue.None;
        var resolution = target.Resolution is { } resolutionSpan ? Clock(facts.CreatedAt, resolutionSpan) : SlaDue.None;
        var paused = !SlaClock.Counts(current, policy.PauseWhileEscalated);
        return (first, next, resolution, paused);
    }

    /// <summary>
    /// What <paramref name="now"/> makes of the marks: targets newly past their warning or due time (each
    /// told once), the state to show, the earliest due time and when to look again.
    /// </summary>
    public static SlaNotice Notice(SlaMarks marks, DateTimeOffset now)
    {
        SlaTargets warned = SlaTargets.None, breached = SlaTargets.None, pending = SlaTargets.None;
        DateTimeOffset? dueAt = null, checkAt = null;
        foreach (var target in All)
        {
            var (due, warn) = marks[target];
            if (due is not { } d)
            {
                continue;
            }

            pending |= target;
            dueAt = Min(dueAt, d);
            if (d <= now)
            {
                if (!marks.Breached.HasFlag(target))
                {
                    breached |= target;
                }

                continue;
            }

            if (warn is { } w && w <= now && !marks.Warned.HasFlag(target))
            {
                warned |= target;
            }

            checkAt = Min(checkAt, warn is { } ww && ww > now && !marks.Warned.HasFlag(target) ? ww : d);
        }

        var allBreached = marks.Breached | breached;
        var allWarned = marks.Warned | warned;
        var state = pending == SlaTargets.None ? (marks.Paused ? SlaState.Paused : SlaState.None)
            : (allBreached & pending) != 0 ? SlaState.Breached
            : (allWarned & pending) != 0 ? SlaState.Warning
            : SlaState.Running;
        return new SlaNotice(warned, breached, state, dueAt, checkAt);
    }

    private static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
}
