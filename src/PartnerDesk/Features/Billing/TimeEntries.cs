using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Billing;

public sealed record TimeEntryRequest(int? Minutes, bool? Billable = null, string? Note = null, DateOnly? WorkedOn = null, bool? ByProvider = null);

public sealed record TimeEntryView(
    Guid Id, Guid TicketId, Guid AgentId, string AgentName, int Minutes, bool Billable, bool ByProvider, string? Note, DateOnly WorkedOn,
    DateTimeOffset? RunningSince, bool Billed, DateTimeOffset CreatedAt);

/// <summary>Time on tickets: logged afterwards, or by a timer the agent starts and stops (one running timer per agent).</summary>
public static class TimeEntries
{
    public const int MaxMinutes = 24 * 60;

    public static RouteGroupBuilder MapTimeEntryEndpoints(this RouteGroupBuilder api)
    {
        var onTicket = api.MapGroup("/tickets/{ticketId:guid}").WithTags("Billing").RequireAuthorization(Policies.Agent);
        onTicket.MapGet("/time-entries", async (Guid ticketId, PartnerDeskDb db, CancellationToken ct) =>
            (await List(db, ticketId, ct)).ToResult(TypedResults.Ok))
            .ProducesProblem(404).WithSummary("Time logged on a ticket, oldest first.");
        onTicket.MapPost("/time-entries", async (Guid ticketId, TimeEntryRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
            (await Log(db, ticketId, request, clock.GetUtcNow(), ct)).ToResult(e => TypedResults.Created($"/api/v1/tickets/{ticketId}/time-entries", e)))
            .AddEndpointFilter<IdempotencyFilter>().ProducesProblem(404)
            .WithSummary("Logs minutes (1 to 1440) on a ticket: billable or not, by the provider or not, for a day not yet billed.");
        onTicket.MapPost("/timer/start", async (Guid ticketId, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
            (await StartTimer(db, ticketId, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .ProducesProblem(404).WithSummary("Starts the caller's timer on the ticket; a timer running elsewhere stops first.");
        onTicket.MapPost("/timer/stop", async (Guid ticketId, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
            (await StopTimer(db, ticketId, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .ProducesProblem(404).WithSummary("Stops the caller's timer on the ticket and logs the minutes it ran.");
        api.MapDelete("/time-entries/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            (await Delete(db, id, ct)).ToResult(_ => TypedResults.NoContent()))
            .RequireAuthorization(Policies.Agent).WithTags("Billing").ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Removes a time entry not yet billed: the agent's own, or any as an admin.");
        return api;
    }

    public static async Task<Outcome<IReadOnlyList<TimeEntryView>>> List(PartnerDeskDb db, Guid ticketId, CancellationToken ct)
    {
        if (!await db.Tickets.AnyAsync(t => t.Id == ticketId, ct))
        {
            return Outcome<IReadOnlyList<TimeEntryView>>.Missing;
        }

        return await db.TimeEntries.AsNoTracking().Where(e => e.TicketId == ticketId).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id)
            .Select(e => new TimeEntryView(e.Id, e.TicketId, e.AgentId, e.AgentName, e.Minutes, e.Billable, e.ByProvider, e.Note, e.WorkedOn, e.RunningSince, e.StatementId != null, e.CreatedAt))
            .ToListAsync(ct);
    }

    public static async Task<Outcome<TimeEntryView>> Log(PartnerDeskDb db, Guid ticketId, TimeEntryRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => new { t.Id, t.OrganisationId, t.CustomerId, t.PlanId }).FirstOrDefaultAsync(ct);
        if (ticket is null)
        {
            return Outcome<TimeEntryView>.Missing;
        }

        var errors = new FieldErrors().MaxLength("note", request.Note, 1000);
        if (request.Minutes is not (> 0 and <= MaxMinutes))
        {
            errors.Add("minutes", $"Log 1 to {MaxMinutes} minutes.");
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var workedOn = request.WorkedOn ?? today;
        if (workedOn > today)
        {
            errors.Add("workedOn", "Time is logged for today or a day before.");
        }

        if (request.ByProvider == true && !await ResoldOrOutsourced(db, ticket.PlanId, ct))
        {
            errors.Add("byProvider", "Only tickets under a resold, outsourced or mixed plan have provider time.");
        }

        if (errors.Any)
        {
            return errors;
        }

        // The check and the write in one turn with closing the month: else a month closing in between
        // would leave this time outside its statement, unbilled for ever.
        // (An Idempotency-Key's transaction may be running already: then the turn is held until it commits.)
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await BillingTurn.Take(db, ticket.CustomerId, ct);
        if (await Billed(db, ticket.CustomerId, workedOn, ct))
        {
            return Outcome<TimeEntryView>.Conflict(MonthClosed(workedOn));
        }

        var caller = db.Caller;
        var entry = new TimeEntry
        {
            OrganisationId = ticket.OrganisationId,
            CustomerId = ticket.CustomerId,
            TicketId = ticket.Id,
            AgentId = caller.UserId,
            AgentName = caller.DisplayName,
            Minutes = request.Minutes!.Value,
            Billable = request.Billable ?? true,
            ByProvider = request.ByProvider ?? false,
            Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
            WorkedOn = workedOn,
            CreatedAt = now,
        };
        db.TimeEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        return View(entry);
    }

    /// <summary>Why time for this day is refused: the month is closed.</summary>
    public static string MonthClosed(DateOnly day) => $"The month is closed: the statement of {day:yyyy-MM} is closed, so no time can be logged for that month.";

    public static async Task<Outcome<TimeEntryView>> StartTimer(PartnerDeskDb db, Guid ticketId, DateTimeOffset now, CancellationToken ct)
    {
        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => new { t.Id, t.OrganisationId, t.CustomerId }).FirstOrDefaultAsync(ct);
        if (ticket is null)
        {
            return Outcome<TimeEntryView>.Missing;
        }

        var caller = db.Caller;
        // The agent's running timer, wherever it runs (not only on tickets it still reaches).
        var running = await Unfiltered.RunningTimer(db, caller.UserId, ct);
        if (running?.TicketId == ticketId)
        {
            return View(running);
        }

        if (running is not null)
        {
            Stop(running, now);
        }

        var entry = new TimeEntry
        {
            OrganisationId = ticket.OrganisationId,
            CustomerId = ticket.CustomerId,
            TicketId = ticket.Id,
            AgentId = caller.UserId,
            AgentName = caller.DisplayName,
            WorkedOn = DateOnly.FromDateTime(now.UtcDateTime),
            RunningSince = now,
            CreatedAt = now,
        };
        db.TimeEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        return View(entry);
    }

    public static async Task<Outcome<TimeEntryView>> StopTimer(PartnerDeskDb db, Guid ticketId, DateTimeOffset now, CancellationToken ct)
    {
        var userId = db.Caller.UserId;
        var running = await db.TimeEntries.FirstOrDefaultAsync(e => e.TicketId == ticketId && e.AgentId == userId && e.RunningSince != null, ct);
        if (running is null)
        {
            return new FieldErrors().Add("timer", "No timer of yours runs on this ticket.");
        }

        Stop(running, now);
        await db.SaveChangesAsync(ct);
        return View(running);
    }

    /// <summary>Whole minutes, at least one, at most a day; counted for the day the timer stops (an open month).</summary>
    private static void Stop(TimeEntry entry, DateTimeOffset now)
    {
        var minutes = (int)Math.Ceiling((now - entry.RunningSince!.Value).TotalMinutes);
        entry.Minutes = Math.Clamp(minutes, 1, MaxMinutes);
        entry.WorkedOn = DateOnly.FromDateTime(now.UtcDateTime);
        entry.RunningSince = null;
    }

    public static async Task<Outcome<bool>> Delete(PartnerDeskDb db, Guid id, CancellationToken ct)
    {
        var caller = db.Caller;
        var customerId = await db.TimeEntries.Where(e => e.Id == id).Select(e => (Guid?)e.CustomerId).FirstOrDefaultAsync(ct);
        if (customerId is null)
        {
            return Outcome<bool>.Missing;
        }

        // In turn with closing the month: time a closing statement has counted is not removed under it.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await BillingTurn.Take(db, customerId.Value, ct);
        var entry = await db.TimeEntries.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (entry is null || (entry.AgentId != caller.UserId && caller.AgentRole != AgentRole.AdminAgent))
        {
            return Outcome<bool>.Missing;
        }

        if (entry.StatementId is not null)
        {
            return Outcome<bool>.Conflict("This time is billed on a closed statement and stays as it is.");
        }

        db.TimeEntries.Remove(entry);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>Whether the customer's statement for the month of <paramref name="day"/> is closed.</summary>
    public static Task<bool> Billed(PartnerDeskDb db, Guid customerId, DateOnly day, CancellationToken ct)
    {
        var month = new DateOnly(day.Year, day.Month, 1);
        return db.Statements.AnyAsync(s => s.CustomerId == customerId && s.Month == month, ct);
    }

    private static async Task<bool> ResoldOrOutsourced(PartnerDeskDb db, Guid? planId, CancellationToken ct) =>
        planId is { } id && await db.SupportPlans.AnyAsync(p => p.Id == id && p.Delivery != SupportDelivery.Direct, ct);

    private static TimeEntryView View(TimeEntry e) =>
        new(e.Id, e.TicketId, e.AgentId, e.AgentName, e.Minutes, e.Billable, e.ByProvider, e.Note, e.WorkedOn, e.RunningSince, e.StatementId != null, e.CreatedAt);
}
