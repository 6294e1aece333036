using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Satisfaction;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (the only file of a feature that may: docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>
    /// The requester a signed rating link names, before anyone is signed in (the signature is the proof): only an
    /// active contact of the organisation the link was made for. Everything after this reads as that contact.
    /// </summary>
    public static Task<Contact?> ContactOfLink(PartnerDeskDb db, Guid organisationId, Guid contactId, CancellationToken ct) =>
        db.Contacts.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(c => c.Id == contactId && c.OrganisationId == organisationId && c.IsActive, ct);
}
