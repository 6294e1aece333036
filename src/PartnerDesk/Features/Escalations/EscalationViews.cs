namespace PartnerDesk.Features.Escalations;

public sealed record EscalationView(
    Guid Id,
    Guid TicketId,
    string TicketNumber,
    Guid CustomerId,
    EscalationTarget Target,
    EscalationCategory? Category,
    string Title,
    string Severity,
    string? SupportTopicId,
    string? ServiceRequestId,
    string? ServiceRequestStatus,
    EscalationState State,
    string? Problem,
    DateTimeOffset CreatedAt,
    string CreatedByName,
    DateTimeOffset? SentAt,
    DateTimeOffset? FirstResponseDueAt,
    DateTimeOffset? FirstResponseAt,
    bool FirstResponseMissed,
    DateTimeOffset? ClosedAt,
    string? LinkedTicketNumber)
{
    public static EscalationView Of(Escalation e, string ticketNumber) => new(
        e.Id, e.TicketId, ticketNumber, e.CustomerId, e.Target, e.Category, e.Title, e.Severity, e.SupportTopicId, e.ServiceRequestId,
        e.ServiceRequestStatus, e.State, e.Problem, e.CreatedAt, e.CreatedByName, e.SentAt, e.FirstResponseDueAt, e.FirstResponseAt,
        e.FirstResponseMissed, e.ClosedAt, e.LinkedTicketNumber);
}

public sealed record EscalationEventView(long Id, DateTimeOffset At, string Actor, string What, string? Detail);

public sealed record EscalationDetails(EscalationView Escalation, string Description, IReadOnlyList<EscalationEventView> History);

public sealed record SupportTopicView(string Id, string Name, string Description);
