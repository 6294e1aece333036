using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Organisations;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (the only file of a feature that may: docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>
    /// Of these GDAP ids (relationships, access assignments, security groups; Microsoft's ids, keys across the
    /// installation), those another organisation already holds: a sync must not try to take them. Only the ids
    /// are read, never the rows.
    /// </summary>
    public static async Task<HashSet<string>> GdapIdsOfOthers(
        PartnerDeskDb db, Guid organisationId, IReadOnlyCollection<string> relationships, IReadOnlyCollection<string> assignments, IReadOnlyCollection<Guid> groups, CancellationToken ct)
    {
        var taken = new HashSet<string>(await db.DelegatedAdminRelationships.IgnoreQueryFilters()
            .Where(r => r.OrganisationId != organisationId && relationships.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct));
        taken.UnionWith(await db.DelegatedAdminAccessAssignments.IgnoreQueryFilters()
            .Where(a => a.OrganisationId != organisationId && assignments.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct));
        taken.UnionWith((await db.SecurityGroups.IgnoreQueryFilters()
            .Where(g => g.OrganisationId != organisationId && groups.Contains(g.Id)).Select(g => g.Id).ToListAsync(ct)).Select(g => g.ToString()));
        return taken;
    }

    /// <summary>
    /// Whether a tenant is another organisation's of this installation, or a customer's of any organisation here: then
    /// it cannot become this organisation's own, since a sign-in from it must name one organisation or its customers
    /// (the same rule as for a linked Microsoft account). Only whether, never whose, crosses the boundary.
    /// </summary>
    public static async Task<bool> TenantInUse(PartnerDeskDb db, Guid tenant, Guid organisationId, CancellationToken ct) =>
        await db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.TenantId == tenant && o.Id != organisationId, ct)
        || await db.Customers.IgnoreQueryFilters().AnyAsync(c => c.TenantId == tenant, ct);
}
