using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Organisations;

public sealed record CustomerView(Guid Id, string Name, Guid TenantId, string DefaultDomain);

public static class CustomerEndpoints
{
    public static RouteGroupBuilder MapCustomerEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/customers", List).WithTags("Customers").WithSummary("Customers the caller may work on.");
        api.MapGet("/customers/{id:guid}", Get).WithTags("Customers");
        return api;
    }

    public static Task<List<CustomerView>> Reachable(PartnerDeskDb db, CancellationToken ct) =>
        db.Customers.AsNoTracking().OrderBy(c => c.Name)
            .Select(c => new CustomerView(c.Id, c.Name, c.TenantId, c.DefaultDomain))
            .ToListAsync(ct);

    private static async Task<Ok<List<CustomerView>>> List(PartnerDeskDb db, CancellationToken ct) =>
        TypedResults.Ok(await Reachable(db, ct));

    private static async Task<Results<Ok<CustomerView>, ProblemHttpResult>> Get(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        await db.Customers.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new CustomerView(c.Id, c.Name, c.TenantId, c.DefaultDomain)).FirstOrDefaultAsync(ct) is { } customer
            ? TypedResults.Ok(customer)
            : TypedResults.Problem(statusCode: 404, title: "Not found.");
}
