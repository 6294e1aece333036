using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Plans;

public sealed record IntervalDto(DayOfWeek? Day, string? Start, string? End);

public sealed record HolidayDto(DateOnly? Date, bool? Yearly, string? Name);

public sealed record CalendarRequest(string? Name, string? TimeZone, IReadOnlyList<IntervalDto>? Intervals, IReadOnlyList<HolidayDto>? Holidays);

public sealed record CalendarView(Guid Id, string Name, string TimeZone, IReadOnlyList<IntervalDto> Intervals, IReadOnlyList<HolidayDto> Holidays);

/// <summary>Business-hours calendars of the organisation (admin and sales agents).</summary>
public static class CalendarEndpoints
{
    public static RouteGroupBuilder MapCalendarEndpoints(this RouteGroupBuilder api)
    {
        var calendars = api.MapGroup("/calendars").WithTags("Plans").RequireAuthorization(Policies.Commercial);
        calendars.MapGet("/", async (PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await PlanCatalogue.ListCalendars(db, ct)))
            .WithSummary("The organisation's business-hours calendars.");
        calendars.MapGet("/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            await Find(db, id, ct) is { } calendar ? Results.Ok(View(calendar)) : TypedResults.Problem(statusCode: 404, title: "Not found."))
            .Produces<CalendarView>().ProducesProblem(404);
        calendars.MapPost("/", async (CalendarRequest request, PartnerDeskDb db, SlaPolicies policies, CancellationToken ct) =>
            (await PlanCatalogue.SaveCalendar(db, null, request, policies, ct)).ToResult(calendar => Results.Created($"/api/v1/calendars/{calendar.Id}", calendar)))
            .AddEndpointFilter<IdempotencyFilter>().Produces<CalendarView>(201).WithSummary("A calendar: IANA time zone, weekly working intervals (several a day, not overlapping), holidays (one-off or yearly).");
        calendars.MapPut("/{id:guid}", async (Guid id, CalendarRequest request, PartnerDeskDb db, SlaPolicies policies, CancellationToken ct) =>
            (await PlanCatalogue.SaveCalendar(db, id, request, policies, ct)).ToResult(Results.Ok))
            .Produces<CalendarView>().ProducesProblem(404).WithSummary("Replaces a calendar's name, time zone, intervals and holidays.");
        calendars.MapPost("/{id:guid}/holidays/import", async (Guid id, HttpRequest http, PartnerDeskDb db, SlaPolicies policies, CancellationToken ct) =>
        {
            using var reader = new StreamReader(http.Body);
            return (await PlanCatalogue.ImportHolidays(db, id, await reader.ReadToEndAsync(ct), policies, ct)).ToResult(Results.Ok);
        }).Accepts<string>("text/calendar").Produces<CalendarView>().ProducesProblem(404)
            .WithSummary("Adds the holidays of an iCalendar file (the request body, text/calendar) to a calendar.");
        return api;
    }

    internal static Task<SupportCalendar?> Find(PartnerDeskDb db, Guid id, CancellationToken ct, bool tracking = false)
    {
        var calendars = db.Set<SupportCalendar>().Include(c => c.Intervals).Include(c => c.Holidays);
        return (tracking ? calendars : calendars.AsNoTracking()).FirstOrDefaultAsync(c => c.Id == id, ct);
    }

    /// <summary>Checks the request and, only when all of it is valid, writes it onto the calendar.</summary>
    public static FieldErrors? Apply(CalendarRequest request, SupportCalendar calendar)
    {
        var errors = new FieldErrors().Required("name", request.Name, 200).Required("timeZone", request.TimeZone, 64);
        if (request.TimeZone is { Length: > 0 } zone && !IsIana(zone))
        {
            errors.Add("timeZone", $"'{zone}' is not an IANA time zone (such as Europe/Berlin).");
        }

        var intervals = new List<CalendarInterval>();
        var list = request.Intervals ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var field = $"intervals[{i}]";
            var interval = list[i];
            if (interval is null)
            {
                errors.Add(field, "An item of the list cannot be null.");
                continue;
            }

            if (interval.Day is not { } day || !Enum.IsDefined(day))
            {
                errors.Add($"{field}.day", "The day must be Monday … Sunday.");
                continue;
            }

            if (!TryTime(interval.Start, out var start) || !TryTime(interval.End, out var end, endOfDay: true))
            {
                errors.Add(field, "Start and end are times of day, HH:mm (end may be 24:00).");
                continue;
            }

            if (end <= start)
            {
                errors.Add(field, "An interval ends after it starts, on the same day.");
                continue;
            }

            if (intervals.FirstOrDefault(o => o.Day == day && o.Start < end && start < o.End) is { } other)
            {
                errors.Add(field, $"It overlaps {other.Day} {other.Start:HH\\:mm}–{other.End:HH\\:mm}.");
                continue;
            }

            intervals.Add(new CalendarInterval { OrganisationId = calendar.OrganisationId, CalendarId = calendar.Id, Day = day, Start = start, End = end });
        }

        var holidays = new List<CalendarHoliday>();
        var days = request.Holidays ?? [];
        for (var i = 0; i < days.Count; i++)
        {
            if (days[i]?.Date is not { } date)
            {
                errors.Add($"holidays[{i}].date", "The date is required (yyyy-MM-dd).");
                continue;
            }

            // Too long is refused, not cut or replaced: what is stored is what was sent.
            errors.MaxLength($"holidays[{i}].name", days[i].Name?.Trim(), 200);
            holidays.Add(new CalendarHoliday { OrganisationId = calendar.OrganisationId, CalendarId = calendar.Id, Date = date, Yearly = days[i].Yearly ?? false, Name = (days[i].Name ?? "").Trim() is { Length: > 0 } n ? n : "Holiday" });
        }

        if (errors.Any)
        {
            return errors;
        }

        calendar.Name = request.Name!.Trim();
        calendar.TimeZoneId = request.TimeZone!.Trim();
        calendar.Intervals.Clear();
        calendar.Intervals.AddRange(intervals);
        calendar.Holidays.Clear();
        calendar.Holidays.AddRange(holidays);
        return null;
    }

    private static bool IsIana(string zone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found) && (found.HasIanaId || zone == "UTC");

    private static bool TryTime(string? text, out TimeOnly time, bool endOfDay = false)
    {
        if (endOfDay && text == "24:00")
        {
            time = TimeOnly.MaxValue;
            return true;
        }

        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    internal static CalendarView View(SupportCalendar c) => new(
        c.Id, c.Name, c.TimeZoneId,
        [.. c.Intervals.OrderBy(i => i.Day).ThenBy(i => i.Start).Select(i => new IntervalDto(i.Day, i.Start.ToString("HH:mm", CultureInfo.InvariantCulture), BusinessCalendar.IsEndOfDay(i.End) ? "24:00" : i.End.ToString("HH:mm", CultureInfo.InvariantCulture)))],
        [.. c.Holidays.OrderBy(h => h.Date).Select(h => new HolidayDto(h.Date, h.Yearly, h.Name))]);
}
