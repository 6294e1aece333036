using Microsoft.AspNetCore.Http.HttpResults;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Deliveries;

public static class DeliveryEndpoints
{
    public static RouteGroupBuilder MapDeliveryEndpoints(this RouteGroupBuilder api)
    {
        var deliveries = api.MapGroup("/deliveries").WithTags("Deliveries").RequireAuthorization(Policies.Admin);
        deliveries.MapGet("/", List)
            .WithSummary("What is on its way out (mail, Partner Center, hand-overs): waiting, or failed and parked with the reason (admins).");
        deliveries.MapPost("/{id:guid}/retry", async (Guid id, PartnerDeskDb db, OutboxDispatcher outbox, TimeProvider clock, CancellationToken ct) =>
            {
                var outcome = await Deliveries.Retry(db, id, clock.GetUtcNow(), ct);
                if (outcome.Succeeded)
                {
                    outbox.Nudge();
                }

                return outcome.ToResult(TypedResults.Ok);
            })
            .WithSummary("Sends a failed or parked delivery again, with a fresh count of attempts (admins).");
        return api;
    }

    private static async Task<Results<Ok<Page<DeliveryView>>, ValidationProblem>> List(DeliveryState? state, string? cursor, int? limit, PartnerDeskDb db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.Limit(limit, 50, Deliveries.MaxLimit);
        // Failed deliveries are few and change rarely: an offset behind an opaque cursor is enough.
        var skip = (int)Math.Min(errors.Cursor(cursor) ?? 0, int.MaxValue);
        return errors.Any ? errors.ToProblem() : TypedResults.Ok(await Deliveries.List(db, state ?? DeliveryState.Failed, skip, size, ct));
    }
}
