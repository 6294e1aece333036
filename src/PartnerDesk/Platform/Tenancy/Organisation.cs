namespace PartnerDesk.Platform.Tenancy;

public enum OrganisationKind
{
    DirectBill,
    IndirectProvider,
    IndirectReseller,
    SupportProvider,
}

/// <summary>A company that runs support in this installation: the unit of isolation.</summary>
public sealed class Organisation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public OrganisationKind Kind { get; set; }

    /// <summary>For an indirect reseller: the indirect provider it buys through.</summary>
    public Guid? IndirectProviderId { get; set; }

    /// <summary>For an indirect reseller whose provider does not use this installation: where escalations are e-mailed.</summary>
    public string? IndirectProviderEmail { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The organisation's own Entra tenant: its agents sign in with Microsoft accounts of this tenant.</summary>
    public Guid? TenantId { get; set; }

    /// <summary>Agents must sign in with Microsoft (their tenant's MFA and conditional access apply); passwords are refused.</summary>
    public bool RequireMicrosoftSignIn { get; set; }

    /// <summary>The language new contacts get (their mail, their portal until they choose): en or de.</summary>
    public string Language { get; set; } = "en";
}

/// <summary>Everything that belongs to one organisation carries its id; the data layer filters on it.</summary>
public interface IOrganisationOwned
{
    Guid OrganisationId { get; set; }
}

/// <summary>A Microsoft customer tenant served by one organisation.</summary>
public sealed class Customer : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string Name { get; set; }

    /// <summary>The customer's Entra tenant id.</summary>
    public Guid TenantId { get; set; }
    public required string DefaultDomain { get; set; }

    /// <summary>IANA time zone the customer works in; null when it is the partner's own (the plan calendar's).</summary>
    public string? TimeZoneId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who of the customer's tenant may sign in to the portal with Microsoft without an invitation.</summary>
    public ContactSignUp ContactSignUp { get; set; }

    /// <summary>When the customer's users were last read from its tenant; set once someone imported them, after which it runs daily.</summary>
    public DateTimeOffset? ContactsImportedAt { get; set; }

    /// <summary>When Partner Center last listed this customer as the partner's (the import sets it).</summary>
    public DateTimeOffset? PartnerCenterSeenAt { get; set; }

    /// <summary>Partner Center no longer lists it: the customer left the partner. Its tickets and history stay.</summary>
    public DateTimeOffset? LeftAt { get; set; }

    /// <summary>For an indirect provider: the indirect reseller Partner Center lists this customer under (its tenant and name).</summary>
    public Guid? ResellerTenantId { get; set; }

    public string? ResellerName { get; set; }
}

public enum ContactSignUp
{
    /// <summary>Only people who are contacts already (invited, imported or added).</summary>
    InvitedOnly,

    /// <summary>Any enabled user of the customer's tenant becomes a contact at the first sign-in.</summary>
    AnyoneInTenant,
}

/// <summary>How a contact came to be: an import may update what it brought in, never what a person set.</summary>
public enum ContactOrigin
{
    Added,
    Invited,
    SignedIn,
    Imported,
}

public enum AgentRole
{
    AdminAgent,
    HelpdeskAgent,
    SalesAgent,
}

/// <summary>A person of an organisation who works tickets. Shares its id with its sign-in account.</summary>
public sealed class Agent : IOrganisationOwned
{
    public Guid Id { get; set; }
    public Guid OrganisationId { get; set; }
    public required string DisplayName { get; set; }
    public required string Email { get; set; }
    public AgentRole Role { get; set; }
    public bool IsActive { get; set; } = true;
}

/// <summary>A person of a customer. Shares its id with its sign-in account.</summary>
public sealed class Contact : IOrganisationOwned
{
    public Guid Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public required string DisplayName { get; set; }
    public required string Email { get; set; }

    /// <summary>A customer admin sees colleagues' tickets and may request subscription changes.</summary>
    public bool IsCustomerAdmin { get; set; }

    /// <summary>"en" or "de": the language of the mail PartnerDesk writes to this contact (set when the contact picks one in the portal).</summary>
    public string Language { get; set; } = "en";

    /// <summary>A deactivated contact cannot sign in; its tickets stay.</summary>
    public bool IsActive { get; set; } = true;
    public ContactOrigin Origin { get; set; }

    /// <summary>An agent or customer admin changed this contact: the tenant import leaves its name and state alone.</summary>
    public bool ChangedByHand { get; set; }

    /// <summary>The user's object id in the customer's tenant, when known (import or Microsoft sign-in).</summary>
    public Guid? DirectoryObjectId { get; set; }
}

/// <summary>An Entra security group of the partner tenant; its id is the group's object id.</summary>
public sealed class SecurityGroup : IOrganisationOwned
{
    public Guid Id { get; set; }
    public Guid OrganisationId { get; set; }
    public required string DisplayName { get; set; }
}

public sealed class SecurityGroupMember : IOrganisationOwned
{
    public Guid SecurityGroupId { get; set; }
    public Guid AgentId { get; set; }
    public Guid OrganisationId { get; set; }
}
