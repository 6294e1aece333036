using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Platform.Ui;

namespace PartnerDesk.Features.Organisations;

/// <param name="LeftAt">When Partner Center stopped listing the customer (it left the partner); its tickets stay.</param>
/// <param name="ResellerName">For an indirect provider: the indirect reseller whose customer it is.</param>
public sealed record CustomerView(Guid Id, string Name, Guid TenantId, string DefaultDomain, DateTimeOffset? LeftAt = null, string? ResellerName = null);

public static class CustomerEndpoints
{
    public static RouteGroupBuilder MapCustomerEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/customers", List).WithTags("Customers").WithSummary("Customers the caller may work on.");
        api.MapGet("/customers/{id:guid}", Get).WithTags("Customers");
        api.MapPost("/customers/import", async (CustomerImport import, PartnerDeskDb db, CancellationToken ct) => (await import.Run(db, ct)).ToResult(TypedResults.Ok))
            .WithTags("Customers").RequireAuthorization(Platform.Auth.Policies.Admin)
            .Produces<CustomerImportResult>().ProducesProblem(409)
            .WithSummary("Imports the customers from Partner Center (every page): adds new ones, renames, marks those that left; then daily.");
        api.MapGet("/delegated-admin/relationships", Relationships).WithTags("GDAP").RequireAuthorization(Platform.Auth.Policies.Agent)
            .WithSummary("GDAP relationships with the customers the caller reaches, as Microsoft Graph shapes them; expiresSoon flags renewals due.");
        return api;
    }

    public static Task<List<CustomerView>> Reachable(PartnerDeskDb db, CancellationToken ct) =>
        db.Customers.AsNoTracking().OrderBy(c => c.Name)
            .Select(c => new CustomerView(c.Id, c.Name, c.TenantId, c.DefaultDomain, c.LeftAt, c.ResellerName))
            .ToListAsync(ct);

    private static async Task<Ok<List<DelegatedAdminRelationshipView>>> Relationships(Guid? customerId, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await DelegatedAdminViews.ForCustomers(db, customerId, clock, ct));

    /// <summary>The orders the customers list takes (the console's headers, the API's sort and dir).</summary>
    public static readonly ListSort<Customer> Sorts = new ListSort<Customer>(new("name", false), c => c.Id)
        .By("name", c => c.Name).By("domain", c => c.DefaultDomain).By("tenant", c => c.TenantId);

    /// <summary>One page of the reachable customers in the order asked (the console's list).</summary>
    public static Task<ListPage<CustomerView>> Page(PartnerDeskDb db, ListOrder order, int? page, CancellationToken ct) =>
        ListPage<CustomerView>.Read(
            Sorts.Apply(db.Customers.AsNoTracking(), order).Select(c => new CustomerView(c.Id, c.Name, c.TenantId, c.DefaultDomain, c.LeftAt, c.ResellerName)),
            page, ct);

    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>Reachable customers by name (or sort: name, domain, tenant; dir: asc, desc), cursor-paged; q matches name or domain.</summary>
    private static async Task<Results<Ok<Page<CustomerView>>, ValidationProblem>> List(
        string? q, string? cursor, int? limit, string? sort, string? dir, PartnerDeskDb db, CancellationToken ct)
    {
        var errors = new FieldErrors().MaxLength("q", q, 200);
        var size = errors.Limit(limit, DefaultLimit, MaxLimit);
        var order = Sorts.Read(sort, dir, errors);

        // Customers change rarely and number in thousands: an offset behind an opaque cursor is enough.
        var skip = (int)Math.Min(errors.Cursor(cursor) ?? 0, int.MaxValue);

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var customers = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = TextPatterns.Contains(q);
            customers = db.Database.IsNpgsql()
                ? customers.Where(c => EF.Functions.ILike(c.Name, pattern, "\\") || EF.Functions.ILike(c.DefaultDomain, pattern, "\\"))
                : customers.Where(c => EF.Functions.Like(c.Name, pattern, "\\") || EF.Functions.Like(c.DefaultDomain, pattern, "\\"));
        }

        var items = await Sorts.Apply(customers, order).Skip(skip).Take(size + 1)
            .Select(c => new CustomerView(c.Id, c.Name, c.TenantId, c.DefaultDomain, c.LeftAt, c.ResellerName)).ToListAsync(ct);
        string? next = null;
        if (items.Count > size)
        {
            items.RemoveAt(size);
            next = Cursor.Encode(skip + size);
        }

        return TypedResults.Ok(new Page<CustomerView>(items, next));
    }

    private static async Task<Results<Ok<CustomerView>, ProblemHttpResult>> Get(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        await db.Customers.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new CustomerView(c.Id, c.Name, c.TenantId, c.DefaultDomain, c.LeftAt, c.ResellerName)).FirstOrDefaultAsync(ct) is { } customer
            ? TypedResults.Ok(customer)
            : TypedResults.Problem(statusCode: 404, title: "Not found.");
}
