using Microsoft.AspNetCore.Http.HttpResults;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

public static class TicketEndpoints
{
    public static RouteGroupBuilder MapTicketEndpoints(this RouteGroupBuilder api)
    {
        var tickets = api.MapGroup("/tickets").WithTags("Tickets");
        tickets.MapPost("/", Create).AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("File a ticket. Accepts an Idempotency-Key header.");
        tickets.MapGet("/", List).WithSummary("Tickets the caller may see, newest first, cursor-paged.");
        tickets.MapGet("/{id:guid}", Get);
        tickets.MapPatch("/{id:guid}", Update).RequireAuthorization(Policies.Agent).AddEndpointFilter<IdempotencyFilter>();
        tickets.MapGet("/{id:guid}/messages", ListMessages);
        tickets.MapPost("/{id:guid}/messages", PostMessage).AddEndpointFilter<IdempotencyFilter>();
        tickets.MapGet("/{id:guid}/history", History).RequireAuthorization(Policies.Agent);
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

    private static async Task<IResult> Update(Guid id, UpdateTicketRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        (await UpdateTicket.Handle(id, request, db, clock, ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> ListMessages(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        (await TicketMessages.List(id, db, ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> PostMessage(Guid id, PostMessageRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        (await TicketMessages.Post(id, request, db, clock, ct)).ToResult(m => TypedResults.Created($"/api/v1/tickets/{id}/messages/{m.Id}", m));

    private static async Task<IResult> History(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        (await TicketHistory.Handle(id, db, ct)).ToResult(TypedResults.Ok);
}
