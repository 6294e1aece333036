using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Plans;

public sealed class PlanApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly Guid ContosoHours = DemoWorld.Ids.ContosoHours;
    private static readonly Guid Alpine = DemoWorld.Ids.Alpine;
    private static readonly Guid Tailspin = DemoWorld.Ids.Tailspin;
    private static readonly Guid WideWorld = DemoWorld.Ids.WideWorldImporters;

    private static Dictionary<string, object?> Plan(string name) => new()
    {
        ["name"] = name,
        ["delivery"] = "Mixed",
        ["calendarId"] = ContosoHours,
        ["providerOrganisationId"] = Alpine,
        ["coveredServices"] = new[] { "Exchange Online", "Microsoft Teams" },
        ["supportEmail"] = "support@contoso-cloud.example",
        ["phoneLines"] = new object[] { new { label = "Emergency", number = "+49 89 1234 5699", aroundTheClock = true, severityAOnly = true } },
        ["routingRules"] = new object[] { new { outsideServiceHours = true }, new { severity = "C", service = "Microsoft Teams" } },
        ["targets"] = new object[] { new { severity = "A", firstResponseMinutes = 30, nextResponseMinutes = 60, resolutionMinutes = 240, aroundTheClock = true }, new { severity = "B", firstResponseMinutes = 120 } },
        ["currency"] = "EUR",
        ["pricing"] = new { monthlyFee = 490.00m, perSeatFee = 3.5m, includedHours = 6, hourlyRate = 115, prepaidBlockHours = 10, prepaidBlockPrice = 1000 },
        ["providerCost"] = new { monthlyFee = 100, hourlyRate = 55 },
    };

    [Fact]
    public async Task A_plan_is_saved_with_its_provider_rules_targets_and_prices_and_stays_in_its_organisation()
    {
        var sales = await fixture.App.ClientFor(Demo.ContosoSales);

        var created = await (await sales.PostAsJsonAsync("/api/v1/plans", Plan("Premium Plus"))).Read<PlanView>(HttpStatusCode.Created);
        var read = await (await sales.GetAsync($"/api/v1/plans/{created.Id}")).Read<PlanView>();

        Assert.Equal(SupportDelivery.Mixed, read.Delivery);
        Assert.Equal("Alpine Support Services", read.ProviderName); // taken from the provider organisation
        Assert.Equal(2, read.RoutingRules.Count);
        Assert.Equal([30, 120], read.Targets.Select(t => t.FirstResponseMinutes));
        Assert.Equal(490.00m, read.Pricing.MonthlyFee);
        Assert.Equal(55m, read.ProviderCost.HourlyRate);
        Assert.Equal("+49 89 1234 5699", Assert.Single(read.PhoneLines).Number);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.App.ClientFor(Demo.FabrikamAdmin)).GetAsync($"/api/v1/plans/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.App.ClientFor(Demo.ContosoHelpdesk)).GetAsync("/api/v1/plans")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.App.ClientFor(Demo.AdatumIt)).GetAsync("/api/v1/plans")).StatusCode);

        var changed = Plan("Premium Plus");
        changed["pricing"] = new { monthlyFee = 520m };
        Assert.Equal(520m, (await (await sales.PutAsJsonAsync($"/api/v1/plans/{created.Id}", changed)).Read<PlanView>()).Pricing.MonthlyFee);
    }

    [Theory]
    [InlineData("pricing.monthlyFee", "pricing", """{"monthlyFee": -1}""")]
    [InlineData("pricing.hourlyRate", "pricing", """{"hourlyRate": 10.555}""")]
    [InlineData("pricing.prepaidBlockHours", "pricing", """{"prepaidBlockHours": 10}""")]
    [InlineData("calendarId", "calendarId", "\"0c0c0c0c-0005-7000-8000-000000000002\"")] // Fabrikam's calendar
    [InlineData("routingRules", "routingRules", "[]")]
    [InlineData("routingRules[0]", "routingRules", """[{"outsideServiceHours": false}]""")]
    [InlineData("targets[1].severity", "targets", """[{"severity": "A", "firstResponseMinutes": 30}, {"severity": "A", "firstResponseMinutes": 60}]""")]
    [InlineData("targets[0].resolutionMinutes", "targets", """[{"severity": "B", "firstResponseMinutes": 60, "resolutionMinutes": 30}]""")]
    [InlineData("targets[0].firstResponseMinutes", "targets", """[{"severity": "B", "firstResponseMinutes": 0}]""")]
    [InlineData("targets", "targets", "[]")]
    [InlineData("targets[0]", "targets", "[null]")]
    [InlineData("phoneLines[0]", "phoneLines", "[null]")]
    [InlineData("routingRules[1]", "routingRules", """[{"outsideServiceHours": true}, null]""")]
    [InlineData("phoneLines[0].number", "phoneLines", """[{"label": "Desk", "number": "call us"}]""")]
    [InlineData("providerOrganisationId", "providerOrganisationId", "\"0c0c0c0c-0000-7000-8000-000000000003\"")] // Fabrikam is no support provider
    [InlineData("currency", "currency", "\"euro\"")]
    [InlineData("supportEmail", "supportEmail", "\"support at contoso\"")]
    public async Task Bad_plans_are_refused_naming_the_field_and_nothing_is_saved(string field, string key, string json)
    {
        var admin = await fixture.App.ClientFor(Demo.ContosoAdmin);
        var before = (await (await admin.GetAsync("/api/v1/plans")).Read<List<PlanView>>()).Count;
        var plan = Plan($"Broken {field}");
        plan[key] = System.Text.Json.JsonDocument.Parse(json).RootElement;

        await (await admin.PostAsJsonAsync("/api/v1/plans", plan)).ProblemNaming(field);

        Assert.Equal(before, (await (await admin.GetAsync("/api/v1/plans")).Read<List<PlanView>>()).Count);
    }

    [Fact]
    public async Task A_direct_plan_has_no_provider_and_a_plan_in_use_cannot_be_deleted()
    {
        var admin = await fixture.App.ClientFor(Demo.ContosoAdmin);
        var direct = Plan("Direct with provider");
        direct["delivery"] = "Direct";
        direct["routingRules"] = null;
        direct["providerCost"] = null;
        await (await admin.PostAsJsonAsync("/api/v1/plans", direct)).ProblemNaming("providerOrganisationId");

        var standard = DemoWorld.Ids.ContosoStandard; // Litware's contract names it
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync($"/api/v1/plans/{standard}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/plans/{standard}")).StatusCode);
    }

    [Fact]
    public async Task A_plan_that_tickets_count_their_sla_by_is_not_deleted_though_no_contract_names_it()
    {
        var admin = await fixture.App.ClientFor(Demo.ContosoAdmin);
        var plan = await (await admin.PostAsJsonAsync("/api/v1/plans", Plan("Ended plan"))).Read<PlanView>(HttpStatusCode.Created);
        // Tailspin's ticket kept the plan of a contract that has ended since.
        var ticketId = await fixture.App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var id = await db.Tickets.Where(t => t.CustomerId == Tailspin).Select(t => t.Id).FirstAsync();
            await db.Tickets.Where(t => t.Id == id).ExecuteUpdateAsync(t => t.SetProperty(x => x.PlanId, plan.Id));
            return id;
        });

        var refused = await (await admin.DeleteAsync($"/api/v1/plans/{plan.Id}")).Problem(HttpStatusCode.Conflict);
        Assert.Contains("ticket", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(plan.Id, await fixture.App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.Where(t => t.Id == ticketId).Select(t => t.PlanId).FirstAsync()));

        await fixture.App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.Where(t => t.Id == ticketId).ExecuteUpdateAsync(t => t.SetProperty(x => x.PlanId, (Guid?)null)));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/plans/{plan.Id}")).StatusCode);
    }

    [Fact]
    public async Task Contracts_of_one_customer_do_not_overlap_and_name_only_reachable_customers_and_own_plans()
    {
        var sales = await fixture.App.ClientFor(Demo.ContosoSales);
        var standard = DemoWorld.Ids.ContosoStandard;

        var contract = await (await sales.PostAsJsonAsync("/api/v1/contracts", new { customerId = Tailspin, planId = standard, startsOn = "2027-01-01", endsOn = "2027-12-31", seats = 12, hourlyRate = 99.5m }))
            .Read<ContractView>(HttpStatusCode.Created);
        Assert.Equal(("Tailspin Toys", "Business Standard Support", 99.5m), (contract.CustomerName, contract.PlanName, contract.HourlyRate));

        await (await sales.PostAsJsonAsync("/api/v1/contracts", new { customerId = Tailspin, planId = standard, startsOn = "2027-06-01" })).ProblemNaming("startsOn");
        await (await sales.PostAsJsonAsync("/api/v1/contracts", new { customerId = WideWorld, planId = standard, startsOn = "2027-01-01" })).ProblemNaming("customerId");
        await (await sales.PostAsJsonAsync("/api/v1/contracts", new { customerId = Tailspin, planId = DemoWorld.Ids.FabrikamCare, startsOn = "2028-01-01" })).ProblemNaming("planId");
        await (await sales.PostAsJsonAsync("/api/v1/contracts", new { customerId = Tailspin, planId = standard, startsOn = "2028-01-01", endsOn = "2027-01-01" })).ProblemNaming("endsOn");
        await (await sales.PostAsJsonAsync("/api/v1/contracts", new { customerId = Tailspin, planId = standard, startsOn = "2028-01-01", seats = -1, monthlyFee = -5 })).ProblemNaming("seats");

        var tailspin = await (await sales.GetAsync($"/api/v1/contracts?customerId={Tailspin}")).Read<List<ContractView>>();
        Assert.Equal(contract.Id, Assert.Single(tailspin).Id);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.App.ClientFor(Demo.FabrikamAdmin)).GetAsync($"/api/v1/contracts/{contract.Id}")).StatusCode);

        var moved = await (await sales.PutAsJsonAsync($"/api/v1/contracts/{contract.Id}", new { customerId = Tailspin, planId = standard, startsOn = "2027-01-01", seats = 20 })).Read<ContractView>();
        Assert.Equal((20, (DateOnly?)null), (moved.Seats, moved.EndsOn));
    }
}
