using System.Net;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Platform.Api;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Organisations;

/// <summary>The partner's customers, imported from Partner Center (the simulator lists the demo's three and as many made-up ones as a test asks).</summary>
public sealed class CustomerImportTests(MicrosoftSignInWorld world) : IClassFixture<MicrosoftSignInWorld>
{
    private PartnerDeskApp App => world.App;

    private static readonly Guid ContosoTenant = DemoWorld.Ids.Contoso; // against the simulator, the partner's tenant is the organisation's id
    private static readonly Guid AdatumTenant = new("0c0c0c56-0001-7000-8000-000000000001");

    private Task<int> Customers() => App.InDatabase(DemoWorld.Ids.Contoso, db => db.Customers.CountAsync());

    [Fact]
    public async Task Customers_come_in_over_every_page_once_renamed_and_gone_ones_are_marked_and_a_failed_page_changes_nothing()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        world.Simulator.Customers.SetMadeUp(ContosoTenant, 1_200); // three pages of 500 with the demo's five (three of them seeded)
        var before = await Customers(); // the seed's three, or five when another test of the class imported Contoso's first

        // Page two fails (retries spent): nothing is imported, and the admin is told why.
        world.Simulator.Customers.FailFromOffset = 500;
        var failed = await admin.PostAsync("/api/v1/customers/import", null);
        Assert.Contains("nothing changed", (await failed.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await Customers());
        world.Simulator.Customers.FailFromOffset = null;

        var first = await (await admin.PostAsync("/api/v1/customers/import", null)).Read<CustomerImportResult>();
        Assert.Equal(new CustomerImportResult(1_205, 1_205 - before, 0, 0, 0, 0), first);
        Assert.Equal(1_205, await Customers());
        var again = await (await admin.PostAsync("/api/v1/customers/import", null)).Read<CustomerImportResult>();
        Assert.Equal(0, again.Added); // nothing doubled
        Assert.Equal(1_205, await Customers());

        // Adatum is renamed in Partner Center and the last made-up customer leaves the partner.
        world.Simulator.Customers.Set(ContosoTenant,
        [
            (AdatumTenant, "Adatum Corporation Ltd", "adatum.example"),
            (new Guid("0c0c0c56-0001-7000-8000-000000000002"), "Litware Inc.", "litware.example"),
            (new Guid("0c0c0c56-0001-7000-8000-000000000003"), "Tailspin Toys", "tailspintoys.example"),
            (new Guid("0c0c0c56-0001-7000-8000-000000000007"), "Alpine Ski House", "alpineskihouse.example"),
            (new Guid("0c0c0c56-0001-7000-8000-000000000008"), "Coho Winery", "cohowinery.example"),
        ]);
        world.Simulator.Customers.SetMadeUp(ContosoTenant, 1_199);
        var third = await (await admin.PostAsync("/api/v1/customers/import", null)).Read<CustomerImportResult>();
        Assert.Equal((1, 1), (third.Renamed, third.Left));
        Assert.Equal("Adatum Corporation Ltd", await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Customers.Where(c => c.Id == DemoWorld.Ids.Adatum).Select(c => c.Name).SingleAsync()));
        var gone = PartnerDesk.Simulator.PartnerCenter.CustomerDirectory.MadeUpTenant(ContosoTenant, 1_199);
        Assert.NotNull(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Customers.Where(c => c.TenantId == gone).Select(c => c.LeftAt).SingleAsync()));

        // It comes back: active again.
        world.Simulator.Customers.SetMadeUp(ContosoTenant, 1_200);
        var fourth = await (await admin.PostAsync("/api/v1/customers/import", null)).Read<CustomerImportResult>();
        Assert.Equal(1, fourth.Returned);

        // Importing is for admins.
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.PostAsync("/api/v1/customers/import", null)).StatusCode);
    }

    [Fact]
    public async Task An_indirect_provider_imports_its_resellers_customers_and_a_hand_over_finds_the_imported_customer()
    {
        var admin = await App.ClientFor(Demo.NorthwindAdmin);
        var result = await (await admin.PostAsync("/api/v1/customers/import", null)).Read<CustomerImportResult>();
        Assert.Equal(2, result.Resellers); // Fabrikam on this installation, Trey Research IT on another
        Assert.Equal(3, result.Added);

        var customers = await App.InDatabase(DemoWorld.Ids.Northwind, db => db.Customers.AsNoTracking().ToDictionaryAsync(c => c.Name, c => (c.Id, c.TenantId, c.ResellerName)));
        Assert.Equal("Fabrikam Solutions", customers["Wide World Importers"].ResellerName);
        Assert.Equal("Fabrikam Solutions", customers["Woodgrove Bank"].ResellerName);
        Assert.Equal("Trey Research IT", customers["Proseware, Inc."].ResellerName);
        var listed = await (await admin.GetAsync("/api/v1/customers?q=Proseware")).Read<Page<CustomerView>>();
        Assert.Equal("Trey Research IT", Assert.Single(listed.Items).ResellerName);

        // Where Partner Center's listing does not name the reseller, each reseller's customers are asked for (IndirectReseller filter).
        world.Simulator.Customers.NamesResellers = false;
        try
        {
            await App.InDatabase(DemoWorld.Ids.Northwind, db => db.Customers.ExecuteUpdateAsync(c => c.SetProperty(x => x.ResellerName, (string?)null)));
            var again = await (await admin.PostAsync("/api/v1/customers/import", null)).Read<CustomerImportResult>();
            Assert.Equal((2, 0), (again.Resellers, again.Added));
            Assert.Equal("Trey Research IT", await App.InDatabase(DemoWorld.Ids.Northwind, db => db.Customers.Where(c => c.Name == "Proseware, Inc.").Select(c => c.ResellerName).SingleAsync()));
        }
        finally
        {
            world.Simulator.Customers.NamesResellers = true;
        }

        // A ticket handed over for one of them lands on the imported customer, not on a new "(via …)" record.
        var woodgrove = customers["Woodgrove Bank"];
        var found = await App.InDatabase(DemoWorld.Ids.Northwind, db =>
            HandedOverCustomers.ForTenant(db, DemoWorld.Ids.Northwind, woodgrove.TenantId, "Woodgrove Bank", "woodgrovebank.example", null, "Fabrikam Solutions", DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(woodgrove.Id, found.Id);

        // Contoso is no indirect provider: it imports no resellers, and Trey Research's customer is not its.
        var contoso = await (await (await App.ClientFor(Demo.ContosoAdmin)).PostAsync("/api/v1/customers/import", null)).Read<CustomerImportResult>();
        Assert.Equal(0, contoso.Resellers);
        Assert.False(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Customers.AnyAsync(c => c.Name == "Proseware, Inc.")));
    }

    [Fact]
    public async Task A_customer_without_a_tenant_is_counted_not_guessed_and_two_of_one_name_stay_two()
    {
        var fabrikamTenant = DemoWorld.Ids.Fabrikam;
        var first = new Guid("0c0c0c56-0009-7000-8000-000000000001");
        var second = new Guid("0c0c0c56-0009-7000-8000-000000000002");
        world.Simulator.Customers.Set(fabrikamTenant,
        [
            (new Guid("0c0c0c56-0001-7000-8000-000000000004"), "Wide World Importers", "wideworldimporters.example"),
            (new Guid("0c0c0c56-0001-7000-8000-000000000005"), "Woodgrove Bank", "woodgrovebank.example"),
            (Guid.Empty, "No Tenant Ltd", "notenant.example"),
            (first, "Northwind Traders", "northwindtraders.example"),
            (second, "Northwind Traders", "northwind-traders.example"),
        ]);
        var admin = await App.ClientFor(Demo.FabrikamAdmin);
        CustomerImportResult result;
        try
        {
            result = await (await admin.PostAsync("/api/v1/customers/import", null)).Read<CustomerImportResult>();
        }
        finally
        {
            // Fabrikam's list in Partner Center is also Northwind's view of its reseller: as the demo has it again.
            world.Simulator.Customers.Set(fabrikamTenant,
            [
                (new Guid("0c0c0c56-0001-7000-8000-000000000004"), "Wide World Importers", "wideworldimporters.example"),
                (new Guid("0c0c0c56-0001-7000-8000-000000000005"), "Woodgrove Bank", "woodgrovebank.example"),
            ]);
        }

        Assert.Equal((1, 2), (result.Skipped, result.Added));
        var twins = await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.Customers.Where(c => c.Name == "Northwind Traders").Select(c => c.TenantId).ToListAsync());
        Assert.Equal([first, second], twins.Order());
        Assert.False(await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.Customers.AnyAsync(c => c.Name == "No Tenant Ltd")));

    }

    [Fact]
    public async Task A_customer_handed_over_with_a_name_at_its_limit_is_kept_within_the_column_on_every_database()
    {
        var tenant = Guid.NewGuid();
        var kept = await App.InDatabase(DemoWorld.Ids.Northwind, async db =>
        {
            var customer = await HandedOverCustomers.ForTenant(db, DemoWorld.Ids.Northwind, tenant, new string('N', 200), "long.example", null, "Fabrikam Solutions", DateTimeOffset.UtcNow, CancellationToken.None);
            await db.SaveChangesAsync(); // PostgreSQL refused 221 characters in a column of 200, and the hand-over retried for ever
            return customer.Name;
        });
        Assert.Equal(200, kept.Length);
        Assert.EndsWith("…", kept, StringComparison.Ordinal);
        Assert.Equal(200, PartnerDesk.Features.SupportProviders.TicketRouting.Fit("[Contoso Cloud Services PD-17] " + new string('T', 200), 200).Length);
    }
}
