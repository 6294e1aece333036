using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.People;

public sealed record InviteRequest(string? Email, InvitationKind? Kind, string? DisplayName = null, AgentRole? Role = null, Guid? CustomerId = null, bool? CustomerAdmin = null);

public sealed record InvitationView(
    Guid Id, InvitationKind Kind, string Email, string? DisplayName, AgentRole? Role, Guid? CustomerId, bool CustomerAdmin,
    string InvitedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? AcceptedAt, DateTimeOffset? RevokedAt, string State);

/// <summary>
/// The invitation, and its link: shown to the inviter once (to pass on by hand when no mailbox is set up) and
/// mailed, when PartnerDesk knows its public address (<see cref="Mailed"/>).
/// </summary>
public sealed record CreatedInvitation(InvitationView Invitation, string Link, bool Mailed = true);

/// <summary>The outbox's letter with the link; the link travels protected, so the database alone opens no invitation.</summary>
public sealed record InvitationMail(Guid InvitationId, string ProtectedLink);

/// <summary>
/// Who may invite whom, and the invitation's life: one open invitation per address in an organisation, a link
/// valid for <see cref="Lifetime"/> and used once, withdrawn or sent anew by the people who could send it.
/// </summary>
public sealed class Invitations(IDataProtectionProvider protection, SiteAddress siteAddress, TimeProvider clock)
{
    public const string MailKind = "invitation-mail";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    private const string Purpose = "PartnerDesk.Invitations.Link";

    public string UnprotectLink(string protectedLink) => protection.CreateProtector(Purpose).Unprotect(protectedLink);

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public async Task<Outcome<CreatedInvitation>> Invite(PartnerDeskDb db, InviteRequest request, string siteAddress, CancellationToken ct)
    {
        var caller = db.Caller;
        var errors = new FieldErrors().Required("email", request.Email, 256).Email("email", request.Email?.Trim()).MaxLength("displayName", request.DisplayName, 200);
        if (request.Kind is null)
        {
            errors.Add("kind", "Say whom you invite: Agent or Contact.");
        }

        errors.Defined("kind", request.Kind).Defined("role", request.Role);
        if (errors.Any)
        {
            return errors;
        }

        if (request.Kind == InvitationKind.Agent)
        {
            if (caller.AgentRole != AgentRole.AdminAgent)
            {
                return new FieldErrors().Add("kind", "Only an admin agent invites agents.");
            }

            if (request.CustomerId is not null || request.CustomerAdmin == true)
            {
                return new FieldErrors().Add("customerId", "An agent belongs to the organisation, not to a customer.");
            }
        }
        else
        {
            if (request.Role is not null)
            {
                errors.Add("role", "A contact has no agent role; make it its customer's admin with customerAdmin.");
            }

            if (request.CustomerId is not { } customerId)
            {
                errors.Add("customerId", "Name the customer the contact belongs to.");
            }
            else if (caller.IsContact && !caller.IsCustomerAdmin)
            {
                errors.Add("customerId", "Only your organisation's admin contacts invite colleagues.");
            }
            else if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
            {
                // The query filters answer: a customer of another organisation, or one outside the agent's GDAP reach, is not found.
                errors.Add("customerId", "No customer with this id is within your reach.");
            }

            if (errors.Any)
            {
                return errors;
            }
        }

        var email = request.Email!.Trim();
        var lower = email.ToLowerInvariant();
        var now = clock.GetUtcNow();
        if (await PeopleAccounts.WithEmail(db, email, ct) is { } account)
        {
            return account.OrganisationId == caller.OrganisationId
                ? Outcome<CreatedInvitation>.Conflict($"{email} already has an account here as {(account.Kind == Platform.Auth.AccountKind.Agent ? "an agent" : "a contact")}.")
                : Outcome<CreatedInvitation>.Conflict($"{email} is already used by a PartnerDesk account of another organisation; invite another address.");
        }

        if (await Unfiltered.OpenInvitationTo(db, caller.RequireOrganisation(), lower, now).Select(i => (DateTimeOffset?)i.CreatedAt).FirstOrDefaultAsync(ct) is { } sent)
        {
            return Outcome<CreatedInvitation>.Conflict($"{email} has an open invitation from {sent:yyyy-MM-dd}; send it again or withdraw it.");
        }

        // An expired one is closed, so that the index of open invitations (one per address) admits the new one.
        await Unfiltered.CloseExpiredInvitationsTo(db, caller.RequireOrganisation(), lower, now, ct);

        var invitation = new Invitation
        {
            OrganisationId = caller.RequireOrganisation(),
            Kind = request.Kind!.Value,
            Email = email,
            EmailLower = lower,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim(),
            Role = request.Kind == InvitationKind.Agent ? request.Role ?? AgentRole.HelpdeskAgent : null,
            CustomerId = request.Kind == InvitationKind.Contact ? request.CustomerId : null,
            CustomerAdmin = request.Kind == InvitationKind.Contact && request.CustomerAdmin == true,
            TokenHash = [],
            InvitedById = caller.UserId,
            InvitedByName = caller.DisplayName,
            CreatedAt = now,
        };
        var (link, mailed) = Issue(db, invitation, siteAddress, now);
        db.Invitations.Add(invitation);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            // Two invitations to one address at the same moment: the unique index of open invitations kept one.
            db.ChangeTracker.Clear();
            return Outcome<CreatedInvitation>.Conflict($"{email} has an open invitation already; send it again or withdraw it.");
        }

        return new CreatedInvitation(View(invitation, now), link, mailed);
    }

    /// <summary>A new link for an open or expired invitation (the old link stops working), mailed again.</summary>
    public async Task<Outcome<CreatedInvitation>> Resend(PartnerDeskDb db, Guid id, string siteAddress, CancellationToken ct)
    {
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (invitation is null || !MayManage(db.Caller, invitation))
        {
            return Outcome<CreatedInvitation>.Missing;
        }

        if (invitation.AcceptedAt is not null || invitation.RevokedAt is not null)
        {
            return Outcome<CreatedInvitation>.Conflict("This invitation was accepted or withdrawn; invite the person again.");
        }

        var now = clock.GetUtcNow();
        var (link, mailed) = Issue(db, invitation, siteAddress, now);
        await db.SaveChangesAsync(ct);
        return new CreatedInvitation(View(invitation, now), link, mailed);
    }

    public async Task<Outcome<InvitationView>> Withdraw(PartnerDeskDb db, Guid id, CancellationToken ct)
    {
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (invitation is null || !MayManage(db.Caller, invitation))
        {
            return Outcome<InvitationView>.Missing;
        }

        var now = clock.GetUtcNow();
        if (invitation.AcceptedAt is not null)
        {
            return Outcome<InvitationView>.Conflict("This invitation was accepted already; deactivate the person instead.");
        }

        invitation.RevokedAt ??= now;
        await db.SaveChangesAsync(ct);
        return View(invitation, now);
    }

    public Task<List<InvitationView>> List(PartnerDeskDb db, Guid? customerId, bool openOnly, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var query = db.Invitations.AsNoTracking();
        query = customerId is { } c ? query.Where(i => i.CustomerId == c) : db.Caller.IsContact ? query : query.Where(i => i.Kind == InvitationKind.Agent);
        if (openOnly)
        {
            query = query.Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now);
        }

        return query.OrderByDescending(i => i.CreatedAt).Take(500).AsAsyncEnumerable().Select(i => View(i, now)).ToListAsync(ct).AsTask();
    }

    /// <summary>Agent invitations are the admins'; contact invitations, anyone's who may invite to that customer.</summary>
    private static bool MayManage(Caller caller, Invitation invitation) =>
        invitation.Kind == InvitationKind.Agent ? caller.AgentRole == AgentRole.AdminAgent : caller.IsAgent || caller.IsCustomerAdmin;

    private (string Link, bool Mailed) Issue(PartnerDeskDb db, Invitation invitation, string requestAddress, DateTimeOffset now)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        invitation.TokenHash = Hash(token);
        invitation.ExpiresAt = now + Lifetime;
        // The inviter sees the link either way; it is mailed only where SiteAddress says a mail may carry it.
        var (site, mail) = siteAddress.ForRequest(requestAddress);
        var link = $"{site}/invite/{token}";
        if (mail)
        {
            var payload = new InvitationMail(invitation.Id, protection.CreateProtector(Purpose).Protect(link));
            db.OutboxMessages.Add(OutboxMessage.New(invitation.OrganisationId, MailKind, payload, invitation.Id, now));
        }

        return (link, mail);
    }

    public static InvitationView View(Invitation i, DateTimeOffset now) => new(
        i.Id, i.Kind, i.Email, i.DisplayName, i.Role, i.CustomerId, i.CustomerAdmin, i.InvitedByName, i.CreatedAt, i.ExpiresAt, i.AcceptedAt, i.RevokedAt,
        i.AcceptedAt is not null ? "Accepted" : i.RevokedAt is not null ? "Withdrawn" : i.ExpiresAt <= now ? "Expired" : "Open");
}
