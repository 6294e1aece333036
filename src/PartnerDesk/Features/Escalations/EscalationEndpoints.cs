using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Escalations;

public sealed record EscalationListQuery(EscalationState? Status, Guid? TicketId, string? Cursor, int? Limit);

public sealed record EscalationNoteRequest(string? Text);

public static class EscalationEndpoints
{
    public static RouteGroupBuilder MapEscalationEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/tickets/{id:guid}/escalations", async (Guid id, EscalateRequest request, PartnerDeskDb db, TimeProvider clock, OutboxDispatcher outbox, CancellationToken ct) =>
            {
                var outcome = await EscalateTicket.Handle(id, request, db, clock, ct);
                if (outcome.Succeeded)
                {
                    outbox.Nudge();
                }

                return outcome.ToResult(e => TypedResults.Created($"/api/v1/escalations/{e.Id}", e));
            })
            .RequireAuthorization(Policies.Agent).AddEndpointFilter<IdempotencyFilter>().WithTags("Escalations")
            .Produces<EscalationView>(201).ProducesProblem(404)
            .WithSummary("Hands a ticket to Microsoft (a Partner Center service request, one of the five categories) or, for an indirect reseller, to its provider. Accepts an Idempotency-Key header.");
        api.MapGet("/tickets/{id:guid}/escalations/draft", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
                (await EscalateTicket.Draft(id, db, ct)).ToResult(d => TypedResults.Ok(d)))
            .RequireAuthorization(Policies.Agent).WithTags("Escalations").Produces<EscalationDraft>().ProducesProblem(404)
            .WithSummary("The escalation form pre-filled from the ticket and its known issues.");

        var escalations = api.MapGroup("/escalations").WithTags("Escalations").RequireAuthorization(Policies.Agent);
        escalations.MapGet("/", (
                [Microsoft.AspNetCore.Http.AsParameters] EscalationListQuery query, PartnerDeskDb db, CancellationToken ct) => List(query, db, ct))
            .Produces<Page<EscalationView>>().WithSummary("Escalations of the caller's customers, newest first, cursor-paged; status filters by state.");
        escalations.MapGet("/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) => (await Details(id, db, ct)).ToResult(d => TypedResults.Ok(d)))
            .Produces<EscalationDetails>().ProducesProblem(404).WithSummary("An escalation with its own history.");
        escalations.MapPost("/{id:guid}/notes", async (Guid id, EscalationNoteRequest request, PartnerDeskDb db, TimeProvider clock, OutboxDispatcher outbox, CancellationToken ct) =>
            {
                var outcome = await AddNote(id, request, db, clock, ct);
                if (outcome.Succeeded)
                {
                    outbox.Nudge();
                }

                return outcome.ToResult(_ => TypedResults.Accepted($"/api/v1/escalations/{id}"));
            })
            .AddEndpointFilter<IdempotencyFilter>().ProducesProblem(404).WithSummary("A note to Microsoft on the service request (sent through the outbox).");
        escalations.MapPost("/{id:guid}/close", async (Guid id, PartnerDeskDb db, TimeProvider clock, OutboxDispatcher outbox, CancellationToken ct) =>
            {
                var outcome = await Close(id, db, clock, ct);
                if (outcome.Succeeded)
                {
                    outbox.Nudge();
                }

                return outcome.ToResult(_ => TypedResults.Accepted($"/api/v1/escalations/{id}"));
            })
            .AddEndpointFilter<IdempotencyFilter>().ProducesProblem(404).WithSummary("Closes the service request with Microsoft (through the outbox): solved, or no longer needed.");
        escalations.MapGet("/suggestions", async (PartnerDeskDb db, TimeProvider clock, Microsoft.Extensions.Options.IOptions<EscalationOptions> options, CancellationToken ct) =>
                TypedResults.Ok(await EscalationSuggestions.ForOrganisation(db, clock.GetUtcNow(), options.Value, ct)))
            .Produces<List<EscalationSuggestion>>().WithSummary("Services several customers report at once with no documented issue: candidates for escalation.");
        escalations.MapGet("/support-topics", SupportTopics)
            .Produces<IReadOnlyList<SupportTopicView>>().WithSummary("Partner Center's support topics, for the escalation form.");
        return api;
    }

    public static async Task<IResult> List(EscalationListQuery query, PartnerDeskDb db, CancellationToken ct)
    {
        var errors = new FieldErrors().Defined("status", query.Status);
        var limit = errors.Limit(query.Limit, 50, 200);
        var before = errors.Cursor(query.Cursor);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var rows = db.Escalations.AsNoTracking();
        if (query.Status is { } status)
        {
            rows = rows.Where(e => e.State == status);
        }

        if (query.TicketId is { } ticketId)
        {
            rows = rows.Where(e => e.TicketId == ticketId);
        }

        if (before is { } ticks)
        {
            var at = new DateTimeOffset(ticks, TimeSpan.Zero);
            rows = rows.Where(e => e.CreatedAt < at);
        }

        var page = await rows.OrderByDescending(e => e.CreatedAt).Take(limit + 1)
            .Select(e => new { Escalation = e, e.Ticket!.Number }).ToListAsync(ct);
        var more = page.Count > limit;
        var items = page.Take(limit).Select(p => EscalationView.Of(p.Escalation, TicketNumber.Format(p.Number))).ToList();
        return TypedResults.Ok(new Page<EscalationView>(items, more ? Cursor.Encode(items[^1].CreatedAt.UtcTicks) : null));
    }

    public static async Task<Outcome<EscalationDetails>> Details(Guid id, PartnerDeskDb db, CancellationToken ct)
    {
        var row = await db.Escalations.AsNoTracking().Where(e => e.Id == id).Select(e => new { Escalation = e, e.Ticket!.Number }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return Outcome<EscalationDetails>.Missing;
        }

        var history = await db.EscalationEvents.AsNoTracking().Where(e => e.EscalationId == id).OrderBy(e => e.Id)
            .Select(e => new EscalationEventView(e.Id, e.At, e.Actor, e.What, e.Detail)).ToListAsync(ct);
        return new EscalationDetails(EscalationView.Of(row.Escalation, TicketNumber.Format(row.Number)), row.Escalation.Description, history);
    }

    /// <summary>All escalations of a ticket with their histories, newest first: two queries, however many there are.</summary>
    public static async Task<List<EscalationDetails>> OfTicket(Guid ticketId, PartnerDeskDb db, CancellationToken ct)
    {
        var rows = await db.Escalations.AsNoTracking().Where(e => e.TicketId == ticketId).OrderByDescending(e => e.CreatedAt)
            .Select(e => new { Escalation = e, e.Ticket!.Number }).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(r => r.Escalation.Id).ToList();
        var history = (await db.EscalationEvents.AsNoTracking().Where(e => ids.Contains(e.EscalationId)).OrderBy(e => e.Id)
                .Select(e => new { e.EscalationId, View = new EscalationEventView(e.Id, e.At, e.Actor, e.What, e.Detail) }).ToListAsync(ct))
            .ToLookup(e => e.EscalationId, e => e.View);
        return rows.ConvertAll(r => new EscalationDetails(EscalationView.Of(r.Escalation, TicketNumber.Format(r.Number)), r.Escalation.Description, [.. history[r.Escalation.Id]]));
    }

    public static async Task<Outcome<bool>> Close(Guid id, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var escalation = await db.Escalations.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (escalation is null)
        {
            return Outcome<bool>.Missing;
        }

        if (escalation.Target != EscalationTarget.Microsoft || escalation.ServiceRequestId is null || escalation.State == EscalationState.Closed)
        {
            return new FieldErrors().Add("id", "Only an open service request with Microsoft can be closed.");
        }

        var now = clock.GetUtcNow();
        db.OutboxMessages.Add(OutboxMessage.New(escalation.OrganisationId, CloseServiceRequestHandler.KindName, new EscalationPayload(escalation.Id, null), escalation.Id, now));
        db.EscalationEvents.Add(EscalationHistory.Line(escalation, db.Caller.DisplayName, "CloseQueued", null, now));
        await db.SaveChangesAsync(ct);
        return true;
    }

    public static async Task<Outcome<bool>> AddNote(Guid id, EscalationNoteRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var escalation = await db.Escalations.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (escalation is null)
        {
            return Outcome<bool>.Missing;
        }

        var errors = new FieldErrors().Required("text", request.Text, 4000);
        if (escalation.Target == EscalationTarget.IndirectProvider && escalation.LinkedTicketId is null)
        {
            errors.Add("id", "The provider has no ticket for this escalation yet.");
        }
        else if (escalation.State is EscalationState.Closed or EscalationState.NeedsAgent)
        {
            errors.Add("id", "This escalation is not open.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var now = clock.GetUtcNow();
        db.OutboxMessages.Add(OutboxMessage.New(escalation.OrganisationId, escalation.Target == EscalationTarget.Microsoft ? AddServiceRequestNoteHandler.KindName : ProviderNoteHandler.KindName, new EscalationPayload(escalation.Id, request.Text!.Trim()), escalation.Id, now));
        db.EscalationEvents.Add(EscalationHistory.Line(escalation, db.Caller.DisplayName, "NoteQueued", request.Text!.Trim(), now));
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static async Task<IResult> SupportTopics(PartnerDeskDb db, SupportTopics topics, CancellationToken ct)
    {
        var outcome = await topics.Of(db.Caller.RequireOrganisation(), ct);
        return outcome.Topics is { } list
            ? TypedResults.Ok(list)
            : TypedResults.Problem(statusCode: 503, title: "Partner Center cannot be reached.", detail: outcome.Problem);
    }
}
