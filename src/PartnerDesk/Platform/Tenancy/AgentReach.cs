using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Platform.Data;

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
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsAgent(organisationId, agentId, role);
        return await scope.ServiceProvider.GetRequiredService<PartnerDeskDb>().Tickets.AnyAsync(t => t.Id == ticketId, ct);
    }
}
