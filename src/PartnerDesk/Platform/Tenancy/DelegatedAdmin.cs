namespace PartnerDesk.Platform.Tenancy;

/// <summary>Values of Microsoft Graph's delegatedAdminRelationshipStatus, in Graph's spelling.</summary>
public enum DelegatedAdminRelationshipStatus
{
    Activating,
    Active,
    ApprovalPending,
    Approved,
    Created,
    Expired,
    Expiring,
    Terminated,
    Terminating,
    TerminationRequested,
    UnknownFutureValue,
}

/// <summary>Values of Microsoft Graph's delegatedAdminAccessAssignmentStatus.</summary>
public enum DelegatedAdminAccessAssignmentStatus
{
    Pending,
    Active,
    Deleting,
    Deleted,
    Error,
    UnknownFutureValue,
}

/// <summary>A GDAP relationship with one customer tenant, as Graph's delegatedAdminRelationship shapes it.</summary>
public sealed class DelegatedAdminRelationship : IOrganisationOwned
{
    /// <summary>Graph's relationship id.</summary>
    public required string Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public required string DisplayName { get; set; }
    public DelegatedAdminRelationshipStatus Status { get; set; }

    /// <summary>ISO 8601 duration, e.g. P730D.</summary>
    public required string Duration { get; set; }
    public DateTimeOffset CreatedDateTime { get; set; }
    public DateTimeOffset? ActivatedDateTime { get; set; }
    public DateTimeOffset? EndDateTime { get; set; }

    /// <summary>accessDetails.unifiedRoles: the Entra role definition ids the customer granted.</summary>
    public List<string> UnifiedRoles { get; set; } = [];
}

/// <summary>Gives one security group some of a relationship's roles (Graph's delegatedAdminAccessAssignment).</summary>
public sealed class DelegatedAdminAccessAssignment : IOrganisationOwned
{
    public required string Id { get; set; }
    public Guid OrganisationId { get; set; }
    public required string RelationshipId { get; set; }
    public DelegatedAdminRelationship? Relationship { get; set; }

    /// <summary>Copied from the relationship so that access checks need no join.</summary>
    public Guid CustomerId { get; set; }

    /// <summary>accessContainer.accessContainerId: the security group's object id (accessContainerType securityGroup).</summary>
    public Guid AccessContainerId { get; set; }
    public DelegatedAdminAccessAssignmentStatus Status { get; set; }
    public List<string> UnifiedRoles { get; set; } = [];
    public DateTimeOffset CreatedDateTime { get; set; }
    public DateTimeOffset LastModifiedDateTime { get; set; }
}

/// <summary>Entra built-in role definition ids that matter to support work.</summary>
public static class EntraRoles
{
    public const string HelpdeskAdministrator = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
    public const string ServiceSupportAdministrator = "f023fd81-a637-4b56-95fd-791ac0226033";
    public const string GlobalReader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
    public const string UserAdministrator = "fe930be7-5e62-47db-91af-98c3a49a38b1";
    public const string DirectoryReaders = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";
    public const string ExchangeAdministrator = "29232cdf-9323-42fd-ade2-1d097af3e4de";
}
