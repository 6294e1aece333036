using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.People;

public sealed record AgentView(
    Guid Id, string DisplayName, string Email, AgentRole Role, bool IsActive, bool TwoFactorEnabled, bool MicrosoftLinked, DateTimeOffset? LastSignInAt);

public sealed record UpdateAgentRequest(string? DisplayName = null, AgentRole? Role = null);

public sealed record SignInSettings(Guid? TenantId, bool RequireMicrosoftSignIn, bool MicrosoftSignInAvailable);

/// <summary>
/// The tenant is never typed in: it is the one the admin proved by linking its own Microsoft account
/// (useMyMicrosoftTenant), so nobody can claim a customer's or another partner's tenant.
/// </summary>
public sealed record UpdateSignInSettings(bool? UseMyMicrosoftTenant = null, bool? RequireMicrosoftSignIn = null);

/// <summary>
/// The organisation's agents, as its admins manage them: roles, deactivation (every session and token ends
/// at once), reactivation, a reset of two-factor. An organisation always keeps one active admin.
/// </summary>
public sealed class Staff(UserManager<UserAccount> users, TimeProvider clock)
{
    public static Task<List<AgentView>> List(PartnerDeskDb db, CancellationToken ct) => List(db, Sorts.Default, ct);

    /// <summary>An agent with its account, as the list sorts it (the account's last sign-in is a column too).</summary>
    public sealed class StaffRow
    {
        public required Agent Agent { get; init; }
        public UserAccount? Account { get; init; }
    }

    /// <summary>The console's orders of the people list (an organisation's agents: no pages).</summary>
    public static readonly Platform.Ui.ListSort<StaffRow> Sorts = new Platform.Ui.ListSort<StaffRow>(new("name", false), r => r.Agent.Id)
        .By("name", r => r.Agent.DisplayName).By("email", r => r.Agent.Email).By("role", r => r.Agent.Role)
        .By("state", r => r.Agent.IsActive).By("signed-in", r => r.Account!.LastSignInAt);

    public static Task<List<AgentView>> List(PartnerDeskDb db, Platform.Ui.ListOrder order, CancellationToken ct) =>
        Sorts.Apply(
                from a in db.Agents.AsNoTracking()
                join u in db.Users.AsNoTracking() on a.Id equals u.Id into accounts
                from u in accounts.DefaultIfEmpty()
                select new StaffRow { Agent = a, Account = u },
                order)
            .Select(r => new AgentView(
                r.Agent.Id, r.Agent.DisplayName, r.Agent.Email, r.Agent.Role, r.Agent.IsActive, r.Account != null && r.Account.TwoFactorEnabled,
                r.Account != null && r.Account.EntraObjectId != null, r.Account == null ? null : r.Account.LastSignInAt))
            .ToListAsync(ct);

    public static async Task<AgentView?> One(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        (await List(db, ct)).FirstOrDefault(a => a.Id == id);

    /// <summary>Checked here, not only by the API's policy: an open console page of an admin demoted meanwhile must not act.</summary>
    private static bool IsAdmin(PartnerDeskDb db) => db.Caller.AgentRole == AgentRole.AdminAgent;

    public async Task<Outcome<AgentView>> Update(PartnerDeskDb db, Guid id, UpdateAgentRequest request, CancellationToken ct)
    {
        if (!IsAdmin(db))
        {
            return Outcome<AgentView>.Missing;
        }

        var errors = new FieldErrors().MaxLength("displayName", request.DisplayName, 200).Defined("role", request.Role);
        if (request.DisplayName is not null && string.IsNullOrWhiteSpace(request.DisplayName))
        {
            errors.Add("displayName", "A name cannot be empty.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (agent is null)
        {
            return Outcome<AgentView>.Missing;
        }

        if (request.Role is { } role && role != agent.Role)
        {
            if (agent.Role == AgentRole.AdminAgent && agent.IsActive && await LastAdmin(db, agent.Id, ct))
            {
                return Outcome<AgentView>.Conflict("This is the organisation's last active admin; make another agent an admin first.");
            }

            if (agent.Role == AgentRole.AdminAgent)
            {
                await WithdrawInvitationsBy(db, id, ct); // a former admin's open invitations (perhaps of admins) go with the role
            }

            agent.Role = role;
            await NewStamp(db, id, ct); // the new role applies at the next request, not after the cookie's next refresh
        }

        if (request.DisplayName is { } name)
        {
            agent.DisplayName = name.Trim();
        }

        await db.SaveChangesAsync(ct);
        return (await One(db, id, ct))!;
    }

    public async Task<Outcome<AgentView>> SetActive(PartnerDeskDb db, Guid id, bool active, CancellationToken ct)
    {
        if (!IsAdmin(db))
        {
            return Outcome<AgentView>.Missing;
        }

        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (agent is null)
        {
            return Outcome<AgentView>.Missing;
        }

        if (!active && agent.IsActive && agent.Role == AgentRole.AdminAgent && await LastAdmin(db, agent.Id, ct))
        {
            return Outcome<AgentView>.Conflict("This is the organisation's last active admin; make another agent an admin first.");
        }

        if (agent.IsActive != active)
        {
            agent.IsActive = active;
            if (!active)
            {
                await EndSessions(db, id, clock.GetUtcNow(), ct);
                await WithdrawInvitationsBy(db, id, ct);
            }

            await db.SaveChangesAsync(ct);
        }

        return (await One(db, id, ct))!;
    }

    /// <summary>Forgets the Microsoft account linked to an agent (a recreated user, a wrong link); its sessions end.</summary>
    public async Task<Outcome<AgentView>> Unlink(PartnerDeskDb db, Guid id, CancellationToken ct)
    {
        if (!IsAdmin(db) || !await db.Agents.AnyAsync(a => a.Id == id, ct))
        {
            return Outcome<AgentView>.Missing;
        }

        await UnlinkAccount(db, id, clock.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        return (await One(db, id, ct))!;
    }

    internal static async Task UnlinkAccount(PartnerDeskDb db, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct) is { } account)
        {
            account.EntraTenantId = null;
            account.EntraObjectId = null;
        }

        await EndSessions(db, userId, now, ct);
    }

    private static async Task WithdrawInvitationsBy(PartnerDeskDb db, Guid agentId, CancellationToken ct)
    {
        var now = db.Now;
        foreach (var open in await db.Invitations.Where(i => i.InvitedById == agentId && i.AcceptedAt == null && i.RevokedAt == null).ToListAsync(ct))
        {
            open.RevokedAt = now;
        }
    }

    public async Task<Outcome<AgentView>> ResetTwoFactor(PartnerDeskDb db, Guid id, CancellationToken ct)
    {
        if (!IsAdmin(db) || !await db.Agents.AnyAsync(a => a.Id == id, ct) || await users.FindByIdAsync(id.ToString()) is not { } account)
        {
            return Outcome<AgentView>.Missing;
        }

        // The agent sets up a new authenticator at its next sign-in; its sessions end, as with a lost phone they should.
        await users.SetTwoFactorEnabledAsync(account, false);
        await users.ResetAuthenticatorKeyAsync(account);
        return (await One(db, id, ct))!;
    }

    public static async Task<SignInSettings> Settings(PartnerDeskDb db, bool available, CancellationToken ct)
    {
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(ct);
        return new SignInSettings(organisation.TenantId, organisation.RequireMicrosoftSignIn, available);
    }

    public static async Task<Outcome<SignInSettings>> UpdateSettings(PartnerDeskDb db, UpdateSignInSettings request, bool available, CancellationToken ct)
    {
        if (!IsAdmin(db))
        {
            return Outcome<SignInSettings>.Missing;
        }

        var organisation = await db.Organisations.FirstAsync(ct);
        var me = db.Caller.UserId;
        var mine = await db.Users.AsNoTracking().Where(u => u.Id == me).Select(u => new { u.EntraTenantId, u.EntraObjectId }).FirstAsync(ct);
        var tenant = organisation.TenantId;
        if (request.UseMyMicrosoftTenant == true)
        {
            if (mine.EntraTenantId is not { } proven)
            {
                return new FieldErrors().Add("useMyMicrosoftTenant", "Link your Microsoft work account first (your account page), so that PartnerDesk knows your tenant.");
            }

            if (proven != organisation.TenantId && await PeopleTenants.TenantTaken(db, proven, organisation.Id, ct))
            {
                return Outcome<SignInSettings>.Conflict("Your Microsoft account's tenant is another organisation's or a customer's here.");
            }

            tenant = proven;
        }

        var require = request.RequireMicrosoftSignIn ?? organisation.RequireMicrosoftSignIn;
        if (require && !organisation.RequireMicrosoftSignIn)
        {
            if (!available)
            {
                return new FieldErrors().Add("requireMicrosoftSignIn", "Sign in with Microsoft is not set up for this installation (PartnerDesk:Microsoft:ClientId).");
            }

            if (tenant is null || mine.EntraTenantId != tenant || mine.EntraObjectId is null)
            {
                // Otherwise an admin could lock everyone out, itself included.
                return new FieldErrors().Add("requireMicrosoftSignIn", "Sign in with Microsoft once yourself, with an account of your organisation's tenant, before you require it.");
            }
        }

        if (require && !organisation.RequireMicrosoftSignIn)
        {
            // Password sessions and session tokens of the other agents end now; they come back through Microsoft.
            foreach (var other in await db.Agents.Where(a => a.Id != me).Select(a => a.Id).ToListAsync(ct))
            {
                await NewStamp(db, other, ct);
            }

            var now = db.Now;
            foreach (var token in await db.ApiTokens.Where(t => t.UserId != me && t.Kind == ApiTokenKind.Session && t.RevokedAt == null
                                                                 && db.Set<Agent>().Any(a => a.Id == t.UserId)).ToListAsync(ct))
            {
                token.RevokedAt = now;
            }
        }

        organisation.TenantId = tenant;
        organisation.RequireMicrosoftSignIn = require;
        await db.SaveChangesAsync(ct);
        return new SignInSettings(organisation.TenantId, organisation.RequireMicrosoftSignIn, available);
    }

    private static async Task<bool> LastAdmin(PartnerDeskDb db, Guid agentId, CancellationToken ct) =>
        !await db.Agents.AnyAsync(a => a.Id != agentId && a.IsActive && a.Role == AgentRole.AdminAgent, ct);

    /// <summary>Every cookie session (security stamp) and every token of the account stop working with this save.</summary>
    internal static async Task EndSessions(PartnerDeskDb db, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        await NewStamp(db, userId, ct);
        foreach (var token in await db.ApiTokens.Where(t => t.UserId == userId && t.RevokedAt == null).ToListAsync(ct))
        {
            token.RevokedAt = now;
        }
    }

    /// <summary>A new security stamp: every cookie session of the account ends at its next request.</summary>
    internal static async Task NewStamp(PartnerDeskDb db, Guid userId, CancellationToken ct)
    {
        if (await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct) is { } account)
        {
            account.SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        }
    }
}

public static class PeopleTenants
{
    /// <summary>A tenant names one organisation for sign-in; it cannot be another organisation's, nor a customer's of this one.</summary>
    public static async Task<bool> TenantTaken(PartnerDeskDb db, Guid tenant, Guid organisationId, CancellationToken ct) =>
        await Unfiltered.OrganisationOfTenant(db, tenant, ct) is { } other && other.Id != organisationId
        || (await Unfiltered.CustomersOfTenant(db, tenant, ct)).Count > 0;
}
