using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Tickets;

public enum TicketKind
{
    Incident,
    ServiceRequest,
    SubscriptionChange,
}

/// <summary>Microsoft's severities: A critical (production down), B moderate, C minimal.</summary>
public enum Severity
{
    A,
    B,
    C,
}

public enum TicketStatus
{
    New,
    Open,
    PendingCustomer,
    Escalated,
    Resolved,
    Closed,
}

public enum Channel
{
    Portal,
    Email,
    Phone,
    Api,

    /// <summary>Handed on by an indirect reseller (a provider's ticket linked to the reseller's escalation).</summary>
    Reseller,

    /// <summary>Routed by a partner whose support this organisation delivers (a support provider's ticket).</summary>
    Partner,
}

public enum MessageVisibility
{
    Public,
    Internal,
}

public sealed class Ticket : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Customer? Customer { get; set; }

    /// <summary>Readable number, unique per organisation (PD-12).</summary>
    public long Number { get; set; }
    public required string Title { get; set; }
    public required string Description { get; set; }
    public TicketKind Kind { get; set; }
    public Severity Severity { get; set; }
    public TicketStatus Status { get; set; }
    public string? Service { get; set; }
    public Channel Channel { get; set; }

    /// <summary>The customer contact the ticket is for; null when an agent files it without one.</summary>
    public Guid? RequesterContactId { get; set; }
    public Contact? Requester { get; set; }
    public Guid CreatedByUserId { get; set; }
    public Guid? AssigneeAgentId { get; set; }
    public Agent? Assignee { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>Microsoft (or the provider) waits for the partner on an escalation of this ticket: it goes to the top of the queue.</summary>
    public bool AttentionNeeded { get; set; }

    // The SLA (Features/Plans): kept by SlaKeeper on every change, read by the sweep and the queue.

    /// <summary>The plan of the customer's contract when the ticket was filed; none, no SLA.</summary>
    public Guid? PlanId { get; set; }

    /// <summary>The first public reply of an agent.</summary>
    public DateTimeOffset? FirstRespondedAt { get; set; }

    /// <summary>Since when the customer waits for an answer to a reply (after the first response); null when answered.</summary>
    public DateTimeOffset? CustomerWaitingSince { get; set; }
    public DateTimeOffset? FirstResponseDueAt { get; set; }
    public DateTimeOffset? NextResponseDueAt { get; set; }
    public DateTimeOffset? ResolutionDueAt { get; set; }
    public DateTimeOffset? FirstResponseWarnAt { get; set; }
    public DateTimeOffset? NextResponseWarnAt { get; set; }
    public DateTimeOffset? ResolutionWarnAt { get; set; }
    public SlaTargets SlaWarned { get; set; }
    public SlaTargets SlaBreached { get; set; }

    /// <summary>The earliest due time of a target still to meet: the queue sorts by it.</summary>
    public DateTimeOffset? SlaDueAt { get; set; }

    /// <summary>When the sweep must look at this ticket next (a warning or a breach falls due).</summary>
    public DateTimeOffset? SlaCheckAt { get; set; }
    public SlaState SlaState { get; set; }

    /// <summary>Counts every change (bumped on save): two saves of one ticket from the same state cannot both win.</summary>
    public int Revision { get; set; }
}

/// <summary>The targets of a ticket's SLA.</summary>
[Flags]
public enum SlaTargets
{
    None = 0,
    FirstResponse = 1,
    NextResponse = 2,
    Resolution = 4,
}

public enum SlaState
{
    /// <summary>No plan, or no target left to meet.</summary>
    None,
    Running,

    /// <summary>75 % of a target used.</summary>
    Warning,
    Breached,

    /// <summary>The clock stands: the ticket waits on the customer (or, by plan option, on Microsoft).</summary>
    Paused,
}

public sealed class TicketMessage : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid TicketId { get; set; }
    public Ticket? Ticket { get; set; }
    public Guid AuthorUserId { get; set; }
    public required string AuthorName { get; set; }
    public bool AuthorIsAgent { get; set; }
    public required string Body { get; set; }
    public MessageVisibility Visibility { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One line of a ticket's history: who changed what, and when.</summary>
public sealed class TicketEvent : IOrganisationOwned
{
    /// <summary>Database-assigned, so that events of one save keep the order they happened in.</summary>
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid TicketId { get; set; }
    public Guid ActorUserId { get; set; }
    public required string ActorName { get; set; }

    /// <summary>What happened: Created, Status, Severity, Assignee, Reply, InternalNote.</summary>
    public required string Change { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>The last ticket number handed out in an organisation.</summary>
public sealed class TicketNumberCounter
{
    public Guid OrganisationId { get; set; }
    public long LastNumber { get; set; }
}
