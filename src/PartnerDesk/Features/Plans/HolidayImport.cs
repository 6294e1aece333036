using Ical.Net.DataTypes;

namespace PartnerDesk.Features.Plans;

/// <summary>Holidays from an iCalendar (.ics) file, as public-holiday calendars publish them: each all-day event a day off, yearly when it repeats every year.</summary>
public static class HolidayImport
{
    public static (List<Holiday> Holidays, string? Problem) Parse(string ics)
    {
        Ical.Net.Calendar? calendar;
        try
        {
            calendar = string.IsNullOrWhiteSpace(ics) || !ics.TrimStart().StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase)
                ? null
                : Ical.Net.Calendar.Load(ics);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ([], $"This is not an iCalendar file: {e.Message}");
        }

        if (calendar is null)
        {
            return ([], "This is not an iCalendar file (it must start with BEGIN:VCALENDAR).");
        }

        var holidays = new List<Holiday>();
        foreach (var e in calendar.Events)
        {
            if (e.DtStart is not CalDateTime start)
            {
                continue;
            }

            var yearly = e.RecurrenceRule?.Frequency == Ical.Net.FrequencyType.Yearly;
            var first = start.Date;
            // A multi-day event (DTEND exclusive) is a day off for each of its days.
            var last = e.DtEnd is CalDateTime end && end.Date > first ? end.Date.AddDays(-1) : first;
            for (var day = first; day <= last && day <= first.AddDays(31); day = day.AddDays(1))
            {
                holidays.Add(new Holiday(day, yearly, string.IsNullOrWhiteSpace(e.Summary) ? "Holiday" : e.Summary.Trim()));
            }
        }

        return holidays.Count == 0 ? ([], "The file holds no events to take as holidays.") : (holidays, null);
    }
}
