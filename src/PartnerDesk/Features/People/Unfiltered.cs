using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

// Addresses compare case-insensitively; EF translates ToLower() to SQL lower(), where culture plays no part.
#pragma warning disable CA1304, CA1311, CA1862

namespace PartnerDesk.Features.People;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (the only file of a feature that may: docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>
    /// An open invitation to an address anywhere in the organisation: one per address, even when the inviter
    /// cannot reach the customer the other invitation is for.
    /// </summary>
    public static IQueryable<Invitation> OpenInvitationTo(PartnerDeskDb db, Guid organisationId, string emailLower, DateTimeOffset now) =>
        db.Invitations.IgnoreQueryFilters()
            .Where(i => i.OrganisationId == organisationId && i.EmailLower == emailLower && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now);

    public static Task<int> CloseExpiredInvitationsTo(PartnerDeskDb db, Guid organisationId, string emailLower, DateTimeOffset now, CancellationToken ct) =>
        db.Invitations.IgnoreQueryFilters()
            .Where(i => i.OrganisationId == organisationId && i.EmailLower == emailLower && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt <= now)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.RevokedAt, now), ct);

    /// <summary>The invitation a link names: read before anyone is signed in (its hash is the proof).</summary>
    public static Task<Invitation?> InvitationByToken(PartnerDeskDb db, byte[] tokenHash, CancellationToken ct) =>
        db.Invitations.IgnoreQueryFilters().FirstOrDefaultAsync(i => i.TokenHash == tokenHash, ct);

    /// <summary>Marks an invitation accepted unless it was meanwhile: accepting is anonymous, its link the proof.</summary>
    public static async Task<bool> TakeInvitation(PartnerDeskDb db, Guid id, Guid userId, DateTimeOffset now, CancellationToken ct) =>
        await db.Invitations.IgnoreQueryFilters().Where(i => i.Id == id && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedUserId, userId), ct) == 1;

    /// <summary>The organisation whose own Entra tenant this is: a Microsoft sign-in arrives before anyone is known.</summary>
    public static Task<Organisation?> OrganisationOfTenant(PartnerDeskDb db, Guid tenantId, CancellationToken ct) =>
        db.Organisations.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(o => o.TenantId == tenantId, ct);

    public static Task<Organisation?> Organisation(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        db.Organisations.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);

    /// <summary>Customers, of any organisation, whose tenant this is: a customer's user signing in with Microsoft names them by tid.</summary>
    public static Task<List<Customer>> CustomersOfTenant(PartnerDeskDb db, Guid tenantId, CancellationToken ct) =>
        db.Customers.IgnoreQueryFilters().AsNoTracking().Where(c => c.TenantId == tenantId).OrderBy(c => c.CreatedAt).ToListAsync(ct);

    public static Task<Customer?> Customer(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        db.Customers.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);

    public static Task<Agent?> Agent(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        db.Agents.IgnoreQueryFilters().FirstOrDefaultAsync(a => a.Id == id, ct);

    public static Task<Contact?> Contact(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        db.Contacts.IgnoreQueryFilters().FirstOrDefaultAsync(c => c.Id == id, ct);

    /// <summary>An agent of the organisation by address, before sign-in links its Microsoft account.</summary>
    public static Task<Agent?> AgentByEmail(PartnerDeskDb db, Guid organisationId, IReadOnlyCollection<string> emailsLower, CancellationToken ct) =>
        db.Agents.IgnoreQueryFilters().FirstOrDefaultAsync(a => a.OrganisationId == organisationId && emailsLower.Contains(a.Email.ToLower()), ct);

    /// <summary>Contacts of these customers by directory object id (an import) or address, before sign-in links their Microsoft account.</summary>
    public static Task<List<Contact>> ContactsOf(PartnerDeskDb db, IReadOnlyCollection<Guid> customerIds, Guid? objectId, IReadOnlyCollection<string> emailsLower, CancellationToken ct) =>
        db.Contacts.IgnoreQueryFilters()
            .Where(c => customerIds.Contains(c.CustomerId) && ((objectId != null && c.DirectoryObjectId == objectId) || emailsLower.Contains(c.Email.ToLower())))
            .ToListAsync(ct);

    /// <summary>The language an organisation gives its new contacts (read where a contact is made before anyone of it is signed in).</summary>
    public static Task<string> LanguageOf(PartnerDeskDb db, Guid organisationId, CancellationToken ct) =>
        db.Organisations.IgnoreQueryFilters().Where(o => o.Id == organisationId).Select(o => o.Language).FirstAsync(ct);
}
