using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Escalations;

public enum EscalationTarget
{
    /// <summary>A Partner Center service request (direct-bill partners and indirect providers).</summary>
    Microsoft,

    /// <summary>The reseller's indirect provider (indirect resellers may not file with Microsoft).</summary>
    IndirectProvider,
}

/// <summary>The five kinds of problems the seed says go to Microsoft.</summary>
public enum EscalationCategory
{
    /// <summary>A service does not perform as its service description says, and no documented issue explains it.</summary>
    UndocumentedServiceIssue,
    ServiceUnavailable,
    ServiceBugOrIrregularity,
    WidespreadNetworkOutage,
    RegionalMultiTenantIssue,
}

public enum EscalationState
{
    /// <summary>Written, waiting in the outbox to reach Microsoft.</summary>
    Queued,
    Open,

    /// <summary>Microsoft waits for the partner.</summary>
    AttentionNeeded,
    Closed,

    /// <summary>Microsoft refused it (validation) or it cannot be sent: an agent must look.</summary>
    NeedsAgent,
}

/// <summary>A ticket handed to Microsoft (a Partner Center service request) or to the indirect provider.</summary>
public sealed class Escalation : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid TicketId { get; set; }
    public Ticket? Ticket { get; set; }
    public EscalationTarget Target { get; set; }
    public EscalationCategory? Category { get; set; }
    public required string Title { get; set; }
    public required string Description { get; set; }

    /// <summary>Partner Center's severity: critical, moderate or minimal (from ticket severity A, B, C).</summary>
    public required string Severity { get; set; }
    public string? SupportTopicId { get; set; }
    public string? SupportTopicName { get; set; }

    /// <summary>Partner Center's id of the service request, once Microsoft has it.</summary>
    public string? ServiceRequestId { get; set; }

    /// <summary>Partner Center's status as sent: none, open, closed, attention_needed, or a later value.</summary>
    public string? ServiceRequestStatus { get; set; }
    public EscalationState State { get; set; }

    /// <summary>Why an agent must look (Microsoft's validation message, a refusal); null otherwise.</summary>
    public string? Problem { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid CreatedByUserId { get; set; }
    public required string CreatedByName { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Microsoft's first-response target: critical 2 h, moderate 4 h, minimal 8 h after filing.</summary>
    public DateTimeOffset? FirstResponseDueAt { get; set; }
    public DateTimeOffset? FirstResponseAt { get; set; }
    public bool FirstResponseMissed { get; set; }
    public DateTimeOffset NextPollAt { get; set; }

    /// <summary>How many of the service request's notes have been read (they only grow).</summary>
    public int NotesSeen { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>To the indirect provider: whether the reseller's internal notes go along.</summary>
    public bool ShareInternalNotes { get; set; }

    /// <summary>The provider's ticket this escalation became (same installation), and its number there.</summary>
    public Guid? LinkedTicketId { get; set; }
    public string? LinkedTicketNumber { get; set; }
}

/// <summary>
/// In the provider's organisation: this ticket came from a reseller's escalation. The reseller's side
/// holds the other end (<see cref="Escalation.LinkedTicketId"/>); nothing else crosses the boundary.
/// </summary>
public sealed class ResellerLink : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public Guid TicketId { get; set; }
    public Guid ResellerOrganisationId { get; set; }
    public required string ResellerName { get; set; }
    public Guid ResellerEscalationId { get; set; }
    public Guid ResellerTicketId { get; set; }
}

/// <summary>One line of an escalation's own history.</summary>
public sealed class EscalationEvent : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid EscalationId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }

    /// <summary>Queued, Sent, Status, MicrosoftNote, NoteSent, FirstResponseMissed, Refused, Retrying, Closed.</summary>
    public required string What { get; set; }
    public string? Detail { get; set; }
}

internal sealed class EscalationConfiguration : IEntityTypeConfiguration<Escalation>
{
    public void Configure(EntityTypeBuilder<Escalation> b)
    {
        b.Property(e => e.Title).HasMaxLength(EscalationLimits.Title);
        b.Property(e => e.Description).HasMaxLength(EscalationLimits.Description);
        b.Property(e => e.Severity).HasMaxLength(16);
        b.Property(e => e.SupportTopicId).HasMaxLength(32);
        b.Property(e => e.SupportTopicName).HasMaxLength(200);
        b.Property(e => e.ServiceRequestId).HasMaxLength(32);
        b.Property(e => e.ServiceRequestStatus).HasMaxLength(32);
        b.Property(e => e.Problem).HasMaxLength(2000);
        b.Property(e => e.CreatedByName).HasMaxLength(200);
        b.Property(e => e.LinkedTicketNumber).HasMaxLength(32);
        b.HasOne(e => e.Ticket).WithMany().HasForeignKey(e => e.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.OrganisationId, e.State, e.CreatedAt });
        b.HasIndex(e => e.TicketId);
        b.HasIndex(e => new { e.OrganisationId, e.CreatedAt }); // the console's list, newest first
        b.HasIndex(e => e.NextPollAt);
    }
}

internal sealed class ResellerLinkConfiguration : IEntityTypeConfiguration<ResellerLink>
{
    public void Configure(EntityTypeBuilder<ResellerLink> b)
    {
        b.HasKey(l => l.TicketId);
        b.Property(l => l.ResellerName).HasMaxLength(200);
        b.HasOne<Ticket>().WithMany().HasForeignKey(l => l.TicketId).OnDelete(DeleteBehavior.Cascade);
        // One provider ticket per escalation, however often the hand-over is retried.
        b.HasIndex(l => l.ResellerEscalationId).IsUnique();
    }
}

internal sealed class EscalationEventConfiguration : IEntityTypeConfiguration<EscalationEvent>
{
    public void Configure(EntityTypeBuilder<EscalationEvent> b)
    {
        b.Property(e => e.Actor).HasMaxLength(200);
        b.Property(e => e.What).HasMaxLength(32);
        b.Property(e => e.Detail).HasMaxLength(4000);
        b.HasOne<Escalation>().WithMany().HasForeignKey(e => e.EscalationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.EscalationId, e.Id });
    }
}

public static class EscalationLimits
{
    /// <summary>Partner Center takes titles of up to 255 characters.</summary>
    public const int Title = 255;
    public const int Description = 10000;
}
