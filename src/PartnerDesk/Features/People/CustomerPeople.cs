using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.People;

public sealed record ContactView(
    Guid Id, Guid CustomerId, string DisplayName, string Email, bool IsCustomerAdmin, bool IsActive, ContactOrigin Origin,
    bool HasAccount, bool MicrosoftLinked, DateTimeOffset? LastSignInAt);

public sealed record UpdateContactRequest(string? DisplayName = null, bool? IsCustomerAdmin = null, bool? IsActive = null);

public sealed record ContactSignUpRequest(ContactSignUp? ContactSignUp);

/// <summary>
/// A customer's contacts, as the partner's agents who reach the customer manage them, and as the customer's
/// own admins do in the portal (their own customer only: the query filters see to it). A customer keeps one
/// active admin once it has one.
/// </summary>
public static class CustomerPeople
{
    /// <summary>Agents who reach the customer, and the customer's admins; not its other contacts.</summary>
    public static bool MayManage(Caller caller) => caller.IsAgent || caller.IsCustomerAdmin;

    public static async Task<Outcome<List<ContactView>>> List(PartnerDeskDb db, Guid customerId, CancellationToken ct)
    {
        if (!MayManage(db.Caller) || !await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return Outcome<List<ContactView>>.Missing;
        }

        return await Views(db, db.Contacts.Where(c => c.CustomerId == customerId).OrderBy(c => c.DisplayName).Take(2000)).ToListAsync(ct);
    }

    public static async Task<ContactView?> One(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        MayManage(db.Caller) ? await Views(db, db.Contacts.Where(c => c.Id == id)).FirstOrDefaultAsync(ct) : null;

    public static async Task<Outcome<ContactView>> Update(PartnerDeskDb db, Guid id, UpdateContactRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors().MaxLength("displayName", request.DisplayName, 200);
        if (request.DisplayName is not null && string.IsNullOrWhiteSpace(request.DisplayName))
        {
            errors.Add("displayName", "A name cannot be empty.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var contact = MayManage(db.Caller) ? await db.Contacts.FirstOrDefaultAsync(c => c.Id == id, ct) : null;
        if (contact is null)
        {
            return Outcome<ContactView>.Missing;
        }

        var losesAdmin = contact.IsCustomerAdmin && contact.IsActive && (request.IsCustomerAdmin == false || request.IsActive == false);
        if (losesAdmin && db.Caller.IsContact
            && !await db.Contacts.AnyAsync(c => c.CustomerId == contact.CustomerId && c.Id != contact.Id && c.IsActive && c.IsCustomerAdmin, ct))
        {
            // A customer admin cannot leave its customer without one; the partner's agents can always step in.
            return Outcome<ContactView>.Conflict("This is your organisation's last active admin; make a colleague an admin first.");
        }

        if (request.DisplayName is { } name)
        {
            contact.DisplayName = name.Trim();
        }

        if (request.IsCustomerAdmin is { } admin && admin != contact.IsCustomerAdmin)
        {
            contact.IsCustomerAdmin = admin;
            await Staff.NewStamp(db, id, ct);
        }

        if (request.IsActive is { } active && active != contact.IsActive)
        {
            contact.IsActive = active;
            if (!active)
            {
                await Staff.EndSessions(db, id, now, ct);
                var address = contact.Email.ToLowerInvariant();
                foreach (var open in await db.Invitations.Where(i => i.CustomerId == contact.CustomerId && i.EmailLower == address && i.AcceptedAt == null && i.RevokedAt == null).ToListAsync(ct))
                {
                    open.RevokedAt = now; // an open invitation would otherwise bring the person back
                }
            }
        }

        contact.ChangedByHand = true;
        await db.SaveChangesAsync(ct);
        return (await One(db, id, ct))!;
    }

    /// <summary>Forgets the Microsoft account linked to a contact; its sessions end.</summary>
    public static async Task<Outcome<ContactView>> Unlink(PartnerDeskDb db, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        if (!MayManage(db.Caller) || !await db.Contacts.AnyAsync(c => c.Id == id, ct))
        {
            return Outcome<ContactView>.Missing;
        }

        await Staff.UnlinkAccount(db, id, now, ct);
        await db.SaveChangesAsync(ct);
        return (await One(db, id, ct))!;
    }

    public static async Task<Outcome<ContactSignUp>> SetSignUp(PartnerDeskDb db, Guid customerId, ContactSignUpRequest request, CancellationToken ct)
    {
        if (db.Caller.AgentRole != AgentRole.AdminAgent)
        {
            return Outcome<ContactSignUp>.Missing; // the API's policy says so too; an open page of a demoted admin must not
        }

        if (request.ContactSignUp is null || !Enum.IsDefined(request.ContactSignUp.Value))
        {
            return new FieldErrors().Add("contactSignUp", $"Use one of: {string.Join(", ", Enum.GetNames<ContactSignUp>())}.");
        }

        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == customerId, ct);
        if (customer is null)
        {
            return Outcome<ContactSignUp>.Missing;
        }

        customer.ContactSignUp = request.ContactSignUp.Value;
        await db.SaveChangesAsync(ct);
        return customer.ContactSignUp;
    }

    private static IQueryable<ContactView> Views(PartnerDeskDb db, IQueryable<Contact> contacts) =>
        from c in contacts.AsNoTracking()
        join u in db.Users.AsNoTracking() on c.Id equals u.Id into accounts
        from u in accounts.DefaultIfEmpty()
        select new ContactView(c.Id, c.CustomerId, c.DisplayName, c.Email, c.IsCustomerAdmin, c.IsActive, c.Origin,
            u != null, u != null && u.EntraObjectId != null, u == null ? null : u.LastSignInAt);
}
