using Microsoft.AspNetCore.Authorization;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Auth;

public static class Policies
{
    /// <summary>Any signed-in person whose organisation is known. Everything not marked anonymous needs it.</summary>
    public const string Member = "member";
    public const string Agent = "agent";
    public const string Contact = "contact";

    /// <summary>Admin agents: the organisation's own settings (its support profile).</summary>
    public const string Admin = "admin";

    /// <summary>Admin and sales agents: plans, contracts, calendars and billing.</summary>
    public const string Commercial = "commercial";

    /// <summary>
    /// Agents who read the desk's reports (across customers, agents and money): admins. A desk has no lead or supervisor
    /// role yet; when it has one, it is added here and nowhere else.
    /// </summary>
    public const string Reports = "reports";

    public static void Add(AuthorizationOptions options)
    {
        var member = new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireClaim(CallerClaims.OrganisationId)
            .RequireClaim(CallerClaims.UserId)
            .RequireClaim(CallerClaims.Kind)
            .Build();
        options.AddPolicy(Member, member);
        options.FallbackPolicy = member; // an endpoint that forgets to say fails closed
        options.AddPolicy(Agent, p => p.Combine(member).RequireClaim(CallerClaims.Kind, nameof(AccountKind.Agent)));
        options.AddPolicy(Contact, p => p.Combine(member).RequireClaim(CallerClaims.Kind, nameof(AccountKind.Contact)));
        options.AddPolicy(Admin, p => p.Combine(member).RequireClaim(CallerClaims.Kind, nameof(AccountKind.Agent))
            .RequireClaim(CallerClaims.AgentRole, nameof(PartnerDesk.Platform.Tenancy.AgentRole.AdminAgent)));
        options.AddPolicy(Reports, p => p.Combine(member).RequireClaim(CallerClaims.Kind, nameof(AccountKind.Agent))
            .RequireClaim(CallerClaims.AgentRole, nameof(PartnerDesk.Platform.Tenancy.AgentRole.AdminAgent)));
        options.AddPolicy(Commercial, p => p.Combine(member).RequireClaim(CallerClaims.Kind, nameof(AccountKind.Agent))
            .RequireClaim(CallerClaims.AgentRole, nameof(PartnerDesk.Platform.Tenancy.AgentRole.AdminAgent), nameof(PartnerDesk.Platform.Tenancy.AgentRole.SalesAgent)));
    }
}
