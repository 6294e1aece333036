using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Satisfaction;

public static class SatisfactionEndpoints
{
    public static RouteGroupBuilder MapSatisfactionEndpoints(this RouteGroupBuilder api)
    {
        var ticket = api.MapGroup("/tickets/{id:guid}/satisfaction").WithTags("Satisfaction");
        ticket.MapGet("/", Of).Produces<TicketSatisfactionView>().ProducesProblem(404)
            .WithSummary("The ticket's satisfaction ratings, newest first, and whether the caller (its requester) may rate it now.");
        ticket.MapPost("/", Rate).RequireAuthorization(Policies.Contact).AddEndpointFilter<IdempotencyFilter>()
            .Produces<RatingView>(201).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("The requester rates the ticket's resolution: a score of 1 to 5 and an optional comment, once per resolution (contacts).");

        var settings = api.MapGroup("/satisfaction/settings").WithTags("Satisfaction").RequireAuthorization(Policies.Admin);
        settings.MapGet("/", async (PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await SurveySettings.Get(db, ct)))
            .WithSummary("The organisation's satisfaction survey: on or off, the alert threshold, the wording in English and German (admins).");
        settings.MapPut("/", async (SurveySettingsRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                (await SurveySettings.Update(request, db, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .Produces<SurveySettingsView>().ProducesValidationProblem()
            .WithSummary("Changes the satisfaction survey; empty wording falls back to the default (admins).");
        return api;
    }

    private static async Task<IResult> Of(Guid id, string? language, PartnerDeskDb db, CancellationToken ct) =>
        await RateTicket.Of(id, db, language == "de" ? "de" : "en", ct) is { } view ? TypedResults.Ok(view) : TypedResults.Problem(statusCode: 404, title: "Not found.");

    private static async Task<IResult> Rate(Guid id, RateRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        (await RateTicket.Handle(id, request, RatingChannel.Portal, null, db, clock.GetUtcNow(), ct))
        .ToResult(r => TypedResults.Created($"/api/v1/tickets/{id}/satisfaction", r));
}
