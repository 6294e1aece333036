using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Plans;

/// <summary>A named business-hours calendar of an organisation, used by its support plans.</summary>
public sealed class SupportCalendar : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string Name { get; set; }

    /// <summary>IANA time zone id (Europe/Berlin).</summary>
    public required string TimeZoneId { get; set; }
    public List<CalendarInterval> Intervals { get; set; } = [];
    public List<CalendarHoliday> Holidays { get; set; } = [];

    public BusinessCalendar ToBusinessCalendar() => new(
        TimeZoneId,
        Intervals.Select(i => new WorkingInterval(i.Day, i.Start, i.End)),
        Holidays.Select(h => new Holiday(h.Date, h.Yearly, h.Name)));
}

public sealed class CalendarInterval : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid CalendarId { get; set; }
    public DayOfWeek Day { get; set; }
    public TimeOnly Start { get; set; }
    public TimeOnly End { get; set; }
}

public sealed class CalendarHoliday : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid CalendarId { get; set; }
    public DateOnly Date { get; set; }
    public bool Yearly { get; set; }
    public required string Name { get; set; }
}

internal sealed class SupportCalendarConfiguration : IEntityTypeConfiguration<SupportCalendar>
{
    public void Configure(EntityTypeBuilder<SupportCalendar> b)
    {
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.TimeZoneId).HasMaxLength(64);
        b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(c => c.Intervals).WithOne().HasForeignKey(i => i.CalendarId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Holidays).WithOne().HasForeignKey(h => h.CalendarId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.OrganisationId, c.Name });
    }
}

internal sealed class CalendarHolidayConfiguration : IEntityTypeConfiguration<CalendarHoliday>
{
    public void Configure(EntityTypeBuilder<CalendarHoliday> b) => b.Property(h => h.Name).HasMaxLength(200);
}
