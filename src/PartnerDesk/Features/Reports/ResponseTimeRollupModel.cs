using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Reports;

/// <summary>
/// One closed month of an organisation's response times, counted by <see cref="ResponseTimeRollup"/> so that a report
/// over a year reads a few thousand rows instead of half a million tickets (decisions 8t.5). A month whose tickets still
/// have a target running is not counted (<see cref="RunningUntil"/>): its figures would change with time alone.
/// </summary>
public sealed class ResponseTimeMonth : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }

    /// <summary>The month as <see cref="ReportMonths.Of"/> numbers it.</summary>
    public int Month { get; set; }

    public DateTimeOffset BuiltAt { get; set; }

    /// <summary>
    /// Set when a ticket of the month still had a target running when it was built: the month is then read live, and
    /// built again after this time (a change to one of its tickets builds it sooner).
    /// </summary>
    public DateTimeOffset? RunningUntil { get; set; }
}

/// <summary>
/// The tickets of one customer and plan in one counted month, per severity (A, B, C): how many, how many missed a
/// target, and which. One row a customer and month, not one per severity: a year's report sums a few thousand.
/// </summary>
public sealed class ResponseTimeTotal : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public int Month { get; set; }
    public Guid CustomerId { get; set; }
    public Guid? PlanId { get; set; }

    public int TicketsA { get; set; }
    public int BreachedA { get; set; }
    public int FirstResponseMissedA { get; set; }
    public int ResolutionMissedA { get; set; }
    public int TicketsB { get; set; }
    public int BreachedB { get; set; }
    public int FirstResponseMissedB { get; set; }
    public int ResolutionMissedB { get; set; }
    public int TicketsC { get; set; }
    public int BreachedC { get; set; }
    public int FirstResponseMissedC { get; set; }
    public int ResolutionMissedC { get; set; }
}

/// <summary>
/// One severity's tickets in one counted month: their targets' outcomes, and every first-response and resolution
/// duration (minutes, as <see cref="ReportRules.Minutes"/> computes them), sorted, as little-endian doubles: the
/// report's median and 90th percentile come out exactly as if counted from the tickets.
/// </summary>
public sealed class ResponseTimeSeverity : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public int Month { get; set; }

    /// <summary>0–2 for A–C, as the report reads it.</summary>
    public int Severity { get; set; }

    public int Tickets { get; set; }
    public int FirstResponseWithTarget { get; set; }
    public int FirstResponseMet { get; set; }
    public int FirstResponseMissed { get; set; }
    public int ResolutionWithTarget { get; set; }
    public int ResolutionMet { get; set; }
    public int ResolutionMissed { get; set; }
    public byte[] FirstResponses { get; set; } = [];
    public byte[] Resolutions { get; set; } = [];
}

/// <summary>
/// A ticket of a closed month changed (written by the save step <see cref="ResponseTimeChangeMarker"/>, in the change's own
/// transaction): the month is read live until the rollup has counted it again. Rows, not a flag on the month, so that
/// concurrent saves never wait on one row and the rollup removes only the marks it saw before counting.
/// </summary>
public sealed class ResponseTimeChange : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public int Month { get; set; }

    /// <summary>When the change was saved: the rollup waits for a month's changes to settle (<see cref="ResponseTimeRollup.Quiet"/>).</summary>
    public DateTimeOffset At { get; set; }
}

/// <summary>Months as the rollup numbers them: year × 12 + month − 1, in UTC, as every report period.</summary>
public static class ReportMonths
{
    public static int Of(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return (utc.Year * 12) + utc.Month - 1;
    }

    public static DateTimeOffset Start(int month) => new(month / 12, (month % 12) + 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset End(int month) => Start(month + 1);
}

internal sealed class ResponseTimeRollupConfiguration :
    IEntityTypeConfiguration<ResponseTimeMonth>, IEntityTypeConfiguration<ResponseTimeTotal>,
    IEntityTypeConfiguration<ResponseTimeSeverity>, IEntityTypeConfiguration<ResponseTimeChange>
{
    public void Configure(EntityTypeBuilder<ResponseTimeMonth> b)
    {
        b.HasKey(m => new { m.OrganisationId, m.Month });
        b.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ResponseTimeTotal> b)
    {
        // No foreign keys to customers and plans: a month counted stays as it was counted; the report names what
        // still exists and counts a deleted plan's tickets under "no plan", as the tickets themselves then are.
        b.HasOne<Organisation>().WithMany().HasForeignKey(t => t.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => new { t.OrganisationId, t.Month });
    }

    public void Configure(EntityTypeBuilder<ResponseTimeSeverity> b)
    {
        b.HasKey(d => new { d.OrganisationId, d.Month, d.Severity });
        b.HasOne<Organisation>().WithMany().HasForeignKey(d => d.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ResponseTimeChange> b)
    {
        b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.OrganisationId, c.Month });
    }
}

public static class ResponseTimeRollupSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<ResponseTimeMonth> ResponseTimeMonths => db.Set<ResponseTimeMonth>();
        public DbSet<ResponseTimeTotal> ResponseTimeTotals => db.Set<ResponseTimeTotal>();
        public DbSet<ResponseTimeSeverity> ResponseTimeSeverities => db.Set<ResponseTimeSeverity>();
        public DbSet<ResponseTimeChange> ResponseTimeChanges => db.Set<ResponseTimeChange>();
    }
}

internal sealed class ResponseTimeRollupVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        // The rollup counts every ticket of the organisation, so only a caller who sees every ticket of it reads it
        // (Caller.SeesEveryTicket, the callers the tickets' own rule does not narrow). Anyone else finds no month
        // counted and the report counts the tickets it sees, live.
        visible.OwnedByOrganisation<ResponseTimeMonth>((db, m) => db.CallerSeesEveryTicket);
        visible.OwnedByOrganisation<ResponseTimeTotal>((db, t) => db.CallerSeesEveryTicket);
        visible.OwnedByOrganisation<ResponseTimeSeverity>((db, d) => db.CallerSeesEveryTicket);
        visible.OwnedByOrganisation<ResponseTimeChange>((db, c) => db.CallerSeesEveryTicket);
    }
}
