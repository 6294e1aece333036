using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Ui;

namespace PartnerDesk.Features.Plans;

/// <summary>Support plans and customers' contracts (admin and sales agents).</summary>
public static class PlanEndpoints
{
    public static RouteGroupBuilder MapPlanEndpoints(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/plans").WithTags("Plans").RequireAuthorization(Policies.Commercial);
        plans.MapGet("/", async (PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await PlanCatalogue.ListPlans(db, ct)))
            .WithSummary("The organisation's support plans.");
        plans.MapGet("/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            await PlanCatalogue.Plans(db).AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } plan ? Results.Ok(PlanRules.View(plan)) : NotFound())
            .Produces<PlanView>().ProducesProblem(404);
        plans.MapPost("/", async (PlanRequest request, PartnerDeskDb db, TimeProvider clock, SlaPolicies policies, CancellationToken ct) =>
            (await PlanCatalogue.SavePlan(db, null, request, clock.GetUtcNow(), policies, ct)).ToResult(plan => Results.Created($"/api/v1/plans/{plan.Id}", plan)))
            .AddEndpointFilter<IdempotencyFilter>().Produces<PlanView>(201)
            .WithSummary("A plan: delivery (Direct, ResoldFrom, OutsourcedTo, Mixed with routing rules), covered services, channels, service hours, SLA targets per severity, pricing.");
        plans.MapPut("/{id:guid}", async (Guid id, PlanRequest request, PartnerDeskDb db, TimeProvider clock, SlaPolicies policies, CancellationToken ct) =>
            (await PlanCatalogue.SavePlan(db, id, request, clock.GetUtcNow(), policies, ct)).ToResult(Results.Ok))
            .Produces<PlanView>().ProducesProblem(404).WithSummary("Replaces a plan. Open tickets keep the due times they have; new events count by the new targets.");
        plans.MapDelete("/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
        {
            if (!await db.Set<SupportPlan>().AnyAsync(p => p.Id == id, ct))
            {
                return NotFound();
            }

            if (await db.Set<SupportContract>().AnyAsync(c => c.PlanId == id, ct))
            {
                return TypedResults.Problem(statusCode: 409, title: "The plan is in use.", detail: "Contracts name this plan; end or move them first.");
            }

            // Tickets keep their plan after a contract ends; the foreign key would set it to nothing and the
            // tickets would lose their SLA without a word.
            if (await Unfiltered.TicketsOnPlan(db, id, ct) is > 0 and var tickets)
            {
                return TypedResults.Problem(statusCode: 409, title: "The plan is in use.", detail: $"{tickets} ticket(s) count their SLA by this plan; it can only be changed, not deleted.");
            }

            await db.Set<SupportPlan>().Where(p => p.Id == id).ExecuteDeleteAsync(ct);
            return Results.NoContent();
        }).ProducesProblem(404).ProducesProblem(409).WithSummary("Deletes a plan no contract and no ticket names (409 with the reason otherwise).");

        var contracts = api.MapGroup("/contracts").WithTags("Plans").RequireAuthorization(Policies.Commercial);
        contracts.MapGet("/", async (Guid? customerId, PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await PlanCatalogue.ListContracts(db, customerId, ct)))
            .WithSummary("Customers' support contracts, optionally of one customer.");
        contracts.MapGet("/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            await ContractViews(db.Set<SupportContract>().Where(c => c.Id == id)).FirstOrDefaultAsync(ct) is { } view ? Results.Ok(view) : NotFound())
            .Produces<ContractView>().ProducesProblem(404);
        contracts.MapPost("/", async (ContractRequest request, PartnerDeskDb db, TimeProvider clock, SlaPolicies policies, CancellationToken ct) =>
            (await PlanCatalogue.SaveContract(db, null, request, clock.GetUtcNow(), policies, ct)).ToResult(contract => Results.Created($"/api/v1/contracts/{contract.Id}", contract)))
            .AddEndpointFilter<IdempotencyFilter>().Produces<ContractView>(201)
            .WithSummary("A customer's contract: plan, start, optional end (contracts of one customer do not overlap), seats, price overrides.");
        contracts.MapPut("/{id:guid}", async (Guid id, ContractRequest request, PartnerDeskDb db, TimeProvider clock, SlaPolicies policies, CancellationToken ct) =>
            (await PlanCatalogue.SaveContract(db, id, request, clock.GetUtcNow(), policies, ct)).ToResult(Results.Ok))
            .Produces<ContractView>().ProducesProblem(404).WithSummary("Changes a contract (plan, dates, seats, prices).");
        return api;
    }

    /// <summary>The console's orders of the contracts (plans page, billing page).</summary>
    public static readonly ListSort<SupportContract> ContractSorts = new ListSort<SupportContract>(new("customer", false), c => c.Id)
        .By("customer", c => c.Customer!.Name).By("plan", c => c.Plan!.Name).By("from", c => c.StartsOn).By("until", c => c.EndsOn).By("seats", c => c.Seats);

    /// <summary>A page of the contracts (one or more per customer: thousands at a large partner).</summary>
    public static Task<ListPage<ContractView>> ContractPage(PartnerDeskDb db, ListOrder order, int? page, CancellationToken ct) =>
        ListPage<ContractView>.Read(ContractViews(ContractSorts.Apply(db.Set<SupportContract>(), order)), page, ct);

    public static IQueryable<ContractView> ContractViews(IQueryable<SupportContract> contracts) =>
        contracts.AsNoTracking().Select(c => new ContractView(
            c.Id, c.CustomerId, c.Customer!.Name, c.PlanId, c.Plan!.Name, c.StartsOn, c.EndsOn, c.Seats,
            c.MonthlyFee, c.PerSeatFee, c.IncludedHours, c.HourlyRate, c.PerIncidentFee, c.PrepaidHours));

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: 404, title: "Not found.");
}
