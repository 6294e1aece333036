using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.AgentConsole;

/// <summary>One change for several tickets: status, severity, and/or assignee (an agent, the caller, or nobody).</summary>
public sealed record BulkTicketRequest(
    IReadOnlyList<Guid>? TicketIds, TicketStatus? Status = null, Severity? Severity = null, Guid? AssigneeId = null, bool? AssignToMe = null, bool? Unassign = null);

public enum BulkTicketOutcome
{
    Changed,

    /// <summary>No such ticket, or not the caller's to see: the same answer, as for a single ticket.</summary>
    NotFound,

    /// <summary>The rules refused the change for this ticket (the reasons say why); nothing of it was saved.</summary>
    Refused,

    /// <summary>Someone else changed the ticket meanwhile; nothing of it was saved.</summary>
    Conflict,
}

public sealed record BulkTicketResult(Guid TicketId, string? Number, BulkTicketOutcome Outcome, IReadOnlyList<string> Reasons);

public sealed record BulkTicketResponse(int Changed, IReadOnlyList<BulkTicketResult> Results);

/// <summary>
/// The queue's bulk actions. Each ticket goes through <see cref="UpdateTicket"/>, the single change's own rules,
/// history and audit, in its own save: one ticket refused does not hold back the others, and each is reported.
/// </summary>
public static class BulkTicketChange
{
    public static async Task<Outcome<BulkTicketResponse>> Handle(BulkTicketRequest request, PartnerDeskDb db, AgentReach reach, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors().Defined("status", request.Status).Defined("severity", request.Severity);
        var ids = request.TicketIds?.Distinct().ToList() ?? [];
        if (ids.Count == 0)
        {
            errors.Add("ticketIds", "Choose at least one ticket.");
        }
        else if (ids.Count > AgentConsoleLimits.BulkTickets)
        {
            errors.Add("ticketIds", $"Change at most {AgentConsoleLimits.BulkTickets} tickets at once.");
        }

        var assignees = (request.AssigneeId is null ? 0 : 1) + (request.AssignToMe == true ? 1 : 0) + (request.Unassign == true ? 1 : 0);
        if (assignees > 1)
        {
            errors.Add("assigneeId", "Give one of assigneeId, assignToMe or unassign.");
        }

        if (request.Status is null && request.Severity is null && assignees == 0)
        {
            errors.Add("status", "Say what to change: status, severity or assignee.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var change = new UpdateTicketRequest(
            request.Status, request.Severity, request.AssignToMe == true ? db.Caller.UserId : request.AssigneeId, request.Unassign == true ? true : null);
        var results = new List<BulkTicketResult>(ids.Count);
        foreach (var id in ids)
        {
            var outcome = await UpdateTicket.Handle(id, change, db, reach, clock, ct);
            db.ChangeTracker.Clear(); // a refused or conflicting ticket leaves nothing behind for the next one's save
            results.Add(outcome switch
            {
                { NotFound: true } => new BulkTicketResult(id, null, BulkTicketOutcome.NotFound, ["This ticket does not exist or is not yours to see."]),
                { Errors: { } e } => new BulkTicketResult(id, await NumberOf(db, id, ct), BulkTicketOutcome.Refused, e.Messages.ToList()),
                { ConflictDetail: { } detail } => new BulkTicketResult(id, await NumberOf(db, id, ct), BulkTicketOutcome.Conflict, [detail]),
                _ => new BulkTicketResult(id, outcome.Value!.Number, BulkTicketOutcome.Changed, []),
            });
        }

        return new BulkTicketResponse(results.Count(r => r.Outcome == BulkTicketOutcome.Changed), results);
    }

    private static async Task<string?> NumberOf(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        await db.Tickets.Where(t => t.Id == id).Select(t => (long?)t.Number).FirstOrDefaultAsync(ct) is { } number ? TicketNumber.Format(number) : null;
}
