using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Plans;

/// <summary>Support plans and customers' contracts (admin and sales agents).</summary>
public static class PlanEndpoints
{
    public static RouteGroupBuilder MapPlanEndpoints(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/plans").WithTags("Plans").RequireAuthorization(Policies.Commercial);
        plans.MapGet("/", async (PartnerDeskDb db, CancellationToken ct) =>
            TypedResults.Ok((await Plans(db).AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct)).ConvertAll(PlanRules.View)))
            .WithSummary("The organisation's support plans.");
        plans.MapGet("/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            await Plans(db).AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } plan ? Results.Ok(PlanRules.View(plan)) : NotFound())
            .Produces<PlanView>().ProducesProblem(404);
        plans.MapPost("/", async (PlanRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var plan = new SupportPlan { OrganisationId = db.Caller.RequireOrganisation(), Name = "" };
            if (await PlanRules.Apply(request, plan, db, ct) is { } errors)
            {
                return errors.ToProblem();
            }

            plan.UpdatedAt = clock.GetUtcNow();
            db.Add(plan);
            await db.SaveChangesAsync(ct);
            return Results.Created($"/api/v1/plans/{plan.Id}", PlanRules.View(plan));
        }).AddEndpointFilter<IdempotencyFilter>().Produces<PlanView>(201)
            .WithSummary("A plan: delivery (Direct, ResoldFrom, OutsourcedTo, Mixed with routing rules), covered services, channels, service hours, SLA targets per severity, pricing.");
        plans.MapPut("/{id:guid}", async (Guid id, PlanRequest request, PartnerDeskDb db, TimeProvider clock, SlaPolicies policies, CancellationToken ct) =>
        {
            var plan = await Plans(db).FirstOrDefaultAsync(p => p.Id == id, ct);
            if (plan is null)
            {
                return NotFound();
            }

            if (await PlanRules.Apply(request, plan, db, ct) is { } errors)
            {
                return errors.ToProblem();
            }

            plan.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            policies.ForgetAll(); // the plan's targets, and (through its calendar) its contracts' days
            return Results.Ok(PlanRules.View(plan));
        }).Produces<PlanView>().ProducesProblem(404).WithSummary("Replaces a plan. Open tickets keep the due times they have; new events count by the new targets.");
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

            await db.Set<SupportPlan>().Where(p => p.Id == id).ExecuteDeleteAsync(ct);
            return Results.NoContent();
        }).ProducesProblem(404).ProducesProblem(409).WithSummary("Deletes a plan no contract names.");

        var contracts = api.MapGroup("/contracts").WithTags("Plans").RequireAuthorization(Policies.Commercial);
        contracts.MapGet("/", async (Guid? customerId, PartnerDeskDb db, CancellationToken ct) =>
            TypedResults.Ok(await ContractViews(db.Set<SupportContract>().Where(c => customerId == null || c.CustomerId == customerId)
                .OrderBy(c => c.Customer!.Name).ThenBy(c => c.StartsOn)).ToListAsync(ct)))
            .WithSummary("Customers' support contracts, optionally of one customer.");
        contracts.MapGet("/{id:guid}", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            await ContractViews(db.Set<SupportContract>().Where(c => c.Id == id)).FirstOrDefaultAsync(ct) is { } view ? Results.Ok(view) : NotFound())
            .Produces<ContractView>().ProducesProblem(404);
        contracts.MapPost("/", async (ContractRequest request, PartnerDeskDb db, TimeProvider clock, SlaPolicies policies, CancellationToken ct) =>
        {
            var contract = new SupportContract { OrganisationId = db.Caller.RequireOrganisation() };
            if (await PlanRules.Apply(request, contract, db, ct) is { } errors)
            {
                return errors.ToProblem();
            }

            contract.UpdatedAt = clock.GetUtcNow();
            db.Add(contract);
            await db.SaveChangesAsync(ct);
            policies.ForgetContracts(contract.CustomerId);
            return Results.Created($"/api/v1/contracts/{contract.Id}", await ContractViews(db.Set<SupportContract>().Where(c => c.Id == contract.Id)).FirstAsync(ct));
        }).AddEndpointFilter<IdempotencyFilter>().Produces<ContractView>(201)
            .WithSummary("A customer's contract: plan, start, optional end (contracts of one customer do not overlap), seats, price overrides.");
        contracts.MapPut("/{id:guid}", async (Guid id, ContractRequest request, PartnerDeskDb db, TimeProvider clock, SlaPolicies policies, CancellationToken ct) =>
        {
            var contract = await db.Set<SupportContract>().FirstOrDefaultAsync(c => c.Id == id, ct);
            if (contract is null)
            {
                return NotFound();
            }

            if (await PlanRules.Apply(request, contract, db, ct) is { } errors)
            {
                return errors.ToProblem();
            }

            contract.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            policies.ForgetContracts(contract.CustomerId);
            return Results.Ok(await ContractViews(db.Set<SupportContract>().Where(c => c.Id == id)).FirstAsync(ct));
        }).Produces<ContractView>().ProducesProblem(404).WithSummary("Changes a contract (plan, dates, seats, prices).");
        return api;
    }

    private static IQueryable<SupportPlan> Plans(PartnerDeskDb db) =>
        db.Set<SupportPlan>().Include(p => p.Targets).Include(p => p.PhoneLines).Include(p => p.RoutingRules).AsSplitQuery();

    public static IQueryable<ContractView> ContractViews(IQueryable<SupportContract> contracts) =>
        contracts.AsNoTracking().Select(c => new ContractView(
            c.Id, c.CustomerId, c.Customer!.Name, c.PlanId, c.Plan!.Name, c.StartsOn, c.EndsOn, c.Seats,
            c.MonthlyFee, c.PerSeatFee, c.IncludedHours, c.HourlyRate, c.PerIncidentFee, c.PrepaidHours));

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: 404, title: "Not found.");
}
