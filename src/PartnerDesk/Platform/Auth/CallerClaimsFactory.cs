using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Features.Accounts;
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

internal static class CallerClaimsReader
{
    /// <summary>Reads the claims of an account, whatever organisation the current call belongs to.</summary>
    public static async Task<IReadOnlyList<Claim>> Read(PartnerDeskDb db, Guid userId, CancellationToken ct)
    {
        var agent = await db.Agents.IgnoreQueryFilters().AsNoTracking()
            .Where(a => a.Id == userId && a.IsActive)
            .Select(a => new { a.OrganisationId, a.DisplayName, a.Role })
            .FirstOrDefaultAsync(ct);
        if (agent is not null)
        {
            return
            [
                new(CallerClaims.UserId, userId.ToString()),
                new(CallerClaims.OrganisationId, agent.OrganisationId.ToString()),
                new(CallerClaims.Kind, nameof(AccountKind.Agent)),
                new(CallerClaims.AgentRole, agent.Role.ToString()),
                new(CallerClaims.Name, agent.DisplayName),
            ];
        }

        var contact = await db.Contacts.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.Id == userId)
            .Select(c => new { c.OrganisationId, c.CustomerId, c.DisplayName, c.IsCustomerAdmin })
            .FirstOrDefaultAsync(ct);
        if (contact is null)
        {
            return [];
        }

        return
        [
            new(CallerClaims.UserId, userId.ToString()),
            new(CallerClaims.OrganisationId, contact.OrganisationId.ToString()),
            new(CallerClaims.Kind, nameof(AccountKind.Contact)),
            new(CallerClaims.CustomerId, contact.CustomerId.ToString()),
            new(CallerClaims.CustomerAdmin, contact.IsCustomerAdmin ? "true" : "false"),
            new(CallerClaims.Name, contact.DisplayName),
        ];
    }
}
