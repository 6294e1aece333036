using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Organisations;

/// <summary>
/// The few reads of this feature that must look past the caller's query filters, each narrow and each saying
/// why. Outside Platform/, a file of this name is the only place that may call <c>IgnoreQueryFilters</c> (an
/// architecture test holds every feature to it), so every way around isolation is found by its name.
/// </summary>
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
}
