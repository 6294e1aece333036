using System.Xml;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Graph.Models.ODataErrors;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;
using Graph = Microsoft.Graph.Models;

namespace PartnerDesk.Features.Organisations;

/// <summary>When an organisation's GDAP relationships were last read from Microsoft Graph, and how it went.</summary>
public sealed class GdapSyncState : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public DateTimeOffset LastAttemptAt { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    public string? LastError { get; set; }
}

internal sealed class GdapSyncStateConfiguration : IEntityTypeConfiguration<GdapSyncState>
{
    public void Configure(EntityTypeBuilder<GdapSyncState> b)
    {
        b.HasKey(s => s.OrganisationId);
        b.Property(s => s.LastError).HasMaxLength(1000);
    }
}

/// <param name="Relationships">Relationships with customers of the organisation, now stored.</param>
/// <param name="Added">Relationships, access assignments, groups and group memberships added.</param>
/// <param name="Updated">Of those, changed (status, roles, dates, names).</param>
/// <param name="Removed">Of those, gone from Microsoft and removed.</param>
/// <param name="OtherTenants">Relationships with tenants that are not customers here (not stored).</param>
/// <param name="Conflicts">Relationships, assignments or groups whose id another organisation of this installation holds (not stored).</param>
public sealed record GdapSyncResult(bool Succeeded, string? Error, int Relationships, int Added, int Updated, int Removed, int OtherTenants, int Conflicts = 0)
{
    public static GdapSyncResult Failed(string error) => new(false, error, 0, 0, 0, 0, 0);
}

/// <summary>
/// Reads the organisation's GDAP relationships, their access assignments and the members of the security groups
/// they name from Microsoft Graph (in the partner's own tenant), and makes the stored copy equal to them. The
/// query filters decide from this copy which customers a helpdesk agent reaches, so it is replaced in one save:
/// Microsoft is read completely first, and a failed read changes nothing but the sync state.
/// </summary>
public sealed class GdapSync(GraphClients graph, PartnerCenterConnections connections, TimeProvider clock, ILogger<GdapSync> log)
{
    private static readonly string[] UserFields = ["id", "mail", "userPrincipalName", "proxyAddresses"];

    /// <summary>The partner's own Entra tenant: the one of its Partner Center account (GDAP is read there).</summary>
    public Task<Guid?> PartnerTenantOf(Guid organisationId, CancellationToken ct) => connections.PartnerTenantOf(organisationId, ct);

    /// <summary>Syncs the db caller's organisation.</summary>
    public async Task<GdapSyncResult> Run(PartnerDeskDb db, CancellationToken ct)
    {
        var organisationId = db.Caller.RequireOrganisation();
        if (await PartnerTenantOf(organisationId, ct) is not { } partnerTenant)
        {
            return GdapSyncResult.Failed("Partner Center is not connected (Going live page), so the partner tenant is unknown.");
        }

        // One sync of an organisation at a time on this instance; across instances, the loser's save fails and is recorded.
        var gate = running.GetOrAdd(organisationId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            Snapshot snapshot;
            try
            {
                snapshot = await Read(partnerTenant, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var reason = HealthSync.Describe(e);
                log.LogWarning(e, "GDAP sync of organisation {Organisation} failed: {Reason}", organisationId, reason);
                await Record(db, organisationId, reason, ct);
                return GdapSyncResult.Failed(reason);
            }

            try
            {
                return await Apply(db, organisationId, snapshot, ct);
            }
            catch (DbUpdateException e)
            {
                var reason = $"Microsoft's GDAP could not be stored: {e.InnerException?.Message ?? e.Message}";
                log.LogWarning(e, "GDAP sync of organisation {Organisation} could not be saved", organisationId);
                await Record(db, organisationId, reason, ct);
                return GdapSyncResult.Failed(reason);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, SemaphoreSlim> running = new();

    private sealed record Snapshot(
        List<Graph.DelegatedAdminRelationship> Relationships,
        Dictionary<string, List<Graph.DelegatedAdminAccessAssignment>> Assignments,
        Dictionary<Guid, (string? Name, List<string> Addresses)?> Groups);

    private async Task<Snapshot> Read(Guid partnerTenant, CancellationToken ct)
    {
        var client = graph.For(partnerTenant);
        var relationships = client.TenantRelationships.DelegatedAdminRelationships;
        var all = await GraphPages.All(
            await relationships.GetAsync(cancellationToken: ct), p => p.Value, p => p.OdataNextLink,
            next => relationships.WithUrl(next).GetAsync(cancellationToken: ct));
        var assignments = new Dictionary<string, List<Graph.DelegatedAdminAccessAssignment>>();
        foreach (var relationship in all.Where(r => r.Id is not null))
        {
            var of = relationships[relationship.Id].AccessAssignments;
            assignments[relationship.Id!] = await GraphPages.All(
                await of.GetAsync(cancellationToken: ct), p => p.Value, p => p.OdataNextLink,
                next => of.WithUrl(next).GetAsync(cancellationToken: ct));
        }

        var groups = new Dictionary<Guid, (string? Name, List<string> Addresses)?>();
        foreach (var id in assignments.Values.SelectMany(a => a).Select(a => a.AccessContainer?.AccessContainerId).Distinct())
        {
            if (!Guid.TryParse(id, out var groupId))
            {
                continue;
            }

            try
            {
                var group = client.Groups[groupId.ToString()];
                var name = (await group.GetAsync(r => r.QueryParameters.Select = ["id", "displayName"], ct))?.DisplayName;
                var members = await GraphPages.All(
                    await group.TransitiveMembers.GraphUser.GetAsync(r => r.QueryParameters.Select = UserFields, ct), p => p.Value, p => p.OdataNextLink,
                    next => group.TransitiveMembers.GraphUser.WithUrl(next).GetAsync(cancellationToken: ct));
                groups[groupId] = (name, [.. members.SelectMany(Addresses).Select(a => a.ToLowerInvariant()).Distinct()]);
            }
            catch (ODataError e) when (e.ResponseStatusCode == 404)
            {
                groups[groupId] = null; // deleted in Entra: nobody acts through it any more
            }
        }

        return new Snapshot(all, assignments, groups);
    }

    /// <summary>Every address a member is known by: mail, UPN and its e-mail aliases (proxyAddresses "smtp:…").</summary>
    private static IEnumerable<string> Addresses(Graph.User member) =>
        new[] { member.Mail, member.UserPrincipalName }.OfType<string>()
            .Concat((member.ProxyAddresses ?? []).OfType<string>()
                .Where(p => p.StartsWith("smtp:", StringComparison.OrdinalIgnoreCase)).Select(p => p[5..]));

    private async Task<GdapSyncResult> Apply(PartnerDeskDb db, Guid organisationId, Snapshot snapshot, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var customers = await db.Customers.Select(c => new { c.Id, c.TenantId }).ToDictionaryAsync(c => c.TenantId, c => c.Id, ct);
        var stored = await db.DelegatedAdminRelationships.ToDictionaryAsync(r => r.Id, ct);
        // By id across relationships: an assignment Graph lists under another relationship is moved, not added twice.
        var storedAssignments = await db.DelegatedAdminAccessAssignments.ToDictionaryAsync(a => a.Id, ct);
        var taken = await Unfiltered.GdapIdsOfOthers(
            db, organisationId,
            [.. snapshot.Relationships.Select(r => r.Id).OfType<string>()],
            [.. snapshot.Assignments.Values.SelectMany(a => a).Select(a => a.Id).OfType<string>()],
            [.. snapshot.Groups.Keys], ct);
        var others = 0;
        var conflicts = 0;
        var kept = new HashSet<string>();
        var seen = new HashSet<string>();
        foreach (var source in snapshot.Relationships)
        {
            if (source.Id is not { Length: > 0 and <= 100 } id
                || !Guid.TryParse(source.Customer?.TenantId, out var tenant)
                || !customers.TryGetValue(tenant, out var customerId))
            {
                others++;
                continue;
            }

            if (taken.Contains(id) || !kept.Add(id))
            {
                conflicts++;
                continue;
            }

            if (!stored.TryGetValue(id, out var relationship))
            {
                relationship = new DelegatedAdminRelationship { Id = id, OrganisationId = organisationId, CustomerId = customerId, DisplayName = "", Duration = "", CreatedDateTime = now };
                db.DelegatedAdminRelationships.Add(relationship);
            }

            relationship.CustomerId = customerId;
            relationship.DisplayName = Clip(source.DisplayName ?? id, 50);
            relationship.Status = Map(source.Status?.ToString(), DelegatedAdminRelationshipStatus.UnknownFutureValue);
            relationship.Duration = source.Duration is { } d ? Clip(XmlConvert.ToString(d), 20) : "";
            relationship.CreatedDateTime = Micro(source.CreatedDateTime ?? relationship.CreatedDateTime);
            relationship.ActivatedDateTime = Micro(source.ActivatedDateTime);
            relationship.EndDateTime = Micro(source.EndDateTime);
            relationship.UnifiedRoles = Roles(source.AccessDetails?.UnifiedRoles);

            foreach (var a in snapshot.Assignments.GetValueOrDefault(id) ?? [])
            {
                if (a.Id is not { Length: > 0 and <= 100 } assignmentId || !Guid.TryParse(a.AccessContainer?.AccessContainerId, out var group))
                {
                    continue;
                }

                if (taken.Contains(assignmentId) || !seen.Add(assignmentId))
                {
                    conflicts++;
                    continue;
                }

                if (!storedAssignments.TryGetValue(assignmentId, out var assignment))
                {
                    assignment = new DelegatedAdminAccessAssignment { Id = assignmentId, OrganisationId = organisationId, RelationshipId = id, CreatedDateTime = now, LastModifiedDateTime = now };
                    db.DelegatedAdminAccessAssignments.Add(assignment);
                }

                assignment.RelationshipId = id;
                assignment.CustomerId = customerId;
                assignment.AccessContainerId = group;
                assignment.Status = Map(a.Status?.ToString(), DelegatedAdminAccessAssignmentStatus.UnknownFutureValue);
                assignment.UnifiedRoles = Roles(a.AccessDetails?.UnifiedRoles);
                assignment.CreatedDateTime = Micro(a.CreatedDateTime ?? assignment.CreatedDateTime);
                assignment.LastModifiedDateTime = Micro(a.LastModifiedDateTime ?? assignment.LastModifiedDateTime);
            }
        }

        // Gone from Microsoft: nobody acts through it any more.
        db.DelegatedAdminAccessAssignments.RemoveRange(storedAssignments.Values.Where(a => !seen.Contains(a.Id)));
        db.DelegatedAdminRelationships.RemoveRange(stored.Values.Where(r => !kept.Contains(r.Id)));

        conflicts += await SyncGroups(db, organisationId, snapshot.Groups, taken, ct);

        db.ChangeTracker.DetectChanges();
        var states = db.ChangeTracker.Entries().Select(e => e.State).ToList();
        var result = new GdapSyncResult(
            true, null, kept.Count, states.Count(s => s == EntityState.Added), states.Count(s => s == EntityState.Modified), states.Count(s => s == EntityState.Deleted), others, conflicts);
        var state = await StateOf(db, organisationId, ct);

        state.LastAttemptAt = now;
        state.LastSuccessAt = now;
        state.LastError = null;
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>The groups the assignments name, with the agents who are members (matched by address); other groups are dropped.</summary>
    private static async Task<int> SyncGroups(
        PartnerDeskDb db, Guid organisationId, Dictionary<Guid, (string? Name, List<string> Addresses)?> groups, HashSet<string> taken, CancellationToken ct)
    {
        var conflicts = 0;
        var agents = await db.Agents.Select(a => new { a.Id, a.Email }).ToListAsync(ct);
        var byAddress = agents.GroupBy(a => a.Email.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First().Id);
        var stored = await db.SecurityGroups.ToDictionaryAsync(g => g.Id, ct);
        var members = (await db.SecurityGroupMembers.ToListAsync(ct)).ToLookup(m => m.SecurityGroupId);
        foreach (var (id, source) in groups)
        {
            if (source is not { } group)
            {
                continue;
            }

            if (taken.Contains(id.ToString()))
            {
                conflicts++;
                continue;
            }

            if (!stored.TryGetValue(id, out var entity))
            {
                entity = new SecurityGroup { Id = id, OrganisationId = organisationId, DisplayName = "" };
                db.SecurityGroups.Add(entity);
            }

            entity.DisplayName = Clip(group.Name ?? id.ToString(), 200);
            var wanted = group.Addresses.Select(a => byAddress.TryGetValue(a, out var agent) ? agent : (Guid?)null).OfType<Guid>().ToHashSet();
            var current = members[id].ToList();
            db.SecurityGroupMembers.RemoveRange(current.Where(m => !wanted.Contains(m.AgentId)));
            foreach (var agent in wanted.Where(a => current.All(m => m.AgentId != a)))
            {
                db.SecurityGroupMembers.Add(new SecurityGroupMember { SecurityGroupId = id, AgentId = agent, OrganisationId = organisationId });
            }
        }

        foreach (var gone in stored.Values.Where(g => groups.GetValueOrDefault(g.Id) is null))
        {
            db.SecurityGroupMembers.RemoveRange(members[gone.Id]);
            db.SecurityGroups.Remove(gone);
        }

        return conflicts;
    }

    private static async Task<GdapSyncState> StateOf(PartnerDeskDb db, Guid organisationId, CancellationToken ct)
    {
        if (await db.Set<GdapSyncState>().FirstOrDefaultAsync(ct) is { } state)
        {
            return state;
        }

        state = new GdapSyncState { OrganisationId = organisationId };
        db.Add(state);
        return state;
    }

    private async Task Record(PartnerDeskDb db, Guid organisationId, string error, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var state = await StateOf(db, organisationId, ct);

        state.LastAttemptAt = clock.GetUtcNow();
        state.LastError = Clip(error, 1000);
        await db.SaveChangesAsync(ct);
    }

    private static List<string> Roles(List<Graph.UnifiedRole>? roles) =>
        [.. (roles ?? []).Select(r => r.RoleDefinitionId).OfType<string>().Where(r => r.Length <= 64).Distinct()];

    private static T Map<T>(string? value, T unknown)
        where T : struct, Enum => Enum.TryParse<T>(value, ignoreCase: true, out var parsed) ? parsed : unknown;

    // PostgreSQL keeps microseconds: so are times compared, or every sync would count them as changed.
    private static DateTimeOffset Micro(DateTimeOffset at) => new(at.Ticks - (at.Ticks % 10), at.Offset);

    private static DateTimeOffset? Micro(DateTimeOffset? at) => at is { } a ? Micro(a) : null;

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
