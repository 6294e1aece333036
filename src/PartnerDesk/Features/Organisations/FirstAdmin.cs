using Microsoft.AspNetCore.Identity;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Organisations;

/// <summary>Creates the first organisation and its admin agent in an empty production database.</summary>
public static class FirstAdmin
{
    public static async Task Create(PartnerDeskDb db, UserManager<UserAccount> users, FirstAdminOptions admin, OrganisationKind kind, TimeProvider clock)
    {
        // All or nothing: an organisation without its admin would lock everybody out at the next start.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var organisation = new Organisation { Name = admin.Organisation!, Kind = kind, CreatedAt = clock.GetUtcNow(), TenantId = admin.TenantId };
        db.Organisations.Add(organisation);
        await db.SaveChangesAsync();

        var account = new UserAccount
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = organisation.Id,
            Kind = AccountKind.Agent,
            UserName = admin.Email,
            Email = admin.Email,
            EmailConfirmed = true,
        };
        var created = await users.CreateAsync(account, admin.Password!);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException("The first admin could not be created: " + string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        db.Agents.Add(new Agent
        {
            Id = account.Id,
            OrganisationId = organisation.Id,
            Email = admin.Email!,
            DisplayName = admin.DisplayName ?? admin.Email!,
            Role = AgentRole.AdminAgent,
        });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
}
