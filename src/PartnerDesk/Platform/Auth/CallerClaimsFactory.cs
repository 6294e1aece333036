using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Auth;

/// <summary>Puts who a person is (organisation, agent role or customer) into the principal at sign-in.</summary>
internal sealed class CallerClaimsFactory(UserManager<UserAccount> users, IOptions<IdentityOptions> options, PartnerDeskDb db)
    : UserClaimsPrincipalFactory<UserAccount>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(UserAccount user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaims(await CallerClaimsReader.Read(db, user.Id, CancellationToken.None));
        return identity;
    }
}

public static class CallerClaimsReader
{
    /// <summary>Reads the claims of an account, whatever organisation the current call belongs to.</summary>
    public static async Task<IReadOnlyList<Claim>> Read(PartnerDeskDb db, Guid userId, CancellationToken ct)
    {
        var agent = await db.Agents.IgnoreQueryFilters().AsNoTracking()
            .Where(a => a.Id == userId && a.IsActive)
            .Select(a => new
            {
                a.OrganisationId,
                a.DisplayName,
                a.Role,
                Provider = db.Organisations.IgnoreQueryFilters().Any(o => o.Id == a.OrganisationId && o.Kind == OrganisationKind.SupportProvider),
            })
            .FirstOrDefaultAsync(ct);
        if (agent is not null)
        {
            return AgentClaims(userId, agent.OrganisationId, agent.DisplayName, agent.Role, agent.Provider);
        }

        var contact = await db.Contacts.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.Id == userId && c.IsActive)
            .Select(c => new { c.OrganisationId, c.CustomerId, c.DisplayName, c.IsCustomerAdmin })
            .FirstOrDefaultAsync(ct);
        return contact is null ? [] : ContactClaims(userId, contact.OrganisationId, contact.CustomerId, contact.DisplayName, contact.IsCustomerAdmin);
    }

    public static IReadOnlyList<Claim> AgentClaims(Guid userId, Guid organisationId, string name, AgentRole role, bool worksForPartners) =>
    [
        new(CallerClaims.UserId, userId.ToString()),
        new(CallerClaims.OrganisationId, organisationId.ToString()),
        new(CallerClaims.Kind, nameof(AccountKind.Agent)),
        new(CallerClaims.AgentRole, role.ToString()),
        new(CallerClaims.Name, name),
        new(CallerClaims.WorksForPartners, worksForPartners ? "true" : "false"),
    ];

    public static IReadOnlyList<Claim> ContactClaims(Guid userId, Guid organisationId, Guid customerId, string name, bool isCustomerAdmin) =>
    [
        new(CallerClaims.UserId, userId.ToString()),
        new(CallerClaims.OrganisationId, organisationId.ToString()),
        new(CallerClaims.Kind, nameof(AccountKind.Contact)),
        new(CallerClaims.CustomerId, customerId.ToString()),
        new(CallerClaims.CustomerAdmin, isCustomerAdmin ? "true" : "false"),
        new(CallerClaims.Name, name),
    ];
}
