using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Notifications;

/// <summary>
/// A message from the partner to one customer contact, written in the same transaction as the change
/// it tells about (an outbox): shown in the portal now, delivered by e-mail once that channel lands.
/// </summary>
public sealed class Notification : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid ContactId { get; set; }
    public Guid? TicketId { get; set; }

    /// <summary>What it is about: IncidentUpdate, IncidentResolved, …</summary>
    public required string Kind { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.Property(n => n.Kind).HasMaxLength(32);
        b.Property(n => n.Subject).HasMaxLength(300);
        b.Property(n => n.Body).HasMaxLength(20000);
        b.HasOne<Contact>().WithMany().HasForeignKey(n => n.ContactId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(n => new { n.ContactId, n.CreatedAt });
    }
}
