using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Notifications;

/// <summary>
/// Something the agents of a queue must see (an SLA warning or breach): shown to every agent who reaches
/// the customer, marked for the assignee. Written in the same save as the change it tells about.
/// </summary>
public sealed class AgentAlert : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid? TicketId { get; set; }

    /// <summary>The agent it is for in particular (the assignee); null for the whole queue.</summary>
    public Guid? AgentId { get; set; }

    /// <summary>SlaWarning, SlaBreach.</summary>
    public required string Kind { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}

internal sealed class AgentAlertConfiguration : IEntityTypeConfiguration<AgentAlert>
{
    public void Configure(EntityTypeBuilder<AgentAlert> b)
    {
        b.Property(a => a.Kind).HasMaxLength(32);
        b.Property(a => a.Text).HasMaxLength(500);
        b.HasOne<Customer>().WithMany().HasForeignKey(a => a.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Ticket>().WithMany().HasForeignKey(a => a.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.OrganisationId, a.CreatedAt });

        // The queue asks for the newest unseen ones on every change: a small index of just those.
        b.HasIndex(a => new { a.OrganisationId, a.CreatedAt }, "IX_AgentAlerts_Unseen").HasFilter("\"ReadAt\" IS NULL");
    }
}
