using Microsoft.AspNetCore.Http.HttpResults;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.AgentConsole;

/// <summary>The agent's day through the API: canned replies, saved queue views, and bulk changes of tickets.</summary>
public static class AgentConsoleEndpoints
{
    public static RouteGroupBuilder MapAgentConsoleEndpoints(this RouteGroupBuilder api)
    {
        var replies = api.MapGroup("/canned-replies").WithTags("Canned replies").RequireAuthorization(Policies.Agent);
        replies.MapGet("/", ListReplies).WithSummary("The organisation's canned replies, by title (agents).");
        replies.MapGet("/{id:guid}", GetReply).WithSummary("One canned reply, both languages (agents).");
        replies.MapGet("/{id:guid}/for-ticket/{ticketId:guid}", FillReply)
            .WithSummary("The reply with its placeholders resolved for a ticket, in the language of the ticket's contact (agents).");
        replies.MapPost("/", CreateReply).RequireAuthorization(Policies.Admin).WithSummary("Writes a canned reply (admins).");
        replies.MapPut("/{id:guid}", ChangeReply).RequireAuthorization(Policies.Admin).WithSummary("Changes a canned reply (admins).");
        replies.MapDelete("/{id:guid}", DeleteReply).RequireAuthorization(Policies.Admin).WithSummary("Removes a canned reply (admins).");

        var views = api.MapGroup("/queue-views").WithTags("Queue views").RequireAuthorization(Policies.Agent);
        views.MapGet("/", ListViews).WithSummary("The calling agent's own saved views of the queue, by name.");
        views.MapPost("/", CreateView).WithSummary("Saves a view: a name and the queue's filters and sort.");
        views.MapPut("/{id:guid}", ChangeView).WithSummary("Replaces a view's name, filters and sort.");
        views.MapDelete("/{id:guid}", DeleteView).WithSummary("Removes a view.");

        api.MapPost("/tickets/bulk", Bulk).RequireAuthorization(Policies.Agent).WithTags("Tickets")
            .Produces<BulkTicketResponse>()
            .WithSummary("Changes status, severity or assignee of several tickets, each by the rules of a single change; each ticket's outcome is reported.");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<CannedReplyView>>> ListReplies(PartnerDeskDb db, CancellationToken ct) =>
        TypedResults.Ok(await CannedReplies.List(db, ct));

    private static async Task<Results<Ok<CannedReplyView>, NotFound>> GetReply(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        await CannedReplies.Get(db, id, ct) is { } reply ? TypedResults.Ok(reply) : TypedResults.NotFound();

    private static async Task<IResult> FillReply(Guid id, Guid ticketId, PartnerDeskDb db, CancellationToken ct) =>
        (await CannedReplies.ForTicket(db, id, ticketId, ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> CreateReply(CannedReplyRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        (await CannedReplies.Save(db, null, request, clock.GetUtcNow(), ct)).ToResult(r => TypedResults.Created($"/api/v1/canned-replies/{r.Id}", r));

    private static async Task<IResult> ChangeReply(Guid id, CannedReplyRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        (await CannedReplies.Save(db, id, request, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok);

    private static async Task<Results<NoContent, NotFound>> DeleteReply(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        await CannedReplies.Delete(db, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Ok<IReadOnlyList<SavedQueueViewView>>> ListViews(PartnerDeskDb db, CancellationToken ct) =>
        TypedResults.Ok(await SavedQueueViews.List(db, ct));

    private static async Task<IResult> CreateView(SavedQueueViewRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        (await SavedQueueViews.Save(db, null, request, clock.GetUtcNow(), ct)).ToResult(v => TypedResults.Created($"/api/v1/queue-views/{v.Id}", v));

    private static async Task<IResult> ChangeView(Guid id, SavedQueueViewRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        (await SavedQueueViews.Save(db, id, request, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok);

    private static async Task<Results<NoContent, NotFound>> DeleteView(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        await SavedQueueViews.Delete(db, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<IResult> Bulk(BulkTicketRequest request, PartnerDeskDb db, AgentReach reach, TimeProvider clock, CancellationToken ct) =>
        (await BulkTicketChange.Handle(request, db, reach, clock, ct)).ToResult(TypedResults.Ok);
}
