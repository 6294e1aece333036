using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.ServiceHealth;

public enum IssueClassification
{
    Incident,
    Advisory,

    /// <summary>A value Microsoft added after this build, or none.</summary>
    Unknown,
}

/// <summary>
/// A Microsoft service health issue (Graph serviceHealthIssue), stored once per organisation however
/// many of its customer tenants report it, and linked to each of them through <see cref="AffectedCustomer"/>.
/// </summary>
public sealed class ServiceHealthIssue : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }

    /// <summary>Microsoft's id, such as EX123456.</summary>
    public required string MicrosoftId { get; set; }
    public required string Title { get; set; }
    public required string Service { get; set; }
    public string? Feature { get; set; }
    public string? FeatureGroup { get; set; }
    public string ImpactDescription { get; set; } = "";
    public IssueClassification Classification { get; set; }

    /// <summary>Microsoft's status value as sent (serviceDegradation, serviceRestored, …); "unknown" when none.</summary>
    public required string Status { get; set; }
    public bool IsResolved { get; set; }
    public DateTimeOffset StartDateTime { get; set; }
    public DateTimeOffset? EndDateTime { get; set; }
    public DateTimeOffset LastModifiedDateTime { get; set; }

    /// <summary>Time of the newest post stored: a post at or before it is not new.</summary>
    public DateTimeOffset? LatestPostAt { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public List<ServiceHealthPost> Posts { get; set; } = [];
}

/// <summary>One of Microsoft's updates on an issue, kept as plain text.</summary>
public sealed class ServiceHealthPost : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid IssueId { get; set; }
    public DateTimeOffset CreatedDateTime { get; set; }
    public required string PostType { get; set; }
    public required string Text { get; set; }
}

/// <summary>A customer tenant that reports an issue.</summary>
public sealed class AffectedCustomer : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public Guid IssueId { get; set; }
    public ServiceHealthIssue? Issue { get; set; }
    public Guid CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
}

/// <summary>A Message center post (Graph serviceUpdateMessage), stored once per organisation.</summary>
public sealed class MessageCenterPost : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string MicrosoftId { get; set; }
    public required string Title { get; set; }

    /// <summary>preventOrFixIssue, planForChange, stayInformed, or a later value as sent.</summary>
    public required string Category { get; set; }

    /// <summary>normal, high, critical, or a later value as sent.</summary>
    public required string Severity { get; set; }

    /// <summary>Service names, comma-separated.</summary>
    public string Services { get; set; } = "";
    public string Tags { get; set; } = "";
    public bool IsMajorChange { get; set; }
    public DateTimeOffset? ActionRequiredBy { get; set; }
    public DateTimeOffset StartDateTime { get; set; }
    public DateTimeOffset? EndDateTime { get; set; }
    public DateTimeOffset LastModifiedDateTime { get; set; }
    public string Body { get; set; } = "";
}

public sealed class MessageCenterRecipient : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public Guid MessageId { get; set; }
    public MessageCenterPost? Message { get; set; }
    public Guid CustomerId { get; set; }
}

/// <summary>The health of one service in one customer tenant (Graph serviceHealth).</summary>
public sealed class CustomerServiceStatus : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public required string Service { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Where the sync of one customer tenant stands, and what went wrong last.</summary>
public sealed class HealthSyncState : IOrganisationOwned
{
    public Guid CustomerId { get; set; }
    public Guid OrganisationId { get; set; }
    public DateTimeOffset? IssuesWatermark { get; set; }
    public DateTimeOffset? MessagesWatermark { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    public DateTimeOffset NextDueAt { get; set; }

    /// <summary>Why the last attempt failed; null after a success.</summary>
    public string? LastError { get; set; }
    public DateTimeOffset? FailingSince { get; set; }
    public int ConsecutiveFailures { get; set; }

    /// <summary>Items Microsoft sent that could not be used in the last successful sync, and why.</summary>
    public string? Warnings { get; set; }
}

public enum KnownIssueLinkState
{
    /// <summary>Matched by PartnerDesk (or the contact kept the prompt's match); an agent may confirm it.</summary>
    Suggested,
    Confirmed,

    /// <summary>Unlinked by an agent: kept so that the matcher does not link it again.</summary>
    Dismissed,
}

/// <summary>A ticket believed to be caused by a service health issue.</summary>
public sealed class TicketIssueLink : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid TicketId { get; set; }
    public Guid IssueId { get; set; }
    public ServiceHealthIssue? Issue { get; set; }
    public KnownIssueLinkState State { get; set; }
    public double Score { get; set; }
    public DateTimeOffset LinkedAt { get; set; }
    public required string LinkedBy { get; set; }
}
