using System.Collections.Concurrent;
using System.Xml;

namespace PartnerDesk.Simulator.Graph;

// Wire shapes of Microsoft Graph's GDAP API (v1.0 tenantRelationships), field for field. Status values
// are strings so that a test can send values Microsoft adds later.

public sealed class UnifiedRole
{
    public string RoleDefinitionId { get; set; } = "";
}

public sealed class DelegatedAdminAccessDetails
{
    public List<UnifiedRole> UnifiedRoles { get; set; } = [];
}

public sealed class DelegatedAdminRelationshipCustomer
{
    public Guid TenantId { get; set; }
    public string DisplayName { get; set; } = "";
}

public sealed class DelegatedAdminRelationship
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";

    /// <summary>ISO 8601 duration, e.g. P730D.</summary>
    public string Duration { get; set; } = "P730D";

    /// <summary>activating, active, approvalPending, approved, created, expired, expiring, terminated, terminating, terminationRequested.</summary>
    public string Status { get; set; } = "active";
    public string AutoExtendDuration { get; set; } = "PT0S";
    public DateTimeOffset CreatedDateTime { get; set; }
    public DateTimeOffset LastModifiedDateTime { get; set; }
    public DateTimeOffset? ActivatedDateTime { get; set; }
    public DateTimeOffset? EndDateTime { get; set; }
    public DelegatedAdminRelationshipCustomer Customer { get; set; } = new();
    public DelegatedAdminAccessDetails AccessDetails { get; set; } = new();
}

public sealed class DelegatedAdminAccessContainer
{
    public Guid AccessContainerId { get; set; }
    public string AccessContainerType { get; set; } = "securityGroup";
}

public sealed class DelegatedAdminAccessAssignment
{
    public string Id { get; set; } = "";

    /// <summary>pending, active, deleting, deleted, error.</summary>
    public string Status { get; set; } = "active";
    public DateTimeOffset CreatedDateTime { get; set; }
    public DateTimeOffset LastModifiedDateTime { get; set; }
    public DelegatedAdminAccessContainer AccessContainer { get; set; } = new();
    public DelegatedAdminAccessDetails AccessDetails { get; set; } = new();
}

/// <summary>Graph's domain resource, as a customer tenant lists its own.</summary>
public sealed class Domain
{
    public string Id { get; set; } = "";
    public string AuthenticationType { get; set; } = "Managed";
    public bool IsAdminManaged { get; set; } = true;
    public bool IsDefault { get; set; }
    public bool IsInitial { get; set; }
    public bool IsRoot { get; set; } = true;
    public bool IsVerified { get; set; } = true;
    public List<string> SupportedServices { get; set; } = ["Email", "OfficeCommunicationsOnline"];
}

/// <summary>
/// A partner tenant as a scenario or a test describes it: its customers (with their domains) and its GDAP
/// relationships. Times are offsets from the moment it is loaded, so that a scenario stays valid.
/// </summary>
public sealed class PartnerTenant
{
    public Guid TenantId { get; set; }
    public string DisplayName { get; set; } = "";
    public List<PartnerCustomer> Customers { get; set; } = [];
    public List<RelationshipSpec> Relationships { get; set; } = [];

    /// <summary>For an indirect reseller: the indirect provider it buys through (Partner Center lists it among the provider's resellers).</summary>
    public Guid? IndirectProvider { get; set; }

    public string MpnId { get; set; } = "";

    /// <summary>The partner tenant's security groups that GDAP access assignments name, with their members' addresses.</summary>
    public List<GroupSpec> Groups { get; set; } = [];
}

public sealed class GroupSpec
{
    public Guid Id { get; set; }
    public string DisplayName { get; set; } = "";
    /// <summary>Members' addresses (mail and UPN); "upn smtp:alias smtp:alias" gives a member e-mail aliases (proxyAddresses).</summary>
    public List<string> Members { get; set; } = [];
}

/// <summary>Graph's group, with the fields PartnerDesk selects.</summary>
public sealed class Group
{
    public Guid Id { get; set; }
    public string DisplayName { get; set; } = "";
    public bool SecurityEnabled { get; set; } = true;
    public bool MailEnabled { get; set; }
}

/// <summary>Graph's user, as a group's member list gives it (@odata.type microsoft.graph.user).</summary>
public sealed class GroupMember
{
    [System.Text.Json.Serialization.JsonPropertyName("@odata.type")]
    public string ODataType { get; set; } = "#microsoft.graph.user";
    public Guid Id { get; set; }
    public string DisplayName { get; set; } = "";
    public string? Mail { get; set; }
    public string UserPrincipalName { get; set; } = "";

    /// <summary>"SMTP:" marks the primary address, "smtp:" an alias.</summary>
    public List<string> ProxyAddresses { get; set; } = [];
}

public sealed class PartnerCustomer
{
    public Guid TenantId { get; set; }
    public string DisplayName { get; set; } = "";

    /// <summary>The first is the default domain; an initial *.onmicrosoft.com one is added.</summary>
    public List<string> Domains { get; set; } = [];
}

public sealed class RelationshipSpec
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public Guid CustomerTenantId { get; set; }
    public string Status { get; set; } = "active";
    public string Duration { get; set; } = "P730D";

    /// <summary>How long ago the customer approved it; null for a relationship not active yet.</summary>
    public TimeSpan? ActivatedAgo { get; set; }
    public List<string> Roles { get; set; } = [];
    public List<AssignmentSpec> Assignments { get; set; } = [];
}

public sealed class AssignmentSpec
{
    public string Id { get; set; } = "";
    public Guid Group { get; set; }
    public string Status { get; set; } = "active";
    public List<string> Roles { get; set; } = [];
}

/// <summary>The partner tenants the simulator knows: their GDAP relationships, and their customers' domains.</summary>
public sealed class TenantDirectory(TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, (List<DelegatedAdminRelationship> Relationships, Dictionary<string, List<DelegatedAdminAccessAssignment>> Assignments)> partners = new();
    private readonly ConcurrentDictionary<Guid, List<Domain>> domains = new();
    private readonly ConcurrentDictionary<(Guid Partner, Guid Group), (Group Group, List<GroupMember> Members)> groups = new();

    public void Set(PartnerTenant partner)
    {
        var now = clock.GetUtcNow();
        foreach (var customer in partner.Customers)
        {
            var initial = $"{customer.DisplayName.Where(char.IsLetterOrDigit).Aggregate("", (s, c) => s + char.ToLowerInvariant(c))}.onmicrosoft.com";
            domains[customer.TenantId] =
            [
                .. customer.Domains.Select((d, i) => new Domain { Id = d, IsDefault = i == 0 }),
                new Domain { Id = initial, IsInitial = true, IsDefault = customer.Domains.Count == 0 },
            ];
        }

        var relationships = new List<DelegatedAdminRelationship>();
        var assignments = new Dictionary<string, List<DelegatedAdminAccessAssignment>>();
        foreach (var spec in partner.Relationships)
        {
            DateTimeOffset? activated = spec.ActivatedAgo is { } ago ? now - ago : null;
            var created = (activated ?? now) - TimeSpan.FromDays(1);
            var customer = partner.Customers.FirstOrDefault(c => c.TenantId == spec.CustomerTenantId);
            relationships.Add(new DelegatedAdminRelationship
            {
                Id = spec.Id,
                DisplayName = spec.DisplayName,
                Duration = spec.Duration,
                Status = spec.Status,
                CreatedDateTime = created,
                LastModifiedDateTime = activated ?? created,
                ActivatedDateTime = activated,
                EndDateTime = activated + XmlConvert.ToTimeSpan(spec.Duration),
                Customer = new DelegatedAdminRelationshipCustomer { TenantId = spec.CustomerTenantId, DisplayName = customer?.DisplayName ?? "" },
                AccessDetails = Roles(spec.Roles),
            });
            assignments[spec.Id] = spec.Assignments.ConvertAll(a => new DelegatedAdminAccessAssignment
            {
                Id = a.Id,
                Status = a.Status,
                CreatedDateTime = activated ?? created,
                LastModifiedDateTime = activated ?? created,
                AccessContainer = new DelegatedAdminAccessContainer { AccessContainerId = a.Group },
                AccessDetails = Roles(a.Roles),
            });
        }

        foreach (var key in groups.Keys.Where(k => k.Partner == partner.TenantId))
        {
            groups.TryRemove(key, out _);
        }

        foreach (var group in partner.Groups)
        {
            groups[(partner.TenantId, group.Id)] = (
                new Group { Id = group.Id, DisplayName = group.DisplayName },
                group.Members.ConvertAll(member =>
                {
                    var parts = member.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var m = parts[0];
                    return new GroupMember
                    {
                        // The same id the user signs in with (its oid), so that an agent's sign-in matches its GDAP groups.
                        Id = EntraDirectory.ObjectIdOf(m),
                        DisplayName = m.Split('@')[0],
                        Mail = m,
                        UserPrincipalName = m,
                        ProxyAddresses = ["SMTP:" + m, .. parts.Skip(1)],
                    };
                }));
        }

        partners[partner.TenantId] = (relationships, assignments);
    }

    public Group? GroupOf(Guid partnerTenant, Guid id) => groups.TryGetValue((partnerTenant, id), out var g) ? g.Group : null;

    public List<GroupMember>? MembersOf(Guid partnerTenant, Guid id) => groups.TryGetValue((partnerTenant, id), out var g) ? g.Members : null;

    public List<DelegatedAdminRelationship> RelationshipsOf(Guid partnerTenant) =>
        partners.TryGetValue(partnerTenant, out var p) ? p.Relationships : [];

    /// <summary>The relationship's access assignments, or null when the partner has no such relationship.</summary>
    public List<DelegatedAdminAccessAssignment>? AssignmentsOf(Guid partnerTenant, string relationshipId) =>
        partners.TryGetValue(partnerTenant, out var p) && p.Assignments.TryGetValue(relationshipId, out var a) ? a : null;

    /// <summary>A customer tenant's domains; a tenant nobody described has its initial domain only.</summary>
    public List<Domain> DomainsOf(Guid tenant) =>
        domains.TryGetValue(tenant, out var d) ? d : [new Domain { Id = $"m365x{tenant.ToString("N")[..6]}.onmicrosoft.com", IsDefault = true, IsInitial = true }];

    private static DelegatedAdminAccessDetails Roles(List<string> ids) =>
        new() { UnifiedRoles = ids.ConvertAll(id => new UnifiedRole { RoleDefinitionId = id }) };
}
