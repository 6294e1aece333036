using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Tickets;

/// <summary>Fields left out stay as they are; <c>unassign: true</c> clears the assignee.</summary>
public sealed record UpdateTicketRequest(TicketStatus? Status = null, Severity? Severity = null, Guid? AssigneeId = null, bool? Unassign = null);

public static class UpdateTicket
{
    /// <summary>Another save (an agent, the SLA sweep) changed the ticket between reading and writing it.</summary>
    public const string TicketConflict = "The ticket changed meanwhile. Nothing was saved; reload and try again.";

    public static async Task<Outcome<TicketDetails>> Handle(
        Guid id, UpdateTicketRequest request, PartnerDeskDb db, AgentReach reach, TimeProvider clock, CancellationToken ct)
    {
        var caller = db.Caller;
        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (ticket is null)
        {
            return Outcome<TicketDetails>.Missing;
        }

        var errors = new FieldErrors().Defined("status", request.Status).Defined("severity", request.Severity);
        if (request.Unassign == true && request.AssigneeId is not null)
        {
            errors.Add("assigneeId", "Give an assigneeId or unassign, not both.");
        }

        if (request.Status == TicketStatus.New && ticket.Status != TicketStatus.New)
        {
            errors.Add("status", "A ticket cannot go back to New.");
        }

        string? assigneeName = null;
        if (request.AssigneeId is { } assigneeId)
        {
            var assignee = await db.Agents.Where(a => a.Id == assigneeId && a.IsActive).Select(a => new { a.DisplayName, a.Role }).FirstOrDefaultAsync(ct);
            assigneeName = assignee?.DisplayName;
            if (assignee is null)
            {
                errors.Add("assigneeId", "No active agent with this id is in your organisation.");
            }
            else if (!await reach.Sees<Ticket>(ticket.OrganisationId, assigneeId, assignee.Role, t => t.Id == ticket.Id, ct))
            {
                errors.Add("assigneeId", "This agent may not work on this ticket (no GDAP access to the customer, or not a ticket for this role).");
            }
        }

        if (errors.Any)
        {
            return errors;
        }

        var now = clock.GetUtcNow();
        var changed = false;
        if (request.Status is { } status && status != ticket.Status)
        {
            db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Status", ticket.Status.ToString(), status.ToString(), now));
            ticket.Status = status;
            ticket.ResolvedAt = status is TicketStatus.Resolved or TicketStatus.Closed ? ticket.ResolvedAt ?? now : null;
            changed = true;
        }

        if (request.Severity is { } severity && severity != ticket.Severity)
        {
            db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Severity", ticket.Severity.ToString(), severity.ToString(), now));
            ticket.Severity = severity;
            changed = true;
        }

        if ((request.AssigneeId is not null || request.Unassign == true) && request.AssigneeId != ticket.AssigneeAgentId)
        {
            var oldName = ticket.AssigneeAgentId is { } oldId
                ? await db.Agents.Where(a => a.Id == oldId).Select(a => a.DisplayName).FirstOrDefaultAsync(ct)
                : null;
            db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Assignee", oldName, assigneeName, now));
            ticket.AssigneeAgentId = request.AssigneeId;
            changed = true;
        }

        if (changed)
        {
            ticket.UpdatedAt = now;
            if (ticket.Status == TicketStatus.New && request.Status is null && ticket.AssigneeAgentId is not null)
            {
                ticket.Status = TicketStatus.Open; // taking a new ticket opens it
                db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Status", nameof(TicketStatus.New), nameof(TicketStatus.Open), now));
            }

            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return Outcome<TicketDetails>.Conflict(TicketConflict);
            }
        }

        return await GetTicket.Handle(id, db, ct);
    }
}
