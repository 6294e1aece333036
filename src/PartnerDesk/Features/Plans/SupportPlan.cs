using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Plans;

/// <summary>Who does the work of a plan (R10).</summary>
public enum SupportDelivery
{
    /// <summary>The partner's own agents.</summary>
    Direct,

    /// <summary>Another company's support, resold under the partner's name.</summary>
    ResoldFrom,

    /// <summary>All of it done by a support provider for the partner.</summary>
    OutsourcedTo,

    /// <summary>The partner's agents, and a support provider for the tickets its routing rules name.</summary>
    Mixed,
}

/// <summary>
/// What the partner sold a customer: who delivers it, what it covers, when and how the customer reaches
/// support, the SLA targets per severity and the prices (R9–R11).
/// </summary>
public sealed class SupportPlan : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public SupportDelivery Delivery { get; set; }

    /// <summary>The support provider organisation of this installation that works routed tickets.</summary>
    public Guid? ProviderOrganisationId { get; set; }

    /// <summary>The provider's name as the customer is told it (resold or outsourced support).</summary>
    public string? ProviderName { get; set; }

    /// <summary>Microsoft services covered; empty means all of them.</summary>
    public List<string> CoveredServices { get; set; } = [];

    /// <summary>Service hours: when agents work and the SLA clock runs.</summary>
    public Guid CalendarId { get; set; }
    public SupportCalendar? Calendar { get; set; }

    /// <summary>The SLA clock also stands while the ticket waits on Microsoft or the provider.</summary>
    public bool PauseWhileEscalated { get; set; }

    public bool PortalEnabled { get; set; } = true;
    public string? SupportEmail { get; set; }

    /// <summary>ISO 4217 code of every price of the plan.</summary>
    public string Currency { get; set; } = "EUR";
    public decimal MonthlyFee { get; set; }
    public decimal PerSeatFee { get; set; }
    public decimal IncludedHours { get; set; }
    public decimal HourlyRate { get; set; }
    public decimal PerIncidentFee { get; set; }

    /// <summary>A prepaid block: this many hours for <see cref="PrepaidBlockPrice"/> (0 when none is sold).</summary>
    public decimal PrepaidBlockHours { get; set; }
    public decimal PrepaidBlockPrice { get; set; }

    /// <summary>What the provider charges the partner (resold or outsourced work), for the margin on statements.</summary>
    public decimal ProviderMonthlyFee { get; set; }
    public decimal ProviderHourlyRate { get; set; }
    public decimal ProviderPerIncidentFee { get; set; }

    public List<PlanSlaTarget> Targets { get; set; } = [];
    public List<PlanPhoneLine> PhoneLines { get; set; } = [];
    public List<PlanRoutingRule> RoutingRules { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The SLA of one severity, in business minutes of the plan's calendar (or around the clock).</summary>
public sealed class PlanSlaTarget : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid PlanId { get; set; }
    public Severity Severity { get; set; }
    public int FirstResponseMinutes { get; set; }
    public int? NextResponseMinutes { get; set; }
    public int? ResolutionMinutes { get; set; }

    /// <summary>This severity is worked 24×7: its clock ignores the calendar (typical for severity A).</summary>
    public bool AroundTheClock { get; set; }
}

/// <summary>A phone number customers may call, and when it is answered.</summary>
public sealed class PlanPhoneLine : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid PlanId { get; set; }
    public required string Label { get; set; }
    public required string Number { get; set; }

    /// <summary>Answered day and night; otherwise during the plan's service hours.</summary>
    public bool AroundTheClock { get; set; }

    /// <summary>Only for severity A tickets (an emergency line).</summary>
    public bool SeverityAOnly { get; set; }
}

/// <summary>
/// Of a mixed plan: tickets matching a rule go to the provider. A rule matches when every condition it
/// sets holds; conditions left empty match anything.
/// </summary>
public sealed class PlanRoutingRule : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid PlanId { get; set; }
    public bool OutsideServiceHours { get; set; }
    public Severity? Severity { get; set; }
    public string? Service { get; set; }
}

/// <summary>A customer's support contract: a plan from a start date, possibly until an end date, with its own prices.</summary>
public sealed class SupportContract : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public Guid PlanId { get; set; }
    public SupportPlan? Plan { get; set; }
    public DateOnly StartsOn { get; set; }

    /// <summary>The last day covered; open-ended when null.</summary>
    public DateOnly? EndsOn { get; set; }

    /// <summary>Licensed users the per-seat fee counts.</summary>
    public int Seats { get; set; }

    // Price overrides; null takes the plan's price.
    public decimal? MonthlyFee { get; set; }
    public decimal? PerSeatFee { get; set; }
    public decimal? IncludedHours { get; set; }
    public decimal? HourlyRate { get; set; }
    public decimal? PerIncidentFee { get; set; }

    /// <summary>Prepaid hours bought and not yet used up (blocks of the plan).</summary>
    public decimal PrepaidHours { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool Covers(DateOnly day) => StartsOn <= day && (EndsOn is null || day <= EndsOn);
}

internal sealed class SupportPlanConfiguration : IEntityTypeConfiguration<SupportPlan>
{
    public void Configure(EntityTypeBuilder<SupportPlan> b)
    {
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.Description).HasMaxLength(4000);
        b.Property(p => p.ProviderName).HasMaxLength(200);
        b.Property(p => p.SupportEmail).HasMaxLength(320);
        b.Property(p => p.Currency).HasMaxLength(3);
        foreach (var money in new[]
                 {
                     nameof(SupportPlan.MonthlyFee), nameof(SupportPlan.PerSeatFee), nameof(SupportPlan.IncludedHours), nameof(SupportPlan.HourlyRate),
                     nameof(SupportPlan.PerIncidentFee), nameof(SupportPlan.PrepaidBlockHours), nameof(SupportPlan.PrepaidBlockPrice),
                     nameof(SupportPlan.ProviderMonthlyFee), nameof(SupportPlan.ProviderHourlyRate), nameof(SupportPlan.ProviderPerIncidentFee),
                 })
        {
            b.Property(money).HasPrecision(12, 2);
        }

        b.HasOne<Organisation>().WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organisation>().WithMany().HasForeignKey(p => p.ProviderOrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(p => p.Calendar).WithMany().HasForeignKey(p => p.CalendarId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Targets).WithOne().HasForeignKey(t => t.PlanId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.PhoneLines).WithOne().HasForeignKey(t => t.PlanId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.RoutingRules).WithOne().HasForeignKey(t => t.PlanId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => new { p.OrganisationId, p.Name }).IsUnique();
    }
}

internal sealed class PlanSlaTargetConfiguration : IEntityTypeConfiguration<PlanSlaTarget>
{
    public void Configure(EntityTypeBuilder<PlanSlaTarget> b) => b.HasIndex(t => new { t.PlanId, t.Severity }).IsUnique();
}

internal sealed class PlanPhoneLineConfiguration : IEntityTypeConfiguration<PlanPhoneLine>
{
    public void Configure(EntityTypeBuilder<PlanPhoneLine> b)
    {
        b.Property(l => l.Label).HasMaxLength(100);
        b.Property(l => l.Number).HasMaxLength(40);
    }
}

internal sealed class PlanRoutingRuleConfiguration : IEntityTypeConfiguration<PlanRoutingRule>
{
    public void Configure(EntityTypeBuilder<PlanRoutingRule> b) => b.Property(r => r.Service).HasMaxLength(TicketLimits.Service);
}

internal sealed class SupportContractConfiguration : IEntityTypeConfiguration<SupportContract>
{
    public void Configure(EntityTypeBuilder<SupportContract> b)
    {
        foreach (var money in new[]
                 {
                     nameof(SupportContract.MonthlyFee), nameof(SupportContract.PerSeatFee), nameof(SupportContract.IncludedHours),
                     nameof(SupportContract.HourlyRate), nameof(SupportContract.PerIncidentFee), nameof(SupportContract.PrepaidHours),
                 })
        {
            b.Property(money).HasPrecision(12, 2);
        }

        b.HasOne(c => c.Customer).WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(c => c.Plan).WithMany().HasForeignKey(c => c.PlanId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => new { c.CustomerId, c.StartsOn });
    }
}
