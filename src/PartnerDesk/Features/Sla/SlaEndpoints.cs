using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Sla;

public sealed record SlaBreachView(long Id, Guid TicketId, string TicketNumber, Guid CustomerId, SlaTargets Target, Severity Severity, DateTimeOffset DueAt, DateTimeOffset NoticedAt);

/// <summary>Missed SLA targets, for agents.</summary>
public static class SlaEndpoints
{
    public static RouteGroupBuilder MapSlaEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/sla-breaches", Breaches).RequireAuthorization(Policies.Agent).WithTags("Plans").WithSummary("Missed SLA targets (newest 500), by customer and due time.");
        return api;
    }

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<List<SlaBreachView>>> Breaches(Guid? customerId, DateTimeOffset? from, DateTimeOffset? to, PartnerDeskDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.SlaBreaches.AsNoTracking()
            .Where(b => (customerId == null || b.CustomerId == customerId) && (from == null || b.DueAt >= from) && (to == null || b.DueAt < to))
            .OrderByDescending(b => b.DueAt).Take(500)
            .Join(db.Tickets, b => b.TicketId, t => t.Id, (b, t) => new SlaBreachView(b.Id, b.TicketId, TicketNumber.Format(t.Number), b.CustomerId, b.Target, b.Severity, b.DueAt, b.NoticedAt))
            .ToListAsync(ct));
}
