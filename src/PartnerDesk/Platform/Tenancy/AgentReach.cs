using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Platform.Tenancy;

/// <summary>
/// Whether another agent may see something (a ticket, before assigning it), answered by the same query
/// filters that guard every read, in a scope that stands in for that agent: the rule is not written twice.
/// </summary>
public sealed class AgentReach(IServiceScopeFactory scopes)
{
    public async Task<bool> Sees<T>(Guid organisationId, Guid agentId, AgentRole role, Expression<Func<T, bool>> what, CancellationToken ct)
        where T : class
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var provider = await db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.Id == organisationId && o.Kind == OrganisationKind.SupportProvider, ct);
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsAgent(organisationId, agentId, role, provider);
        return await db.Set<T>().AnyAsync(what, ct);
    }
}
