using CsCheck;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Sla;
using PartnerDesk.Features.Tickets;

namespace PartnerDesk.Tests.Plans;

/// <summary>The SLA of one ticket: due times of the three targets, and what passing time makes of them.</summary>
public sealed class TicketSlaTests
{
    private static readonly BusinessCalendar Office = new(
        "Europe/Berlin",
        [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }.Select(d => new WorkingInterval(d, new(8, 0), new(18, 0)))]);

    private static readonly SlaPolicy Policy = new(Guid.NewGuid(), Office, PauseWhileEscalated: true, new Dictionary<Severity, SlaTarget>
    {
        [Severity.A] = new(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60), TimeSpan.FromHours(4), AroundTheClock: true),
        [Severity.B] = new(TimeSpan.FromHours(4), TimeSpan.FromHours(8), TimeSpan.FromHours(40), AroundTheClock: false),
    });

    private static DateTimeOffset Berlin(int y, int m, int d, int h, int min = 0) =>
        new(new DateTime(y, m, d, h, min, 0), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin").GetUtcOffset(new DateTime(y, m, d, h, min, 0)));

    private static SlaFacts Filed(DateTimeOffset at, Severity severity, params StatusChange[] later) =>
        new(at, severity, [new StatusChange(at, TicketStatus.New), .. later], null, null);

    [Fact]
    public void First_response_and_resolution_count_business_hours_and_severity_a_counts_round_the_clock()
    {
        var friday = Berlin(2026, 11, 27, 16);

        var (first, next, resolution, paused) = TicketSla.DueTimes(Policy, Filed(friday, Severity.B));
        Assert.Equal(Berlin(2026, 11, 30, 10), first.Due); // 2 h on Friday, 2 h on Monday
        Assert.Equal(Berlin(2026, 11, 30, 9), first.Warn); // 75 % of 4 h
        Assert.Equal(SlaDue.None, next);
        Assert.Equal(Berlin(2026, 12, 3, 16), resolution.Due); // 40 business hours: 2 on Friday, 10 each Monday to Wednesday, 8 on Thursday
        Assert.False(paused);

        var saturday = Berlin(2026, 11, 28, 23, 50);
        var a = TicketSla.DueTimes(Policy, Filed(saturday, Severity.A));
        Assert.Equal(saturday.AddMinutes(30), a.FirstResponse.Due);
    }

    [Fact]
    public void The_next_response_clock_starts_with_a_customer_reply_after_the_first_response()
    {
        var monday = Berlin(2026, 11, 30, 9);
        var facts = Filed(monday, Severity.B, new StatusChange(monday.AddHours(1), TicketStatus.Open)) with
        {
            FirstRespondedAt = monday.AddHours(1),
            CustomerWaitingSince = monday.AddHours(3),
        };

        var (first, next, _, _) = TicketSla.DueTimes(Policy, facts);

        Assert.Equal(SlaDue.None, first); // met
        Assert.Equal(Berlin(2026, 12, 1, 10), next.Due); // 12:00 + 8 business hours: 6 on Monday, 2 on Tuesday
    }

    [Fact]
    public void Waiting_on_the_customer_pauses_every_target_and_a_resolved_ticket_has_none()
    {
        var monday = Berlin(2026, 11, 30, 9);

        var pending = TicketSla.DueTimes(Policy, Filed(monday, Severity.B, new StatusChange(monday.AddHours(1), TicketStatus.PendingCustomer)));
        Assert.True(pending.Paused);
        Assert.Null(pending.FirstResponse.Due);
        Assert.Null(pending.Resolution.Due);

        var back = TicketSla.DueTimes(Policy, Filed(monday, Severity.B, new StatusChange(monday.AddHours(1), TicketStatus.PendingCustomer), new StatusChange(monday.AddHours(5), TicketStatus.Open)));
        Assert.Equal(monday.AddHours(8), back.FirstResponse.Due); // 4 h of clock, 4 h of them paused

        var resolved = TicketSla.DueTimes(Policy, Filed(monday, Severity.B, new StatusChange(monday.AddHours(2), TicketStatus.Resolved)));
        Assert.Equal((SlaDue.None, SlaDue.None, SlaDue.None, false), resolved);

        Assert.Equal((SlaDue.None, SlaDue.None, SlaDue.None, false), TicketSla.DueTimes(Policy, Filed(monday, Severity.C))); // no target for C
    }

    [Fact]
    public void Passing_time_warns_once_then_breaches_once_and_says_when_to_look_next()
    {
        var t0 = Berlin(2026, 11, 30, 9);
        var marks = new SlaMarks(new SlaDue(t0.AddHours(4), t0.AddHours(3)), SlaDue.None, new SlaDue(t0.AddHours(40), t0.AddHours(30)), SlaTargets.None, SlaTargets.None, false);

        var early = TicketSla.Notice(marks, t0.AddHours(1));
        Assert.Equal((SlaTargets.None, SlaTargets.None, SlaState.Running, t0.AddHours(4), t0.AddHours(3)), (early.NewlyWarned, early.NewlyBreached, early.State, early.DueAt, early.CheckAt));

        var warned = TicketSla.Notice(marks, t0.AddHours(3));
        Assert.Equal(SlaTargets.FirstResponse, warned.NewlyWarned);
        Assert.Equal(SlaState.Warning, warned.State);
        Assert.Equal(t0.AddHours(4), warned.CheckAt);
        marks = marks with { Warned = warned.NewlyWarned };
        Assert.Equal(SlaTargets.None, TicketSla.Notice(marks, t0.AddHours(3.5)).NewlyWarned); // told once

        var breached = TicketSla.Notice(marks, t0.AddHours(4));
        Assert.Equal(SlaTargets.FirstResponse, breached.NewlyBreached);
        Assert.Equal(SlaState.Breached, breached.State);
        Assert.Equal(t0.AddHours(30), breached.CheckAt); // the resolution's warning is next
        marks = marks with { Breached = breached.NewlyBreached };
        Assert.Equal(SlaTargets.None, TicketSla.Notice(marks, t0.AddHours(5)).NewlyBreached);

        var late = TicketSla.Notice(marks, t0.AddHours(41)); // a sweep that comes late breaches without warning first
        Assert.Equal((SlaTargets.None, SlaTargets.Resolution), (late.NewlyWarned, late.NewlyBreached));
        Assert.Null(late.CheckAt);

        Assert.Equal(SlaState.Paused, TicketSla.Notice(new SlaMarks(SlaDue.None, SlaDue.None, SlaDue.None, SlaTargets.None, SlaTargets.None, Paused: true), t0).State);
        Assert.Equal(SlaState.None, TicketSla.Notice(default, t0).State);
    }

    [Fact]
    public void Property_every_target_is_breached_exactly_once_however_often_the_sweep_looks()
    {
        var t0 = Berlin(2026, 11, 30, 9);
        Gen.Select(Gen.Int[1, 600], Gen.Int[1, 600], Gen.Int[1, 600], Gen.Int[1, 120].Array[1, 40])
            .Sample((first, next, resolution, steps) =>
            {
                SlaDue Due(int minutes) => new(t0.AddMinutes(minutes), t0.AddMinutes(minutes * 0.75));
                var marks = new SlaMarks(Due(first), Due(next), Due(resolution), SlaTargets.None, SlaTargets.None, false);
                var now = t0;
                var breaches = new List<SlaTargets>();
                foreach (var step in steps.Append(700))
                {
                    now = now.AddMinutes(step);
                    var notice = TicketSla.Notice(marks, now);
                    breaches.AddRange(TicketSla.All.Where(t => notice.NewlyBreached.HasFlag(t)));
                    marks = marks with { Warned = marks.Warned | notice.NewlyWarned, Breached = marks.Breached | notice.NewlyBreached };
                    if (notice.CheckAt is { } check && check <= now)
                    {
                        return false; // the sweep must never be told to look in the past
                    }
                }

                return breaches.Count == 3 && breaches.Distinct().Count() == 3;
            });
    }
}
