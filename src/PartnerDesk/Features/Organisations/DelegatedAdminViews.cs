using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Organisations;

// Graph's shapes (delegatedAdminRelationship, delegatedAdminAccessAssignment), with Graph's camelCase enum values.
public sealed record UnifiedRole(string RoleDefinitionId);

public sealed record DelegatedAdminAccessDetails(IReadOnlyList<UnifiedRole> UnifiedRoles);

public sealed record DelegatedAdminRelationshipCustomer(Guid TenantId, string DisplayName);

public sealed record DelegatedAdminAccessContainer(Guid AccessContainerId, string AccessContainerType = "securityGroup");

public sealed record DelegatedAdminAccessAssignmentView(
    string Id, string Status, DelegatedAdminAccessContainer AccessContainer, DelegatedAdminAccessDetails AccessDetails,
    DateTimeOffset CreatedDateTime, DateTimeOffset LastModifiedDateTime);

public sealed record DelegatedAdminRelationshipView(
    string Id,
    string DisplayName,
    string Status,
    string Duration,
    DateTimeOffset CreatedDateTime,
    DateTimeOffset? ActivatedDateTime,
    DateTimeOffset? EndDateTime,
    DelegatedAdminRelationshipCustomer Customer,
    DelegatedAdminAccessDetails AccessDetails,
    IReadOnlyList<DelegatedAdminAccessAssignmentView> AccessAssignments,
    bool ExpiresSoon);

public static class DelegatedAdminViews
{
    /// <summary>An active relationship that ends within this window is flagged, so that it is renewed in time.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    public static bool ExpiresSoon(DelegatedAdminRelationshipStatus status, DateTimeOffset? end, DateTimeOffset now) =>
        status is DelegatedAdminRelationshipStatus.Active or DelegatedAdminRelationshipStatus.Expiring
        && end is { } e && e - now <= ExpiryWarning;

    /// <summary>The GDAP relationships with the customers the caller reaches (or with one of them).</summary>
    public static Task<List<DelegatedAdminRelationshipView>> ForCustomers(PartnerDeskDb db, Guid? customerId, TimeProvider clock, CancellationToken ct) =>
        Of(db.Customers.Where(c => customerId == null || c.Id == customerId), db, clock, ct);

    /// <summary>
    /// The GDAP relationships with these customers, among those the caller reaches: a page of the customers list reads its
    /// own customers' relationships, not every relationship of a partner with thousands of customers.
    /// </summary>
    public static Task<List<DelegatedAdminRelationshipView>> ForCustomers(PartnerDeskDb db, IReadOnlyCollection<Guid> customerIds, TimeProvider clock, CancellationToken ct) =>
        Of(db.Customers.Where(c => customerIds.Contains(c.Id)), db, clock, ct);

    private static async Task<List<DelegatedAdminRelationshipView>> Of(IQueryable<Customer> customers, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var relationships = await db.DelegatedAdminRelationships.AsNoTracking()
            .Join(customers, r => r.CustomerId, c => c.Id, (r, c) => new { Relationship = r, c.TenantId, c.Name })
            .OrderBy(x => x.Name).ThenBy(x => x.Relationship.DisplayName)
            .ToListAsync(ct);
        var ids = relationships.Select(r => r.Relationship.Id).ToList();
        var assignments = (await db.DelegatedAdminAccessAssignments.AsNoTracking().Where(a => ids.Contains(a.RelationshipId)).ToListAsync(ct))
            .ToLookup(a => a.RelationshipId);
        var now = clock.GetUtcNow();
        return relationships.Select(x => new DelegatedAdminRelationshipView(
            x.Relationship.Id,
            x.Relationship.DisplayName,
            GraphName(x.Relationship.Status),
            x.Relationship.Duration,
            x.Relationship.CreatedDateTime,
            x.Relationship.ActivatedDateTime,
            x.Relationship.EndDateTime,
            new DelegatedAdminRelationshipCustomer(x.TenantId, x.Name),
            Roles(x.Relationship.UnifiedRoles),
            assignments[x.Relationship.Id].Select(a => new DelegatedAdminAccessAssignmentView(
                a.Id, GraphName(a.Status), new DelegatedAdminAccessContainer(a.AccessContainerId), Roles(a.UnifiedRoles),
                a.CreatedDateTime, a.LastModifiedDateTime)).ToList(),
            ExpiresSoon(x.Relationship.Status, x.Relationship.EndDateTime, now))).ToList();
    }

    private static DelegatedAdminAccessDetails Roles(List<string> ids) => new([.. ids.Select(id => new UnifiedRole(id))]);

    private static string GraphName<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
