using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Escalations;

/// <summary>Rules of following a service request: pure where they can be.</summary>
public static class ServiceRequestRules
{
    public const string MicrosoftAuthor = "Microsoft";

    public static readonly TimeSpan PollEvery = TimeSpan.FromMinutes(2);

    /// <summary>Our state from Partner Center's status; an unknown status keeps the state we had.</summary>
    public static EscalationState StateOf(string? status, EscalationState current) => status switch
    {
        "open" or "none" => current is EscalationState.AttentionNeeded or EscalationState.Queued ? EscalationState.Open : current,
        "attention_needed" => EscalationState.AttentionNeeded,
        "closed" => EscalationState.Closed,
        _ => current,
    };

    /// <summary>Whether Microsoft's first-response target has passed without an answer.</summary>
    public static bool FirstResponseLate(Escalation e, DateTimeOffset now) =>
        e.FirstResponseAt is null && e.FirstResponseDueAt is { } due && now > due && e.State is not (EscalationState.Closed or EscalationState.NeedsAgent);

    public static TicketMessage Note(Escalation e, string body, DateTimeOffset at, string author = MicrosoftAuthor) =>
        TicketMessages.SystemNote(e.OrganisationId, e.CustomerId, e.TicketId, author, body, at);

    /// <summary>The ticket waits on Microsoft no longer once nothing of it does.</summary>
    public static async Task ClearAttention(PartnerDeskDb db, Escalation escalation, CancellationToken ct)
    {
        var ticket = escalation.Ticket ?? await db.Tickets.FirstOrDefaultAsync(t => t.Id == escalation.TicketId, ct);
        if (ticket is not null)
        {
            ticket.AttentionNeeded = await db.Escalations.AnyAsync(
                e => e.TicketId == ticket.Id && e.Id != escalation.Id && e.State == EscalationState.AttentionNeeded, ct);
        }
    }
}
