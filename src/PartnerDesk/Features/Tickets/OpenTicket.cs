using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

/// <summary>What a channel knows of a ticket it opens (the portal and API, phone, mail, a reseller, a partner, the demo world).</summary>
public sealed record TicketDraft(Guid OrganisationId, Guid CustomerId, string Title, string Description, TicketKind Kind, Severity Severity, Channel Channel)
{
    public string? Service { get; init; }
    public Guid? RequesterContactId { get; init; }

    /// <summary>The person who filed it; empty for what PartnerDesk opens by itself (mail, hand-overs).</summary>
    public Guid CreatedByUserId { get; init; }

    /// <summary>New, unless the demo world seeds a ticket further along.</summary>
    public TicketStatus Status { get; init; } = TicketStatus.New;
}

/// <summary>
/// The one way a ticket is opened, whatever the channel: the ticket and its first history line, then its number
/// and one commit. What follows (known issues, SLA, routing, mail, the live feed) are the save steps
/// (<c>Composition.cs</c>).
/// </summary>
public static class OpenTicket
{
    /// <summary>The new ticket and its "Created" line, saying through which channel (and from where) it came.</summary>
    public static (Ticket Ticket, TicketEvent Created) Build(TicketDraft draft, Guid actorId, string actorName, string via, DateTimeOffset at)
    {
        var ticket = new Ticket
        {
            OrganisationId = draft.OrganisationId,
            CustomerId = draft.CustomerId,
            Title = draft.Title.Length > TicketLimits.Title ? draft.Title[..TicketLimits.Title] : draft.Title,
            Description = draft.Description,
            Kind = draft.Kind,
            Severity = draft.Severity,
            Status = draft.Status,
            Service = string.IsNullOrWhiteSpace(draft.Service) ? null : draft.Service.Trim(),
            Channel = draft.Channel,
            RequesterContactId = draft.RequesterContactId,
            CreatedByUserId = draft.CreatedByUserId,
            CreatedAt = at,
            UpdatedAt = at,
        };
        return (ticket, TicketHistory.Event(ticket.OrganisationId, ticket.CustomerId, ticket.Id, actorId, actorName, "Created", null, via, at));
    }

    /// <summary>Opens the ticket: builds it, numbers it and saves it with what other features keep beside it, in one commit.</summary>
    /// <param name="alongside">Rows of another feature saved with the new ticket (a link to the partner's ticket, a subscription change).</param>
    public static async Task<Ticket> Save(
        PartnerDeskDb db, TicketDraft draft, Guid actorId, string actorName, string via, DateTimeOffset at, Func<Ticket, IEnumerable<object>>? alongside, CancellationToken ct)
    {
        var (ticket, created) = Build(draft, actorId, actorName, via, at);
        await TicketNumbers.SaveNew(db, ticket, [created, .. alongside?.Invoke(ticket) ?? []], ct);
        return ticket;
    }
}
