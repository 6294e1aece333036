using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Webhooks;

/// <summary>An integration's address that hears of chosen events of one organisation (a PSA, a chat bot, a data warehouse).</summary>
public sealed class WebhookSubscription : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string Url { get; set; }

    /// <summary>The event types it hears of, space-separated (ticket.created ticket.message …).</summary>
    public required string Events { get; set; }

    /// <summary>The signing secret, protected with the data-protection key ring: shown once, at creation.</summary>
    public required string ProtectedSecret { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedByName { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<string> EventList => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// One event on its way to one subscription: the body it carries (fixed when the event happened, so a retry or a
/// redelivery sends the same bytes and the same event id) and the outbox message that carries it now.
/// </summary>
public sealed class WebhookDelivery : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid SubscriptionId { get; set; }

    /// <summary>The event's id, the same for every subscription it goes to: receivers de-duplicate by it.</summary>
    public Guid EventId { get; set; }
    public required string EventType { get; set; }

    /// <summary>What it is about: a ticket, an escalation, a service health issue.</summary>
    public Guid SubjectId { get; set; }

    /// <summary>The JSON posted: <c>{ id, type, occurredAt, data }</c>.</summary>
    public required string Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The outbox message carrying it; a redelivery writes a new one.</summary>
    public Guid OutboxMessageId { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>One try of a delivery: what the receiver answered, or why no answer came, and how long it took.</summary>
public sealed class WebhookAttempt : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid DeliveryId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The receiver's HTTP status; null when none came.</summary>
    public int? StatusCode { get; set; }

    /// <summary>The failure's category (never the socket's text); null when the receiver answered 2xx.</summary>
    public string? Failure { get; set; }
    public int DurationMs { get; set; }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.Property(s => s.Url).HasMaxLength(WebhookLimits.Url);
        b.Property(s => s.Events).HasMaxLength(500);
        b.Property(s => s.ProtectedSecret).HasMaxLength(1000);
        b.Property(s => s.CreatedByName).HasMaxLength(200);
        b.Ignore(s => s.EventList);
        b.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => s.OrganisationId);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.Property(d => d.EventType).HasMaxLength(64);
        // No foreign key to the subscription, on purpose: another instance may still enqueue for a subscription deleted
        // a moment ago (its cache lives a few seconds), and that must not fail the ticket's save. Deleting a
        // subscription deletes its deliveries; the sender refuses a delivery whose subscription is gone.
        b.HasIndex(d => new { d.SubscriptionId, d.CreatedAt }); // the delivery log, newest first
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> b)
    {
        b.Property(a => a.Failure).HasMaxLength(300);
        b.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.DeliveryId);
    }
}

/// <summary>This feature's tables, as sets of the one context.</summary>
public static class WebhookSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<WebhookSubscription> WebhookSubscriptions => db.Set<WebhookSubscription>();
        public DbSet<WebhookDelivery> WebhookDeliveries => db.Set<WebhookDelivery>();
        public DbSet<WebhookAttempt> WebhookAttempts => db.Set<WebhookAttempt>();
    }
}

/// <summary>Webhooks are the organisation's admins' business (the endpoints ask for admins; contacts never see them).</summary>
internal sealed class WebhookVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        visible.OwnedByOrganisation<WebhookSubscription>((db, s) => !db.CallerIsContact);
        visible.OwnedByOrganisation<WebhookDelivery>((db, d) => !db.CallerIsContact);
        visible.OwnedByOrganisation<WebhookAttempt>((db, a) => !db.CallerIsContact);
    }
}

public static class WebhookLimits
{
    public const int Url = 2000;

    /// <summary>Subscriptions one organisation may have: each is a lane of its own in the outbox.</summary>
    public const int PerOrganisation = 25;
}
