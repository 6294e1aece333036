using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Sla;

/// <summary>A target a ticket missed: kept for reporting and statements, never changed.</summary>
public sealed class SlaBreach : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid TicketId { get; set; }
    public Guid? PlanId { get; set; }
    public SlaTargets Target { get; set; }
    public Severity Severity { get; set; }
    public DateTimeOffset DueAt { get; set; }

    /// <summary>When PartnerDesk noticed it (the sweep runs every few seconds).</summary>
    public DateTimeOffset NoticedAt { get; set; }
}

internal sealed class SlaBreachConfiguration : IEntityTypeConfiguration<SlaBreach>
{
    public void Configure(EntityTypeBuilder<SlaBreach> b)
    {
        b.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.OrganisationId, x.CustomerId, x.DueAt });
        b.HasIndex(x => x.TicketId);
    }
}
