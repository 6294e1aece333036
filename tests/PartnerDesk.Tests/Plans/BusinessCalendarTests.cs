using CsCheck;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Sla;
using PartnerDesk.Features.Tickets;

namespace PartnerDesk.Tests.Plans;

/// <summary>Business-time arithmetic and the SLA clock: examples, then properties over random calendars across DST changes.</summary>
public sealed class BusinessCalendarTests
{
    private static readonly WorkingInterval[] OfficeHours =
        [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }.Select(d => new WorkingInterval(d, new(9, 0), new(17, 0)))];

    private static DateTimeOffset Berlin(int y, int m, int d, int h, int min = 0) =>
        new(new DateTime(y, m, d, h, min, 0), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin").GetUtcOffset(new DateTime(y, m, d, h, min, 0)));

    [Fact]
    public void Friday_afternoon_plus_four_working_hours_is_monday_morning()
    {
        var calendar = new BusinessCalendar("Europe/Berlin", OfficeHours);

        Assert.Equal(Berlin(2026, 11, 30, 11), calendar.AddWorkingTime(Berlin(2026, 11, 27, 15), TimeSpan.FromHours(4)));
    }

    [Fact]
    public void The_night_the_clocks_go_forward_has_an_hour_less_of_round_the_clock_support()
    {
        var calendar = BusinessCalendar.TwentyFourSeven("Europe/Berlin");
        var nightShift = new BusinessCalendar("Europe/Berlin", Enum.GetValues<DayOfWeek>().Select(d => new WorkingInterval(d, new(1, 0), new(4, 0))));

        // 28 March 12:00 to 29 March 12:00 local is 23 hours on 29 March 2026 (02:00 → 03:00).
        Assert.Equal(TimeSpan.FromHours(23), calendar.WorkingTimeBetween(Berlin(2026, 3, 28, 12), Berlin(2026, 3, 29, 12)));
        Assert.Equal(TimeSpan.FromHours(2), nightShift.WorkingTimeBetween(Berlin(2026, 3, 29, 0), Berlin(2026, 3, 29, 12)));
        Assert.Equal(TimeSpan.FromHours(4), nightShift.WorkingTimeBetween(Berlin(2026, 10, 25, 0), Berlin(2026, 10, 25, 12))); // the repeated hour counts
    }

    [Fact]
    public void Holidays_one_off_and_yearly_are_skipped()
    {
        var calendar = new BusinessCalendar("Europe/Berlin", OfficeHours,
            [new Holiday(new DateOnly(2026, 12, 24), Yearly: true, "Heiligabend"), new Holiday(new DateOnly(2020, 12, 25), Yearly: true, "Weihnachten"), new Holiday(new DateOnly(2026, 12, 28), Yearly: false, "Betriebsferien")]);

        Assert.True(calendar.IsHoliday(new DateOnly(2031, 12, 24)));
        Assert.False(calendar.IsHoliday(new DateOnly(2027, 12, 28)));
        // Wednesday 23 Dec 16:00 + 2 h: 1 h left that day, then 24th and 25th (yearly), 26–27 (weekend), 28th (this year) → 29th 10:00.
        Assert.Equal(Berlin(2026, 12, 29, 10), calendar.AddWorkingTime(Berlin(2026, 12, 23, 16), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void A_calendar_that_never_opens_has_no_due_time_and_bad_intervals_are_refused()
    {
        Assert.Null(new BusinessCalendar("UTC", []).AddWorkingTime(DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => new BusinessCalendar("UTC", [new WorkingInterval(DayOfWeek.Monday, new(12, 0), new(9, 0))]));
        Assert.Throws<TimeZoneNotFoundException>(() => new BusinessCalendar("Mars/Olympus_Mons", OfficeHours));
        Assert.Equal([(new TimeOnly(8, 0), new TimeOnly(14, 0))], BusinessCalendar.Merge([(new(8, 0), new(12, 0)), (new(11, 0), new(14, 0))]));
    }

    [Fact]
    public void The_sla_clock_stands_while_the_ticket_waits_on_the_customer_and_optionally_on_microsoft()
    {
        var calendar = new BusinessCalendar("Europe/Berlin", OfficeHours);
        var start = Berlin(2026, 11, 23, 9); // Monday
        StatusChange[] history =
        [
            new(start, TicketStatus.New),
            new(Berlin(2026, 11, 23, 10), TicketStatus.PendingCustomer),
            new(Berlin(2026, 11, 23, 14), TicketStatus.Open),
            new(Berlin(2026, 11, 23, 15), TicketStatus.Escalated),
        ];

        // 1 h, then paused 4 h, then 1 h open, then escalated from 15:00.
        Assert.Equal(Berlin(2026, 11, 23, 16), SlaClock.Due(calendar, history, start, TimeSpan.FromHours(3), pauseWhileEscalated: false));
        Assert.Null(SlaClock.Due(calendar, history, start, TimeSpan.FromHours(3), pauseWhileEscalated: true));
        Assert.Equal(SlaState.Warning, SlaClock.StateOf(calendar, history, start, TimeSpan.FromHours(4), Berlin(2026, 11, 23, 16), pauseWhileEscalated: false));
        Assert.Equal(SlaState.Paused, SlaClock.StateOf(calendar, history, start, TimeSpan.FromHours(4), Berlin(2026, 11, 23, 16), pauseWhileEscalated: true));
        Assert.Equal(SlaState.Breached, SlaClock.StateOf(calendar, history, start, TimeSpan.FromHours(3), Berlin(2026, 11, 23, 16), pauseWhileEscalated: false));
    }

    // ---- Properties over random calendars, instants near DST changes and holidays ----

    private static Gen<T> Pick<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static readonly string[] Zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC", "America/St_Johns"];

    private static readonly Gen<WorkingInterval> Interval =
        Gen.Select(Gen.Enum<DayOfWeek>(), Gen.Int[0, 94], Gen.Int[1, 96], (day, start, length) =>
            new WorkingInterval(day, TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(start * 15)),
                start + length >= 96 ? TimeOnly.MaxValue : TimeOnly.FromTimeSpan(TimeSpan.FromMinutes((start + length) * 15))));

    private static readonly Gen<BusinessCalendar> Calendar =
        Gen.Select(Pick(Zones), Interval.Array[1, 12], Gen.Int[0, 700].Array[0, 6], Gen.Bool,
            (zone, intervals, holidayDays, yearly) => new BusinessCalendar(zone, intervals,
                holidayDays.Select(d => new Holiday(new DateOnly(2026, 1, 1).AddDays(d), yearly, "h"))));

    // Instants in 2026–2027, weighted towards the days the clocks change.
    private static readonly Gen<DateTimeOffset> Instant = Gen.Frequency(
        (1, Gen.Int[0, 2 * 365 * 24 * 4].Select(q => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(q * 15))),
        (2, Gen.Select(Pick(
                new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 3, 8, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 1, 5, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 4, 4, 15, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 3, 15, 0, 0, TimeSpan.Zero)),
            Gen.Int[-48 * 60, 48 * 60], (at, minutes) => at.AddMinutes(minutes))));

    private static readonly Gen<TimeSpan> Work = Gen.Int[0, 60 * 60].Select(m => TimeSpan.FromMinutes(m));

    [Fact]
    public void Property_the_working_time_up_to_a_due_time_is_the_time_asked_for() =>
        Gen.Select(Calendar, Instant, Work).Sample((calendar, from, work) =>
            calendar.AddWorkingTime(from, work) is not { } due || calendar.WorkingTimeBetween(from, due) == work, iter: 300);

    [Fact]
    public void Property_due_times_grow_with_the_time_asked_for_and_add_up() =>
        Gen.Select(Calendar, Instant, Work, Work).Sample((calendar, from, a, b) =>
        {
            var first = calendar.AddWorkingTime(from, a);
            var both = calendar.AddWorkingTime(from, a + b);
            return first is null || both is null
                || (first <= both && calendar.AddWorkingTime(first.Value, b) is { } chained && chained <= both && calendar.WorkingTimeBetween(from, chained) == a + b);
        }, iter: 300);

    [Fact]
    public void Property_working_time_splits_at_any_instant_and_never_exceeds_real_time() =>
        Gen.Select(Calendar, Instant, Gen.Int[0, 10 * 24 * 60], Gen.Int[0, 10 * 24 * 60]).Sample((calendar, a, m1, m2) =>
        {
            var b = a.AddMinutes(m1);
            var c = b.AddMinutes(m2);
            var whole = calendar.WorkingTimeBetween(a, c);
            return whole == calendar.WorkingTimeBetween(a, b) + calendar.WorkingTimeBetween(b, c) && whole <= c - a;
        }, iter: 300);

    private static readonly Gen<TicketStatus> Status = Pick(TicketStatus.Open, TicketStatus.PendingCustomer, TicketStatus.Escalated, TicketStatus.New);

    [Fact]
    public void Property_the_sla_clock_counts_exactly_the_target_up_to_its_due_time_and_pauses_only_delay_it() =>
        Gen.Select(Calendar, Instant, Gen.Select(Gen.Int[1, 5 * 24 * 60], Status).Array[0, 8], Work.Where(w => w > TimeSpan.Zero), Gen.Bool)
            .Sample((calendar, start, steps, target, pauseEscalated) =>
            {
                var at = start;
                var history = new List<StatusChange> { new(start, TicketStatus.New) };
                foreach (var (minutes, status) in steps)
                {
                    at = at.AddMinutes(minutes);
                    history.Add(new StatusChange(at, status));
                }

                var due = SlaClock.Due(calendar, history, start, target, pauseEscalated);
                var unpaused = calendar.AddWorkingTime(start, target);
                return due is null
                    || (SlaClock.Elapsed(calendar, history, start, due.Value, pauseEscalated) == target && (unpaused is null || due >= unpaused));
            }, iter: 300);
}

