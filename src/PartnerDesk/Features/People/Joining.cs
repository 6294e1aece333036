using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.People;

/// <summary>
/// Who a validated Microsoft id token names: its tenant (tid), object id (oid) and addresses. A guest (B2B)
/// of a tenant signs in with that tenant's issuer too, but is someone else's member (its idp differs).
/// </summary>
public sealed record MicrosoftIdentity(Guid TenantId, Guid ObjectId, string? UserPrincipalName, string? Email, string? Name, bool EmailVerified = false, bool IsGuest = false)
{
    /// <summary>
    /// The addresses a person of the tenant goes by, lower case: its UPN (a verified domain of the tenant), and its
    /// mail only where Entra ID says the domain is verified (xms_edov): mail is an attribute anyone allowed to edit
    /// users can set to any address.
    /// </summary>
    public IReadOnlyCollection<string> Addresses =>
        new[] { UserPrincipalName, EmailVerified ? Email : null }.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a!.Trim().ToLowerInvariant()).Distinct().ToArray();

    /// <summary>The address a new contact gets: the verified mail, else the UPN.</summary>
    public string? Address => EmailVerified && !string.IsNullOrWhiteSpace(Email) ? Email.Trim() : UserPrincipalName?.Trim();

    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? UserPrincipalName ?? Email ?? ObjectId.ToString() : Name.Trim();
}

/// <summary>Why a sign-in or an acceptance was refused; the page says it in the person's language, and nothing was created.</summary>
public enum Refusal
{
    UnknownTenant,
    NotAnAgent,
    AgentDisabled,
    NotAContact,
    ContactDisabled,
    LinkedToAnother,
    InvitationUnknown,
    InvitationUsed,
    InvitationExpired,
    InvitationWithdrawn,
    InvitationOtherTenant,
    EmailTaken,
    Guest,
    InvitationNeedsMicrosoft,
}

public sealed record AcceptRequest(string? DisplayName, string? Password);

/// <summary>The person a sign-in or an accepted invitation resolved to, or why not.</summary>
public sealed record Joined(UserAccount? Account, Refusal? Refusal)
{
    public static Joined As(UserAccount account) => new(account, null);

    public static Joined Refused(Refusal why) => new(null, why);
}

public static class PeopleAccounts
{
    public static Task<UserAccount?> WithEmail(PartnerDeskDb db, string email, CancellationToken ct)
    {
        var normalized = email.Trim().ToUpperInvariant(); // Identity's UpperInvariantLookupNormalizer
        return db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
    }

    public static UserAccount New(Guid id, Guid organisationId, AccountKind kind, string email, MicrosoftIdentity? microsoft, DateTimeOffset now) => new()
    {
        Id = id,
        OrganisationId = organisationId,
        Kind = kind,
        UserName = email,
        Email = email,
        EmailConfirmed = true,
        EntraTenantId = microsoft?.TenantId,
        EntraObjectId = microsoft?.ObjectId,
        LastSignInAt = microsoft is null ? null : now,
    };
}

/// <summary>
/// Who a Microsoft sign-in is. The token's tenant decides the side: the organisation's own tenant names its
/// agents, a customer's tenant its contacts. A person already linked is found by tenant and object id; the
/// first time, by UPN or mail within that tenant (a tenant's admin owns its users' addresses, and the tenant
/// was checked against the token's issuer), and the object id is kept from then on. A customer's user who
/// is no contact yet becomes one where the organisation allows anyone of the tenant.
/// </summary>
public sealed class MicrosoftSignIn(UserManager<UserAccount> users, TimeProvider clock)
{
    public async Task<Joined> Resolve(PartnerDeskDb db, MicrosoftIdentity who, CancellationToken ct)
    {
        try
        {
            return await ResolveOnce(db, who, ct);
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            // A unique index said no: the same Microsoft account or address was linked a moment ago by another request.
            db.ChangeTracker.Clear();
            return Joined.Refused(People.Refusal.LinkedToAnother);
        }
    }

    private async Task<Joined> ResolveOnce(PartnerDeskDb db, MicrosoftIdentity who, CancellationToken ct)
    {
        if (who.IsGuest)
        {
            return Joined.Refused(People.Refusal.Guest);
        }

        var now = clock.GetUtcNow();
        var linked = await db.Users.FirstOrDefaultAsync(u => u.EntraTenantId == who.TenantId && u.EntraObjectId == who.ObjectId, ct);
        if (linked is not null)
        {
            var refusal = await Refusal(db, linked, who.TenantId, ct);
            if (refusal is not null)
            {
                return Joined.Refused(refusal.Value);
            }

            linked.LastSignInAt = now;
            await db.SaveChangesAsync(ct);
            return Joined.As(linked);
        }

        if (await Unfiltered.OrganisationOfTenant(db, who.TenantId, ct) is { } organisation)
        {
            var agent = await Unfiltered.AgentByEmail(db, organisation.Id, who.Addresses, ct);
            if (agent is null)
            {
                return Joined.Refused(People.Refusal.NotAnAgent);
            }

            return agent.IsActive ? await Link(db, agent.Id, who, now, ct) : Joined.Refused(People.Refusal.AgentDisabled);
        }

        var customers = await Unfiltered.CustomersOfTenant(db, who.TenantId, ct);
        if (customers.Count == 0)
        {
            return Joined.Refused(People.Refusal.UnknownTenant);
        }

        var contacts = await Unfiltered.ContactsOf(db, [.. customers.Select(c => c.Id)], who.ObjectId, who.Addresses, ct);
        if (contacts.Count > 0)
        {
            // The contact the import tied to this user first; then the oldest customer's, when a tenant is served
            // by two organisations of this installation.
            var contact = contacts
                .OrderByDescending(c => c.DirectoryObjectId == who.ObjectId)
                .ThenBy(c => customers.FindIndex(x => x.Id == c.CustomerId))
                .First(c => c.IsActive || contacts.All(x => !x.IsActive));
            if (!contact.IsActive)
            {
                return Joined.Refused(People.Refusal.ContactDisabled);
            }

            if (contact.DirectoryObjectId is { } known && known != who.ObjectId)
            {
                // The address is another user's of the tenant (the import tied it to that one): an admin decides.
                return Joined.Refused(People.Refusal.LinkedToAnother);
            }

            contact.DirectoryObjectId = who.ObjectId;
            return await Link(db, contact.Id, who, now, ct, contact);
        }

        var open = customers.FirstOrDefault(c => c.ContactSignUp == ContactSignUp.AnyoneInTenant);
        if (open is null)
        {
            return Joined.Refused(People.Refusal.NotAContact);
        }

        var email = who.Address;
        if (email is null || await PeopleAccounts.WithEmail(db, email, ct) is not null)
        {
            return Joined.Refused(People.Refusal.EmailTaken);
        }

        var id = Guid.CreateVersion7();
        var account = PeopleAccounts.New(id, open.OrganisationId, AccountKind.Contact, email, who, now);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Contacts.Add(new Contact
        {
            Id = id,
            OrganisationId = open.OrganisationId,
            CustomerId = open.Id,
            DisplayName = Trim(who.DisplayName, 200),
            Email = email,
            Origin = ContactOrigin.SignedIn,
            DirectoryObjectId = who.ObjectId,
            Language = await Unfiltered.LanguageOf(db, open.OrganisationId, ct),
        });
        var created = await users.CreateAsync(account);
        if (!created.Succeeded)
        {
            return Joined.Refused(People.Refusal.EmailTaken);
        }

        await transaction.CommitAsync(ct);
        return Joined.As(account);
    }

    /// <summary>
    /// A signed-in person links its Microsoft account (from its account page): an agent's must be of the
    /// organisation's tenant, or, while the organisation names none yet, of a tenant nobody here uses; that is
    /// how an admin proves the organisation's tenant. A contact's must be of its customer's tenant.
    /// </summary>
    public async Task<Refusal?> LinkSignedIn(PartnerDeskDb db, Guid userId, MicrosoftIdentity who, CancellationToken ct)
    {
        if (who.IsGuest)
        {
            return People.Refusal.Guest;
        }

        var account = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (account is null)
        {
            return People.Refusal.NotAnAgent;
        }

        if (await db.Users.AnyAsync(u => u.Id != userId && u.EntraTenantId == who.TenantId && u.EntraObjectId == who.ObjectId, ct))
        {
            return People.Refusal.LinkedToAnother;
        }

        if (account.Kind == AccountKind.Agent)
        {
            var organisation = await Unfiltered.Organisation(db, account.OrganisationId, ct);
            // While the organisation names no tenant, only an admin links (that is how it names one).
            var fits = organisation?.TenantId is { } own
                ? own == who.TenantId
                : (await Unfiltered.Agent(db, userId, ct))?.Role == AgentRole.AdminAgent
                  && !await PeopleTenants.TenantTaken(db, who.TenantId, account.OrganisationId, ct);
            if (!fits)
            {
                return People.Refusal.InvitationOtherTenant;
            }
        }
        else if (await Unfiltered.Contact(db, userId, ct) is not { } contact
                 || (await Unfiltered.Customer(db, contact.CustomerId, ct))?.TenantId != who.TenantId)
        {
            return People.Refusal.InvitationOtherTenant;
        }

        account.EntraTenantId = who.TenantId;
        account.EntraObjectId = who.ObjectId;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            return People.Refusal.LinkedToAnother; // linked to someone else a moment ago
        }

        return null;
    }

    /// <summary>Links the Microsoft account to a person's account, creating the account when the person had none (a contact from e-mail).</summary>
    private async Task<Joined> Link(PartnerDeskDb db, Guid personId, MicrosoftIdentity who, DateTimeOffset now, CancellationToken ct, Contact? contact = null)
    {
        var account = await db.Users.FirstOrDefaultAsync(u => u.Id == personId, ct);
        if (account is null && contact is not null)
        {
            if (await PeopleAccounts.WithEmail(db, contact.Email, ct) is not null)
            {
                return Joined.Refused(People.Refusal.EmailTaken);
            }

            account = PeopleAccounts.New(contact.Id, contact.OrganisationId, AccountKind.Contact, contact.Email, who, now);
            var created = await users.CreateAsync(account); // saves the contact's object id with it
            return created.Succeeded ? Joined.As(account) : Joined.Refused(People.Refusal.EmailTaken);
        }

        if (account is null)
        {
            return Joined.Refused(People.Refusal.NotAnAgent);
        }

        if (account.EntraObjectId is not null && (account.EntraObjectId != who.ObjectId || account.EntraTenantId != who.TenantId))
        {
            // Another Microsoft account of the tenant holds this person already (a renamed or recreated user): an admin decides.
            return Joined.Refused(People.Refusal.LinkedToAnother);
        }

        account.EntraTenantId = who.TenantId;
        account.EntraObjectId = who.ObjectId;
        account.LastSignInAt = now;
        await db.SaveChangesAsync(ct);
        return Joined.As(account);
    }

    /// <summary>
    /// A linked account still has to be of the right tenant: the organisation's own for an agent (a link made
    /// before the organisation named its tenant does not skip that tenant's MFA), the customer's for a contact.
    /// </summary>
    private static async Task<Refusal?> Refusal(PartnerDeskDb db, UserAccount account, Guid tenant, CancellationToken ct)
    {
        if (account.Kind == AccountKind.Agent)
        {
            var agent = await Unfiltered.Agent(db, account.Id, ct);
            if (agent is null)
            {
                return People.Refusal.NotAnAgent;
            }

            if ((await Unfiltered.Organisation(db, agent.OrganisationId, ct))?.TenantId is { } own && own != tenant)
            {
                return People.Refusal.InvitationOtherTenant;
            }

            return agent.IsActive ? null : People.Refusal.AgentDisabled;
        }

        var contact = await Unfiltered.Contact(db, account.Id, ct);
        if (contact is null)
        {
            return People.Refusal.NotAContact;
        }

        if ((await Unfiltered.Customer(db, contact.CustomerId, ct))?.TenantId != tenant)
        {
            return People.Refusal.InvitationOtherTenant;
        }

        return contact.IsActive ? null : People.Refusal.ContactDisabled;
    }

    internal static string Trim(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>
/// Accepting an invitation: with a password, or with a Microsoft account of the right tenant (the
/// organisation's own for an agent, the customer's for a contact). The person, its account and the
/// invitation's acceptance are saved together, or not at all.
/// </summary>
public sealed class InvitationAcceptance(UserManager<UserAccount> users, TimeProvider clock)
{
    /// <param name="MicrosoftOnly">An agent's invitation where the organisation requires Sign in with Microsoft.</param>
    public sealed record Found(Invitation Invitation, string OrganisationName, string? CustomerName, bool MicrosoftOnly);

    /// <summary>The invitation a link names, if it may still be accepted.</summary>
    public async Task<(Found? Found, Refusal? Refusal)> Read(PartnerDeskDb db, string token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return (null, Refusal.InvitationUnknown);
        }

        var invitation = await Unfiltered.InvitationByToken(db, Invitations.Hash(token), ct);
        if (invitation is null)
        {
            return (null, Refusal.InvitationUnknown);
        }

        if (invitation.AcceptedAt is not null)
        {
            return (null, Refusal.InvitationUsed);
        }

        if (invitation.RevokedAt is not null)
        {
            return (null, Refusal.InvitationWithdrawn);
        }

        if (invitation.ExpiresAt <= clock.GetUtcNow())
        {
            return (null, Refusal.InvitationExpired);
        }

        var organisation = await Unfiltered.Organisation(db, invitation.OrganisationId, ct);
        var customer = invitation.CustomerId is { } id ? await Unfiltered.Customer(db, id, ct) : null;
        return (new Found(invitation, organisation?.Name ?? "", customer?.Name, invitation.Kind == InvitationKind.Agent && organisation?.RequireMicrosoftSignIn == true), null);
    }

    public async Task<Outcome<UserAccount>> Accept(PartnerDeskDb db, string token, AcceptRequest request, MicrosoftIdentity? microsoft, CancellationToken ct)
    {
        var (found, refusal) = await Read(db, token, ct);
        if (found is null)
        {
            return Outcome<UserAccount>.Conflict(RefusalTexts.English(refusal!.Value));
        }

        var invitation = found.Invitation;
        var errors = new FieldErrors().MaxLength("displayName", request.DisplayName, 200);
        if (microsoft is null)
        {
            errors.Required("password", request.Password, 256);
        }

        if (errors.Any)
        {
            return errors;
        }

        var organisation = await Unfiltered.Organisation(db, invitation.OrganisationId, ct);
        if (microsoft is null && invitation.Kind == InvitationKind.Agent && organisation?.RequireMicrosoftSignIn == true)
        {
            return Outcome<UserAccount>.Conflict(RefusalTexts.English(Refusal.InvitationNeedsMicrosoft));
        }

        if (microsoft is not null)
        {
            var tenant = invitation.Kind == InvitationKind.Agent
                ? organisation?.TenantId
                : (await Unfiltered.Customer(db, invitation.CustomerId!.Value, ct))?.TenantId;
            if (microsoft.IsGuest)
            {
                return Outcome<UserAccount>.Conflict(RefusalTexts.English(Refusal.Guest));
            }

            if (tenant != microsoft.TenantId)
            {
                return Outcome<UserAccount>.Conflict(RefusalTexts.English(Refusal.InvitationOtherTenant));
            }

            if (!microsoft.Addresses.Contains(invitation.EmailLower))
            {
                // The link was forwarded, or someone else picked their account on this browser: the invitation is personal.
                return Outcome<UserAccount>.Conflict(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                    "This invitation is for {0}, but you signed in with Microsoft as {1}. Sign in with the invited account.", invitation.Email, microsoft.UserPrincipalName));
            }

            if (await db.Users.AnyAsync(u => u.EntraTenantId == microsoft.TenantId && u.EntraObjectId == microsoft.ObjectId, ct))
            {
                return Outcome<UserAccount>.Conflict(RefusalTexts.English(Refusal.LinkedToAnother));
            }
        }

        if (await PeopleAccounts.WithEmail(db, invitation.Email, ct) is not null)
        {
            return Outcome<UserAccount>.Conflict(RefusalTexts.English(Refusal.EmailTaken));
        }

        var now = clock.GetUtcNow();
        var name = MicrosoftSignIn.Trim(
            !string.IsNullOrWhiteSpace(request.DisplayName) ? request.DisplayName.Trim() : invitation.DisplayName ?? microsoft?.DisplayName ?? invitation.Email, 200);

        // A contact who wrote in by mail before being invited exists already, without an account: it keeps its tickets.
        // One deactivated by hand stays so: an open invitation does not undo that.
        var existing = invitation.Kind == InvitationKind.Contact
            ? (await Unfiltered.ContactsOf(db, [invitation.CustomerId!.Value], null, [invitation.EmailLower], ct)).FirstOrDefault()
            : null;
        if (existing is { IsActive: false })
        {
            return Outcome<UserAccount>.Conflict(RefusalTexts.English(Refusal.ContactDisabled));
        }
        var id = existing?.Id ?? Guid.CreateVersion7();
        var account = PeopleAccounts.New(id, invitation.OrganisationId, invitation.Kind == InvitationKind.Agent ? AccountKind.Agent : AccountKind.Contact, invitation.Email, microsoft, now);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (invitation.Kind == InvitationKind.Agent)
        {
            db.Agents.Add(new Agent { Id = id, OrganisationId = invitation.OrganisationId, DisplayName = name, Email = invitation.Email, Role = invitation.Role ?? AgentRole.HelpdeskAgent });
        }
        else if (existing is null)
        {
            db.Contacts.Add(new Contact
            {
                Id = id,
                OrganisationId = invitation.OrganisationId,
                CustomerId = invitation.CustomerId!.Value,
                DisplayName = name,
                Email = invitation.Email,
                IsCustomerAdmin = invitation.CustomerAdmin,
                Origin = ContactOrigin.Invited,
                DirectoryObjectId = microsoft?.ObjectId,
                Language = await Unfiltered.LanguageOf(db, invitation.OrganisationId, ct),
            });
        }
        else
        {
            existing.DisplayName = name;
            existing.IsCustomerAdmin |= invitation.CustomerAdmin;
            existing.DirectoryObjectId ??= microsoft?.ObjectId;
        }

        // Taken once: of two acceptances at the same moment, one finds it accepted already (a row lock on PostgreSQL,
        // the write gate on SQLite), and nothing of it is kept.
        if (!await Unfiltered.TakeInvitation(db, invitation.Id, id, now, ct))
        {
            db.ChangeTracker.Clear();
            return Outcome<UserAccount>.Conflict(RefusalTexts.English(Refusal.InvitationUsed));
        }

        db.Entry(invitation).State = EntityState.Detached;
        IdentityResult created;
        try
        {
            created = microsoft is null ? await users.CreateAsync(account, request.Password!) : await users.CreateAsync(account);
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            db.ChangeTracker.Clear();
            return Outcome<UserAccount>.Conflict(RefusalTexts.English(Refusal.EmailTaken));
        }

        if (!created.Succeeded)
        {
            // Nothing is kept: the transaction is rolled back when it is disposed uncommitted.
            db.ChangeTracker.Clear();
            var failed = new FieldErrors();
            foreach (var error in created.Errors)
            {
                failed.Add(error.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "email", error.Description);
            }

            return failed;
        }

        await transaction.CommitAsync(ct);
        return account;
    }
}
