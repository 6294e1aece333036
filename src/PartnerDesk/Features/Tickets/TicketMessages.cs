using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

public sealed record PostMessageRequest(string? Body, MessageVisibility? Visibility = null);

/// <summary>Who writes a message: a user of PartnerDesk, or someone PartnerDesk writes for (Guid.Empty).</summary>
public sealed record MessageAuthor(Guid UserId, string Name, bool IsAgent);

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
        var message = Add(db, ticket, new MessageAuthor(caller.UserId, caller.DisplayName, caller.IsAgent), request.Body!, visibility, null, null, now);
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

    /// <summary>
    /// Adds a message to a tracked ticket, the one way every writer does it (the API and pages, mail, subscription
    /// decisions): the message, its history line, and the status it moves the ticket to (the one given, or the
    /// helpdesk rule of <see cref="NextStatus"/>). Not saved.
    /// </summary>
    public static TicketMessage Add(
        PartnerDeskDb db, Ticket ticket, MessageAuthor author, string body, MessageVisibility visibility, TicketStatus? status, string? how, DateTimeOffset now)
    {
        var message = new TicketMessage
        {
            OrganisationId = ticket.OrganisationId,
            CustomerId = ticket.CustomerId,
            TicketId = ticket.Id,
            AuthorUserId = author.UserId,
            AuthorName = author.Name,
            AuthorIsAgent = author.IsAgent,
            Body = body,
            Visibility = visibility,
            CreatedAt = now,
        };
        db.TicketMessages.Add(message);
        db.TicketEvents.Add(TicketHistory.Event(
            ticket.OrganisationId, ticket.CustomerId, ticket.Id, author.UserId, author.Name, visibility == MessageVisibility.Public ? "Reply" : "InternalNote", null, how, now));
        var next = status ?? NextStatus(ticket.Status, author.IsAgent, visibility);
        if (next != ticket.Status)
        {
            db.TicketEvents.Add(TicketHistory.Event(ticket.OrganisationId, ticket.CustomerId, ticket.Id, author.UserId, author.Name, "Status", ticket.Status.ToString(), next.ToString(), now));
            ticket.Status = next;
            ticket.ResolvedAt = next is TicketStatus.Resolved or TicketStatus.Closed ? ticket.ResolvedAt ?? now : null;
        }

        ticket.UpdatedAt = now;
        return message;
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
