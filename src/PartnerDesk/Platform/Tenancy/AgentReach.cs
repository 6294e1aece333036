using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;
using PartnerDesk.Features.Tickets;

namespace PartnerDesk.Platform.Tenancy;

/// <summary>
/// Whether another agent may work on a ticket (before assigning it, say), answered by the same query
/// filters that guard every read, in a scope that stands in for that agent: the rule is not written twice.
/// </summary>
public sealed class AgentReach(IServiceScopeFactory scopes)
{
    public async Task<bool> SeesTicket(Guid organisationId, Guid agentId, AgentRole role, Guid ticketId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var provider = await db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.Id == organisationId && o.Kind == OrganisationKind.SupportProvider, ct);
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsAgent(organisationId, agentId, role, provider);
        return await db.Tickets.AnyAsync(t => t.Id == ticketId, ct);
    }
}
