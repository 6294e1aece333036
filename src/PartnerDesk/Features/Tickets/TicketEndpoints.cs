using Microsoft.AspNetCore.Http.HttpResults;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Tickets;

public static class TicketEndpoints
{
    public static RouteGroupBuilder MapTicketEndpoints(this RouteGroupBuilder api)
    {
        var tickets = api.MapGroup("/tickets").WithTags("Tickets");
        tickets.MapPost("/", Create).AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("File a ticket. Accepts an Idempotency-Key header.");
        tickets.MapGet("/", List).Produces<Page<TicketSummary>>()
            .WithSummary("Tickets the caller may see, newest first, cursor-paged.");
        tickets.MapGet("/{id:guid}", Get).Produces<TicketDetails>().ProducesProblem(404);
        tickets.MapPatch("/{id:guid}", Update).RequireAuthorization(Policies.Agent).AddEndpointFilter<IdempotencyFilter>()
            .Produces<TicketDetails>().ProducesProblem(404).WithSummary("Changes status, severity or assignee (agents). Accepts an Idempotency-Key header.");
        tickets.MapGet("/{id:guid}/messages", ListMessages).Produces<IReadOnlyList<TicketMessageView>>().ProducesProblem(404)
            .WithSummary("The conversation: public replies, and internal notes for agents.");
        tickets.MapPost("/{id:guid}/messages", PostMessage).AddEndpointFilter<IdempotencyFilter>()
            .Produces<TicketMessageView>(201).ProducesProblem(404).WithSummary("A public reply or (agents) an internal note. Accepts an Idempotency-Key header.");
        tickets.MapGet("/{id:guid}/history", History).RequireAuthorization(Policies.Agent)
            .Produces<IReadOnlyList<TicketEventView>>().ProducesProblem(404).WithSummary("Who changed what, and when (agents).");
        return api;
    }

    private static async Task<Results<Created<TicketDetails>, ValidationProblem>> Create(
        CreateTicketRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var outcome = await CreateTicket.Handle(request, Channel.Api, db, clock, ct);
        return outcome.Errors is { } errors
            ? errors.ToProblem()
            : TypedResults.Created($"/api/v1/tickets/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<IResult> List([AsParameters] ListTicketsQuery query, PartnerDeskDb db, CancellationToken ct) =>
        (await ListTickets.Handle(query, db, ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> Get(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        (await GetTicket.Handle(id, db, ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> Update(Guid id, UpdateTicketRequest request, PartnerDeskDb db, AgentReach reach, TimeProvider clock, CancellationToken ct) =>
        (await UpdateTicket.Handle(id, request, db, reach, clock, ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> ListMessages(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        (await TicketMessages.List(id, db, ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> PostMessage(Guid id, PostMessageRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        (await TicketMessages.Post(id, request, db, clock, ct)).ToResult(m => TypedResults.Created($"/api/v1/tickets/{id}/messages/{m.Id}", m));

    private static async Task<IResult> History(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        (await TicketHistory.Handle(id, db, ct)).ToResult(TypedResults.Ok);
}
