using System.Net;
using System.Net.Http.Json;
using PartnerDesk.Features.Plans;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Plans;

public sealed class CalendarApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static object Office(string zone = "Europe/Berlin") => new
    {
        name = "Office hours",
        timeZone = zone,
        intervals = new object[]
        {
            new { day = "Monday", start = "08:00", end = "12:00" },
            new { day = "Monday", start = "13:00", end = "17:00" },
            new { day = "Saturday", start = "20:00", end = "24:00" },
        },
        holidays = new object[] { new { date = "2026-12-24", yearly = true, name = "Heiligabend" } },
    };

    [Fact]
    public async Task A_calendar_is_saved_and_read_back_as_given()
    {
        var sales = await fixture.App.ClientFor(Demo.ContosoSales);

        var created = await (await sales.PostAsJsonAsync("/api/v1/calendars", Office())).Read<CalendarView>(HttpStatusCode.Created);
        var read = await (await sales.GetAsync($"/api/v1/calendars/{created.Id}")).Read<CalendarView>();

        Assert.Equal("Europe/Berlin", read.TimeZone);
        Assert.Equal(["Monday 08:00-12:00", "Monday 13:00-17:00", "Saturday 20:00-24:00"], read.Intervals.Select(i => $"{i.Day} {i.Start}-{i.End}"));
        Assert.Equal(new DateOnly(2026, 12, 24), Assert.Single(read.Holidays).Date);
        var other = await fixture.App.ClientFor(Demo.FabrikamAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/calendars/{created.Id}")).StatusCode);
        var helpdesk = await fixture.App.ClientFor(Demo.ContosoHelpdesk);
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.GetAsync("/api/v1/calendars")).StatusCode);
    }

    [Fact]
    public async Task Overlapping_intervals_an_unknown_time_zone_and_bad_times_are_refused_and_nothing_is_saved()
    {
        var admin = await fixture.App.ClientFor(Demo.ContosoAdmin);
        var before = (await (await admin.GetAsync("/api/v1/calendars")).Read<List<CalendarView>>()).Count;

        await (await admin.PostAsJsonAsync("/api/v1/calendars", Office("Mars/Olympus_Mons"))).ProblemNaming("timeZone");
        await (await admin.PostAsJsonAsync("/api/v1/calendars", Office("W. Europe Standard Time"))).ProblemNaming("timeZone");
        await (await admin.PostAsJsonAsync("/api/v1/calendars", new { name = "x", timeZone = "UTC", intervals = new[] { new { day = "Monday", start = "09:00", end = "12:00" }, new { day = "Monday", start = "11:00", end = "14:00" } } }))
            .ProblemNaming("intervals[1]");
        await (await admin.PostAsJsonAsync("/api/v1/calendars", new { name = "x", timeZone = "UTC", intervals = new[] { new { day = "Monday", start = "17:00", end = "09:00" } } }))
            .ProblemNaming("intervals[0]");
        await (await admin.PostAsJsonAsync("/api/v1/calendars", new { name = "x", timeZone = "UTC", intervals = new[] { new { day = "Monday", start = "9 o'clock", end = "12:00" } } }))
            .ProblemNaming("intervals[0]");
        await (await admin.PostAsJsonAsync("/api/v1/calendars", new { timeZone = "UTC" })).ProblemNaming("name");

        Assert.Equal(before, (await (await admin.GetAsync("/api/v1/calendars")).Read<List<CalendarView>>()).Count);
    }
}

public sealed class HolidayImportTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Ics = """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Test//Holidays//DE
        BEGIN:VEVENT
        UID:1
        DTSTART;VALUE=DATE:20261003
        DTEND;VALUE=DATE:20261004
        SUMMARY:Tag der Deutschen Einheit
        RRULE:FREQ=YEARLY
        END:VEVENT
        BEGIN:VEVENT
        UID:2
        DTSTART;VALUE=DATE:20261228
        DTEND;VALUE=DATE:20261231
        SUMMARY:Betriebsferien
        END:VEVENT
        END:VCALENDAR
        """;

    [Fact]
    public async Task Holidays_come_from_an_icalendar_file_and_a_file_that_is_not_one_is_refused()
    {
        var admin = await fixture.App.ClientFor(Demo.ContosoAdmin);
        var calendar = await (await admin.PostAsJsonAsync("/api/v1/calendars", new { name = "Berlin office", timeZone = "Europe/Berlin", intervals = new[] { new { day = "Monday", start = "09:00", end = "17:00" } } }))
            .Read<CalendarView>(HttpStatusCode.Created);

        var imported = await (await admin.PostAsync($"/api/v1/calendars/{calendar.Id}/holidays/import", new StringContent(Ics.Replace("\n", "\r\n", StringComparison.Ordinal), System.Text.Encoding.UTF8, "text/calendar")))
            .Read<CalendarView>();
        Assert.Equal(["2026-10-03 yearly", "2026-12-28", "2026-12-29", "2026-12-30"], imported.Holidays.Select(h => $"{h.Date:yyyy-MM-dd}{(h.Yearly == true ? " yearly" : "")}"));

        await (await admin.PostAsync($"/api/v1/calendars/{calendar.Id}/holidays/import", new StringContent("Date,Name\n2026-12-24,Xmas", System.Text.Encoding.UTF8, "text/calendar"))).ProblemNaming("file");
        await (await admin.PostAsync($"/api/v1/calendars/{calendar.Id}/holidays/import", new StringContent("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n", System.Text.Encoding.UTF8, "text/calendar"))).ProblemNaming("file");
        Assert.Equal(4, (await (await admin.GetAsync($"/api/v1/calendars/{calendar.Id}")).Read<CalendarView>()).Holidays.Count);
    }
}
