using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

public sealed record PostMessageRequest(string? Body, MessageVisibility? Visibility = null);

public static class TicketMessages
{
    public static async Task<Outcome<IReadOnlyList<TicketMessageView>>> List(Guid ticketId, PartnerDeskDb db, CancellationToken ct)
    {
        if (!await db.Tickets.AnyAsync(t => t.Id == ticketId, ct))
        {
            return Outcome<IReadOnlyList<TicketMessageView>>.Missing;
        }

        // The query filter leaves internal notes out for contacts.
        var messages = await db.TicketMessages.AsNoTracking().Where(m => m.TicketId == ticketId)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .Select(m => new TicketMessageView(m.Id, m.Body, m.Visibility, m.AuthorUserId, m.AuthorName, m.AuthorIsAgent, m.CreatedAt))
            .ToListAsync(ct);
        return messages;
    }

    /// <summary>A public reply or, for agents, an internal note. Replies move the status the way a helpdesk expects.</summary>
    public static async Task<Outcome<TicketMessageView>> Post(Guid ticketId, PostMessageRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var caller = db.Caller;
        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null)
        {
            return Outcome<TicketMessageView>.Missing;
        }

        var errors = new FieldErrors().Required("body", request.Body, TicketLimits.Body).Defined("visibility", request.Visibility);
        var visibility = request.Visibility ?? MessageVisibility.Public;
        if (caller.IsContact && visibility == MessageVisibility.Internal)
        {
            errors.Add("visibility", "Only agents write internal notes.");
        }

        if (caller.IsContact && ticket.Status == TicketStatus.Closed)
        {
            errors.Add("body", "This ticket is closed; please file a new one.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var now = clock.GetUtcNow();
        var message = new TicketMessage
        {
            OrganisationId = ticket.OrganisationId,
            CustomerId = ticket.CustomerId,
            TicketId = ticket.Id,
            AuthorUserId = caller.UserId,
            AuthorName = caller.DisplayName,
            AuthorIsAgent = caller.IsAgent,
            Body = request.Body!,
            Visibility = visibility,
            CreatedAt = now,
        };
        db.TicketMessages.Add(message);
        db.TicketEvents.Add(TicketHistory.Event(ticket, caller, visibility == MessageVisibility.Public ? "Reply" : "InternalNote", null, null, now));

        var newStatus = NextStatus(ticket.Status, caller.IsAgent, visibility);
        if (newStatus != ticket.Status)
        {
            db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Status", ticket.Status.ToString(), newStatus.ToString(), now));
            ticket.Status = newStatus;
            ticket.ResolvedAt = newStatus is TicketStatus.Resolved or TicketStatus.Closed ? ticket.ResolvedAt : null;
        }

        ticket.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome<TicketMessageView>.Conflict(UpdateTicket.TicketConflict);
        }

        return new TicketMessageView(message.Id, message.Body, message.Visibility, message.AuthorUserId, message.AuthorName, message.AuthorIsAgent, now);
    }

    /// <summary>An internal note written by PartnerDesk itself or on behalf of someone outside (Microsoft, a provider).</summary>
    public static TicketMessage SystemNote(Guid organisationId, Guid customerId, Guid ticketId, string author, string body, DateTimeOffset at) => new()
    {
        OrganisationId = organisationId,
        CustomerId = customerId,
        TicketId = ticketId,
        AuthorUserId = Guid.Empty,
        AuthorName = author,
        AuthorIsAgent = true,
        Body = body.Length > TicketLimits.Body ? body[..TicketLimits.Body] : body,
        Visibility = MessageVisibility.Internal,
        CreatedAt = at,
    };

    /// <summary>
    /// An agent's first public reply opens a new ticket; a customer's reply brings a ticket that waits
    /// on the customer, or a resolved one, back to the agents. Internal notes move nothing.
    /// </summary>
    public static TicketStatus NextStatus(TicketStatus current, bool byAgent, MessageVisibility visibility) =>
        (visibility, byAgent, current) switch
        {
            (MessageVisibility.Internal, _, _) => current,
            (_, true, TicketStatus.New) => TicketStatus.Open,
            (_, false, TicketStatus.PendingCustomer or TicketStatus.Resolved) => TicketStatus.Open,
            _ => current,
        };
}
