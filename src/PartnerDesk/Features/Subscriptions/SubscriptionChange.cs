using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Subscriptions;

public enum SubscriptionChangeState
{
    /// <summary>Asked for by the customer; a sales agent decides.</summary>
    Requested,

    /// <summary>Approved; Partner Center is being told (through the outbox).</summary>
    Approved,

    /// <summary>Carried out in Partner Center.</summary>
    Done,

    /// <summary>Handed to the indirect provider, who carries it out.</summary>
    Forwarded,
    Declined,

    /// <summary>Partner Center refused it; the reason is kept and told to the customer.</summary>
    Failed,
}

/// <summary>A customer's request to change a subscription (R13): more or fewer licences, a cancellation, a new product. Lives beside its ticket.</summary>
public sealed class SubscriptionChange : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid TicketId { get; set; }

    /// <summary>Partner Center's subscription id; null for a new product.</summary>
    public string? SubscriptionId { get; set; }
    public string? SubscriptionName { get; set; }
    public SubscriptionAction Action { get; set; }

    /// <summary>Licences to add or remove.</summary>
    public int? Number { get; set; }
    public int? FromQuantity { get; set; }

    /// <summary>The quantity to set in Partner Center, fixed at approval from the subscription as it then stood (a repeat sets the same).</summary>
    public int? ToQuantity { get; set; }
    public string? Product { get; set; }
    public SubscriptionChangeState State { get; set; }
    public string? Reason { get; set; }
    public Guid? RequestedByContactId { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
}

public sealed record SubscriptionChangeView(
    Guid Id, Guid CustomerId, Guid TicketId, string? SubscriptionId, string? SubscriptionName, SubscriptionAction Action, int? Number, int? FromQuantity,
    int? ToQuantity, string? Product, SubscriptionChangeState State, string? Reason, DateTimeOffset RequestedAt, string? DecidedBy, DateTimeOffset? DecidedAt, DateTimeOffset? DoneAt);

internal sealed class SubscriptionChangeConfiguration : IEntityTypeConfiguration<SubscriptionChange>
{
    public void Configure(EntityTypeBuilder<SubscriptionChange> b)
    {
        b.Property(c => c.SubscriptionId).HasMaxLength(100);
        b.Property(c => c.SubscriptionName).HasMaxLength(200);
        b.Property(c => c.Product).HasMaxLength(200);
        b.Property(c => c.Reason).HasMaxLength(1000);
        b.Property(c => c.DecidedBy).HasMaxLength(200);
        b.HasOne<Ticket>().WithOne().HasForeignKey<SubscriptionChange>(c => c.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => new { c.OrganisationId, c.State, c.RequestedAt });
    }
}
