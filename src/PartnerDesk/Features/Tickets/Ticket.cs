using PartnerDesk.Features.Organisations;

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
