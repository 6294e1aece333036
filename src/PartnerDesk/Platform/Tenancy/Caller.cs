using System.Security.Claims;
using PartnerDesk.Platform.Auth;

namespace PartnerDesk.Platform.Tenancy;

/// <summary>
/// Who is calling, read from the signed-in principal. The data layer's query filters read it, so a
/// caller that was never identified sees nothing: isolation fails closed.
/// </summary>
public sealed class Caller
{
    public Guid UserId { get; private set; }
    public Guid? OrganisationId { get; private set; }
    public AccountKind? Kind { get; private set; }
    public AgentRole? AgentRole { get; private set; }
    public Guid? CustomerId { get; private set; }
    public bool IsCustomerAdmin { get; private set; }
    public string DisplayName { get; private set; } = "";

    /// <summary>The API token of the call, when it came with one (the API's limits count per token).</summary>
    public Guid? TokenId { get; private set; }

    /// <summary>Background work and seeding act for one organisation without a person.</summary>
    public bool IsSystem { get; private set; }

    public bool IsAuthenticated => OrganisationId is not null;
    public bool IsAgent => Kind == AccountKind.Agent;
    public bool IsContact => Kind == AccountKind.Contact;

    /// <summary>An agent of a support provider: its organisation's customers are those partners routed tickets of.</summary>
    public bool WorksForPartners { get; private set; }

    /// <summary>
    /// Admin and sales agents work with every customer of their organisation; so do a support provider's
    /// agents, whose customers exist only because partners routed tickets to them (acting in a tenant still needs GDAP).
    /// </summary>
    public bool SeesAllCustomers =>
        IsSystem || AgentRole is PartnerDesk.Platform.Tenancy.AgentRole.AdminAgent or PartnerDesk.Platform.Tenancy.AgentRole.SalesAgent
        || (IsAgent && WorksForPartners);

    /// <summary>
    /// Sees every ticket of the organisation: a whole-organisation caller except a sales agent, whom the tickets' rule
    /// narrows to subscription changes. Whatever counts all of an organisation's tickets at once (the reports' rollup)
    /// is shown only to these callers.
    /// </summary>
    public bool SeesEveryTicket => SeesAllCustomers && AgentRole != PartnerDesk.Platform.Tenancy.AgentRole.SalesAgent;

    public Guid RequireOrganisation() =>
        OrganisationId ?? throw new InvalidOperationException("No organisation is known for this call.");

    public void SetFrom(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return;
        }

        if (!Guid.TryParse(principal.FindFirstValue(CallerClaims.UserId), out var userId)
            || !Guid.TryParse(principal.FindFirstValue(CallerClaims.OrganisationId), out var organisationId)
            || !Enum.TryParse<AccountKind>(principal.FindFirstValue(CallerClaims.Kind), out var kind))
        {
            return;
        }

        UserId = userId;
        Kind = kind;
        TokenId = Guid.TryParse(principal.FindFirstValue(CallerClaims.TokenId), out var tokenId) ? tokenId : null;
        DisplayName = principal.FindFirstValue(CallerClaims.Name) ?? "";
        if (kind == AccountKind.Agent)
        {
            if (!Enum.TryParse<AgentRole>(principal.FindFirstValue(CallerClaims.AgentRole), out var role))
            {
                Kind = null;
                return;
            }

            AgentRole = role;
            WorksForPartners = principal.HasClaim(CallerClaims.WorksForPartners, "true");
        }
        else
        {
            if (!Guid.TryParse(principal.FindFirstValue(CallerClaims.CustomerId), out var customerId))
            {
                Kind = null;
                return;
            }

            CustomerId = customerId;
            IsCustomerAdmin = principal.HasClaim(CallerClaims.CustomerAdmin, "true");
        }

        OrganisationId = organisationId;
    }

    /// <summary>Stands in for another agent of the organisation, to ask what that agent may reach.</summary>
    public void ActAsAgent(Guid organisationId, Guid agentId, AgentRole role, bool worksForPartners = false)
    {
        WorksForPartners = worksForPartners;
        OrganisationId = organisationId;
        UserId = agentId;
        Kind = AccountKind.Agent;
        AgentRole = role;
    }

    /// <summary>Acts as the system inside one organisation (seeding, background jobs).</summary>
    public void ActAsSystem(Guid organisationId)
    {
        OrganisationId = organisationId;
        IsSystem = true;
        DisplayName = "PartnerDesk";
    }
}

public static class CallerClaims
{
    public const string UserId = "pd:uid";
    public const string OrganisationId = "pd:org";
    public const string Kind = "pd:kind";
    public const string AgentRole = "pd:role";
    public const string CustomerId = "pd:customer";
    public const string CustomerAdmin = "pd:customerAdmin";
    public const string Name = "pd:name";

    /// <summary>The API token a call came with (bearer calls only).</summary>
    public const string TokenId = "pd:token";

    /// <summary>The agent works for a support provider organisation (tickets partners route to it).</summary>
    public const string WorksForPartners = "pd:provider";
}
