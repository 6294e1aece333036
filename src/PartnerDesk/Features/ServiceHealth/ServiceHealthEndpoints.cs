using Microsoft.AspNetCore.Http.HttpResults;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.ServiceHealth;

public sealed record SyncNowRequest(Guid? CustomerId);

public static class ServiceHealthEndpoints
{
    public static RouteGroupBuilder MapServiceHealthEndpoints(this RouteGroupBuilder api)
    {
        var health = api.MapGroup("/service-health").WithTags("Service health");
        health.MapGet("/issues", (
                [AsParameters] IssueListQuery query, PartnerDeskDb db, CancellationToken ct) => Answer(ServiceHealthQueries.Issues(query, db, ct)))
            .Produces<Page<IssueSummary>>().WithSummary("Microsoft's service health issues of the caller's customers (a contact: its own tenant), active first.");
        health.MapGet("/issues/{id:guid}", (Guid id, PartnerDeskDb db, CancellationToken ct) => Answer(ServiceHealthQueries.Issue(id, db, ct)))
            .Produces<IssueDetails>().ProducesProblem(404).WithSummary("An issue with Microsoft's posts, the affected customers and the linked tickets the caller may see.");
        health.MapPost("/issues/{id:guid}/resolve-linked-tickets", (Guid id, ResolveLinkedTicketsRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                Answer(KnownIssueLinks.ResolveLinkedTickets(id, request, db, clock, ct)))
            .RequireAuthorization(Policies.Agent).AddEndpointFilter<IdempotencyFilter>()
            .Produces<ResolvedTickets>().ProducesProblem(404).WithSummary("Resolves the open tickets linked to an issue Microsoft has resolved, with a public reply each.");
        health.MapGet("/matches", ([AsParameters] KnownIssueMatchQuery query, PartnerDeskDb db, ActiveIssues active, CancellationToken ct) => Answer(KnownIssueLinks.Suggest(query, db, active, ct)))
            .Produces<IReadOnlyList<KnownIssueView>>().WithSummary("The active known issues a ticket text would match, before it is filed.");
        health.MapGet("/board", async (PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await ServiceHealthQueries.Board(db, ct)))
            .RequireAuthorization(Policies.Agent).WithSummary("Services degraded across the caller's customers.");
        health.MapGet("/sync-status", async (Guid? customerId, bool? failing, PartnerDeskDb db, CancellationToken ct) =>
                TypedResults.Ok(await ServiceHealthQueries.SyncStatus(customerId, failing ?? false, db, ct)))
            .RequireAuthorization(Policies.Agent).WithSummary("When each customer tenant was last read, and what went wrong.");
        health.MapPost("/sync", SyncNow).RequireAuthorization(Policies.Agent)
            .Produces<SyncResult>().WithSummary("Reads one customer tenant from Microsoft now.");

        api.MapGet("/message-center/messages", ([AsParameters] CustomerListQuery query, PartnerDeskDb db, CancellationToken ct) =>
                Answer(ServiceHealthQueries.Messages(query, db, ct)))
            .WithTags("Service health").Produces<Page<MessageCenterView>>().WithSummary("Message center posts of the caller's customers (a contact: its own tenant).");

        var links = api.MapGroup("/tickets/{id:guid}/known-issues").WithTags("Tickets");
        links.MapGet("/", (Guid id, PartnerDeskDb db, CancellationToken ct) => Answer(KnownIssueLinks.OfTicket(id, db, ct)))
            .Produces<IReadOnlyList<TicketKnownIssueView>>().ProducesProblem(404).WithSummary("The service health issues linked to a ticket.");
        links.MapPost("/", (Guid id, LinkKnownIssueRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                Answer(KnownIssueLinks.Confirm(id, request, db, clock, ct)))
            .RequireAuthorization(Policies.Agent).Produces<TicketKnownIssueView>().ProducesProblem(404)
            .WithSummary("Confirms a suggested link, or links an issue (agents).");
        links.MapDelete("/{issueId:guid}", async (Guid id, Guid issueId, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                (await KnownIssueLinks.Unlink(id, issueId, db, clock, ct)).ToResult(_ => TypedResults.NoContent()))
            .RequireAuthorization(Policies.Agent).ProducesProblem(404).WithSummary("Unlinks an issue that is not the cause (agents).");
        return api;
    }

    private static async Task<IResult> Answer<T>(Task<Outcome<T>> outcome) => (await outcome).ToResult(v => TypedResults.Ok(v));

    private static async Task<Results<Ok<SyncResult>, ValidationProblem>> SyncNow(
        SyncNowRequest request, PartnerDeskDb db, Caller caller, IServiceScopeFactory scopes, HealthSync sync, CancellationToken ct)
    {
        if (request.CustomerId is not { } customerId)
        {
            return FieldErrors.One("customerId", "The customerId field is required.");
        }

        if (!await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Customers, c => c.Id == customerId, ct))
        {
            return FieldErrors.One("customerId", "No customer with this id is reachable.");
        }

        // The agent may only ask for a customer it reaches; what the sync then does (linking and telling
        // every ticket of the issue, marking its post handled) is the organisation's, as in the background job.
        // Under the agent's filters the tickets it cannot see would never hear of the post.
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(caller.RequireOrganisation());
        return TypedResults.Ok(await sync.SyncCustomer(scope.ServiceProvider.GetRequiredService<PartnerDeskDb>(), customerId, ct));
    }
}
