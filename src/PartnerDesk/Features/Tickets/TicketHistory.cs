using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Tickets;

public static class TicketHistory
{
    public static TicketEvent Event(Ticket ticket, Caller actor, string change, string? oldValue, string? newValue, DateTimeOffset at) =>
        Event(ticket.OrganisationId, ticket.CustomerId, ticket.Id, actor.UserId, actor.DisplayName, change, oldValue, newValue, at);

    /// <summary>For work that knows a ticket by its ids only (background jobs acting on many tickets).</summary>
    public static TicketEvent Event(
        Guid organisationId, Guid customerId, Guid ticketId, Guid actorId, string actorName, string change, string? oldValue, string? newValue, DateTimeOffset at) => new()
        {
            OrganisationId = organisationId,
            CustomerId = customerId,
            TicketId = ticketId,
            ActorUserId = actorId,
            ActorName = actorName,
            Change = change,
            OldValue = Clip(oldValue),
            NewValue = Clip(newValue),
            At = at,
        };

    private static string? Clip(string? value) => value is { Length: > 300 } ? value[..300] : value;

    public static async Task<Outcome<IReadOnlyList<TicketEventView>>> Handle(Guid ticketId, PartnerDeskDb db, CancellationToken ct)
    {
        if (!await db.Tickets.AnyAsync(t => t.Id == ticketId, ct))
        {
            return Outcome<IReadOnlyList<TicketEventView>>.Missing;
        }

        var events = await db.TicketEvents.Where(e => e.TicketId == ticketId)
            .OrderBy(e => e.Id)
            .Select(e => new TicketEventView(e.Id, e.Change, e.OldValue, e.NewValue, e.ActorUserId, e.ActorName, e.At))
            .ToListAsync(ct);
        return events;
    }
}
