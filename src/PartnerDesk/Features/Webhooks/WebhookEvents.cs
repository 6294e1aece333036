namespace PartnerDesk.Features.Webhooks;

/// <summary>The events an integration may hear of. The names are part of the API: never rename one.</summary>
public static class WebhookEvents
{
    public const string TicketCreated = "ticket.created";
    public const string TicketUpdated = "ticket.updated";
    public const string TicketResolved = "ticket.resolved";

    /// <summary>A public reply on a ticket; internal notes are never sent.</summary>
    public const string TicketMessage = "ticket.message";
    public const string EscalationUpdated = "escalation.updated";
    public const string SlaWarning = "sla.warning";
    public const string SlaBreached = "sla.breached";
    public const string ServiceHealthIssueUpdated = "servicehealth.issue.updated";

    public static readonly IReadOnlyList<string> All =
        [TicketCreated, TicketUpdated, TicketResolved, TicketMessage, EscalationUpdated, SlaWarning, SlaBreached, ServiceHealthIssueUpdated];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}

/// <summary>What a webhook POST carries: the event's stable id, its type, when it happened, and the API's representation of the thing.</summary>
public sealed record WebhookEnvelope<T>(Guid Id, string Type, DateTimeOffset OccurredAt, T Data);

/// <summary>The data of <c>ticket.message</c>: the ticket and the public reply, as the messages API shows it.</summary>
public sealed record TicketMessageEventData(Guid TicketId, string TicketNumber, Tickets.TicketMessageView Message);

/// <summary>The data of <c>sla.warning</c> and <c>sla.breached</c>: the ticket and the targets that just reached that point.</summary>
public sealed record SlaEventData(IReadOnlyList<string> Targets, Tickets.TicketDetails Ticket);
