using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Organisations;

/// <summary>An agent who can act in a customer's tenant, with the Entra roles it holds there and the relationships they come from.</summary>
public sealed record AgentTenantAccess(Guid AgentId, string DisplayName, AgentRole Role, IReadOnlyList<EntraRoleView> Roles, IReadOnlyList<string> Relationships);

public sealed record EntraRoleView(string Id, string Name);

/// <summary>
/// Who can act in a customer's tenant, and as what (R4): the roles of active access assignments, in active
/// relationships that have not ended, given to security groups the agent is a member of. The same rule as the
/// data layer's reach check, read for every agent at once (PartnerDesk's role does not matter here: an admin
/// agent without a GDAP role cannot change anything in the tenant either).
/// </summary>
public static class TenantAccess
{
    public static async Task<List<AgentTenantAccess>> Of(PartnerDeskDb db, Guid customerId, DateTimeOffset now, CancellationToken ct)
    {
        var rows = await (
                from a in db.DelegatedAdminAccessAssignments.AsNoTracking()
                where a.CustomerId == customerId
                      && a.Status == DelegatedAdminAccessAssignmentStatus.Active
                      && a.Relationship!.Status == DelegatedAdminRelationshipStatus.Active
                      && (a.Relationship.EndDateTime == null || a.Relationship.EndDateTime > now)
                join m in db.SecurityGroupMembers on a.AccessContainerId equals m.SecurityGroupId
                join agent in db.Agents on m.AgentId equals agent.Id
                where agent.IsActive
                select new { agent.Id, agent.DisplayName, agent.Role, a.UnifiedRoles, Relationship = a.Relationship!.DisplayName })
            .ToListAsync(ct);
        return [.. rows.GroupBy(r => r.Id)
            .Select(g => new AgentTenantAccess(
                g.Key, g.First().DisplayName, g.First().Role,
                [.. g.SelectMany(r => r.UnifiedRoles).Distinct().Select(EntraRoleNames.View).OrderBy(r => r.Name, StringComparer.Ordinal)],
                [.. g.Select(r => r.Relationship).Distinct().Order(StringComparer.Ordinal)]))
            .OrderBy(a => a.DisplayName, StringComparer.Ordinal)];
    }
}

/// <summary>Names of Entra's built-in roles that GDAP relationships commonly carry (role definition ids are the same in every tenant).</summary>
public static class EntraRoleNames
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["62e90394-69f5-4237-9190-012177145e10"] = "Global Administrator",
        [EntraRoles.GlobalReader] = "Global Reader",
        [EntraRoles.HelpdeskAdministrator] = "Helpdesk Administrator",
        [EntraRoles.ServiceSupportAdministrator] = "Service Support Administrator",
        [EntraRoles.UserAdministrator] = "User Administrator",
        [EntraRoles.ExchangeAdministrator] = "Exchange Administrator",
        ["69091246-20e8-4a56-aa4d-066075b2a7a8"] = "Teams Administrator",
        ["f28a1f50-f6e7-4571-818b-6a12f2af6b6c"] = "SharePoint Administrator",
        ["3a2c62db-5318-420d-8d74-23affee5d9d5"] = "Intune Administrator",
        ["194ae4cb-b126-40b2-bd5b-6091b380977d"] = "Security Administrator",
        ["5d6b6bb7-de71-4623-b4af-96380a352509"] = "Security Reader",
        ["b0f54661-2d74-4c50-afa3-1ec803f12efe"] = "Billing Administrator",
        ["4d6ac14f-3453-41d0-bef9-a3e0c569773a"] = "License Administrator",
        ["e8611ab8-c189-46e8-94e1-60213ab1f814"] = "Privileged Role Administrator",
        ["9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"] = "Application Administrator",
        ["158c047a-c907-4556-b7ef-446551a6b5f7"] = "Cloud Application Administrator",
        ["c4e39bd9-1100-46d3-8c65-fb160da0071f"] = "Authentication Administrator",
        ["966707d0-3269-4727-9be2-8c3a10f19b9d"] = "Password Administrator",
        ["4a5d8f65-41da-4de4-8968-e035b65339cf"] = "Reports Reader",
        ["88d8e3e3-8f55-4a1e-953a-9b9898b8876b"] = "Directory Readers",
        ["17315797-102d-40b4-93e0-432062caca18"] = "Compliance Administrator",
        ["fdd7a751-b60b-444a-984c-02652fe8fa1c"] = "Groups Administrator",
        ["b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"] = "Conditional Access Administrator",
        ["7698a772-787b-4ac8-901f-60d6b08affd2"] = "Cloud Device Administrator",
        ["11648597-926c-4cf3-9c36-bcebb0ba8dcc"] = "Power Platform Administrator",
    };

    /// <summary>The role's name, or its id when it is not one of the known built-in roles (a custom role).</summary>
    public static EntraRoleView View(string id) => new(id, Names.GetValueOrDefault(id) ?? id);
}
