namespace PartnerDesk.Features.Tickets;

public sealed record TicketSummary(
    Guid Id,
    string Number,
    string Title,
    TicketKind Kind,
    Severity Severity,
    TicketStatus Status,
    Channel Channel,
    string? Service,
    Guid CustomerId,
    string CustomerName,
    Guid? RequesterId,
    string? RequesterName,
    Guid? AssigneeId,
    string? AssigneeName,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    SlaState SlaState = SlaState.None,
    DateTimeOffset? SlaDueAt = null,
    TicketSnippet? Snippet = null);

/// <summary>A ticket's SLA as agents and contacts see it: the state, each target's due time (null when met, paused or not set) and what was missed.</summary>
public sealed record TicketSlaView(
    SlaState State,
    DateTimeOffset? DueAt,
    DateTimeOffset? FirstResponseDueAt,
    DateTimeOffset? NextResponseDueAt,
    DateTimeOffset? ResolutionDueAt,
    DateTimeOffset? FirstRespondedAt,
    SlaTargets Breached,
    Guid? PlanId)
{
    public static TicketSlaView Of(Ticket t) =>
        new(t.SlaState, t.SlaDueAt, t.FirstResponseDueAt, t.NextResponseDueAt, t.ResolutionDueAt, t.FirstRespondedAt, t.SlaBreached, t.PlanId);
}

public sealed record TicketDetails(
    Guid Id,
    string Number,
    string Title,
    string Description,
    TicketKind Kind,
    Severity Severity,
    TicketStatus Status,
    Channel Channel,
    string? Service,
    Guid CustomerId,
    string CustomerName,
    Guid? RequesterId,
    string? RequesterName,
    Guid? AssigneeId,
    string? AssigneeName,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ResolvedAt,
    TicketSlaView? Sla = null)
{
    /// <summary>A ticket in hand (being saved), as the API shows it: what a webhook sends of it.</summary>
    public static TicketDetails Of(Ticket t, string customerName, string? requesterName, string? assigneeName) => new(
        t.Id, TicketNumber.Format(t.Number), t.Title, t.Description, t.Kind, t.Severity, t.Status, t.Channel, t.Service, t.CustomerId, customerName,
        t.RequesterContactId, requesterName, t.AssigneeAgentId, assigneeName, t.CreatedAt, t.UpdatedAt, t.ResolvedAt, TicketSlaView.Of(t));
}

public sealed record TicketMessageView(
    Guid Id,
    string Body,
    MessageVisibility Visibility,
    Guid AuthorId,
    string AuthorName,
    bool AuthorIsAgent,
    DateTimeOffset CreatedAt);

public sealed record TicketEventView(
    long Id,
    string Change,
    string? OldValue,
    string? NewValue,
    Guid ActorId,
    string ActorName,
    DateTimeOffset At);

/// <summary>Ticket numbers people read: PD-12.</summary>
public static class TicketNumber
{
    public const string Prefix = "PD-";

    public static string Format(long number) => Prefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out long number)
    {
        number = 0;
        if (text is null)
        {
            return false;
        }

        var digits = text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? text[Prefix.Length..] : text;
        return long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number) && number > 0;
    }
}

internal static class TicketProjections
{
    public static IQueryable<TicketSummary> ToSummaries(this IQueryable<Ticket> tickets) =>
        tickets.Select(t => new TicketSummary(
            t.Id,
            TicketNumber.Format(t.Number),
            t.Title,
            t.Kind,
            t.Severity,
            t.Status,
            t.Channel,
            t.Service,
            t.CustomerId,
            t.Customer!.Name,
            t.RequesterContactId,
            t.Requester == null ? null : t.Requester.DisplayName,
            t.AssigneeAgentId,
            t.Assignee == null ? null : t.Assignee.DisplayName,
            t.CreatedAt,
            t.UpdatedAt,
            t.SlaState,
            t.SlaDueAt));

    public static IQueryable<TicketDetails> ToDetails(this IQueryable<Ticket> tickets) => tickets.Select(Details);

    /// <summary>The details of a ticket, as a projection a compiled query can use.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<Ticket, TicketDetails>> Details =
        t => new TicketDetails(
            t.Id,
            TicketNumber.Format(t.Number),
            t.Title,
            t.Description,
            t.Kind,
            t.Severity,
            t.Status,
            t.Channel,
            t.Service,
            t.CustomerId,
            t.Customer!.Name,
            t.RequesterContactId,
            t.Requester == null ? null : t.Requester.DisplayName,
            t.AssigneeAgentId,
            t.Assignee == null ? null : t.Assignee.DisplayName,
            t.CreatedAt,
            t.UpdatedAt,
            t.ResolvedAt,
            new TicketSlaView(t.SlaState, t.SlaDueAt, t.FirstResponseDueAt, t.NextResponseDueAt, t.ResolutionDueAt, t.FirstRespondedAt, t.SlaBreached, t.PlanId));
}
