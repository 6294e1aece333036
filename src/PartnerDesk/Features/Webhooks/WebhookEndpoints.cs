using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbound;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Webhooks;

public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Admin);
        webhooks.MapPost("/", Create).Produces<NewWebhookView>(201).ProducesValidationProblem()
            .WithSummary("Subscribes a URL to events; the answer carries the signing secret, shown this once (admins).");
        webhooks.MapGet("/", async (PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await Webhooks.List(db, ct)))
            .WithSummary("The organisation's webhook subscriptions (admins).");
        webhooks.MapGet("/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) => (await Webhooks.Get(id, db, ct)).ToResult(TypedResults.Ok))
            .Produces<WebhookView>().ProducesProblem(404);
        webhooks.MapPut("/{id:guid}", async (Guid id, WebhookRequest request, PartnerDeskDb db, OutboundConnections connections, WebhookSubscribers subscribers, CancellationToken ct) =>
                (await Webhooks.Update(id, request, db, connections, subscribers, ct)).ToResult(TypedResults.Ok))
            .Produces<WebhookView>().ProducesProblem(404).ProducesValidationProblem()
            .WithSummary("Changes a subscription's URL and events; the secret stays (admins).");
        webhooks.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, PartnerDeskDb db, WebhookSubscribers subscribers, CancellationToken ct) =>
                await Webhooks.Delete(id, db, subscribers, ct) ? TypedResults.NoContent() : TypedResults.Problem(statusCode: 404, title: "Not found."))
            .WithSummary("Deletes a subscription, its delivery log and what still waited to go to it (admins).");
        webhooks.MapGet("/{id:guid}/deliveries", Deliveries).Produces<Page<WebhookDeliveryView>>().ProducesProblem(404)
            .WithSummary("The subscription's deliveries, newest first, each with its attempts: time, status code or failure, duration (admins).");
        webhooks.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redeliver", async (Guid id, Guid deliveryId, PartnerDeskDb db, OutboxDispatcher outbox, CancellationToken ct) =>
            {
                var outcome = await Webhooks.Redeliver(id, deliveryId, db, ct);
                if (outcome.Succeeded)
                {
                    outbox.Nudge();
                }

                return outcome.ToResult(d => TypedResults.Accepted($"/api/v1/webhooks/{id}/deliveries", d));
            })
            .Produces<WebhookDeliveryView>(202).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Sends a delivered or parked delivery again: the same event id and body (admins).");
        return api;
    }

    private static async Task<IResult> Create(
        WebhookRequest request, PartnerDeskDb db, OutboundConnections connections, IDataProtectionProvider protection, WebhookSubscribers subscribers, CancellationToken ct) =>
        (await Webhooks.Create(request, db, connections, protection, subscribers, ct)).ToResult(w => TypedResults.Created($"/api/v1/webhooks/{w.Id}", w));

    private static async Task<IResult> Deliveries(Guid id, string? cursor, int? limit, PartnerDeskDb db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.Limit(limit, 50, Webhooks.MaxLimit);
        var skip = (int)Math.Min(errors.Cursor(cursor) ?? 0, int.MaxValue);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        return await Webhooks.Deliveries(id, db, skip, size, ct) is { } page ? TypedResults.Ok(page) : TypedResults.Problem(statusCode: 404, title: "Not found.");
    }
}
