using System.Net;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Features.Workspace;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Simulator;
using PartnerDesk.Tests.Infrastructure;
using PartnerDesk.Tests.ServiceHealth;

namespace PartnerDesk.Tests.Workspace;

/// <summary>The customer workspace (R1, R4): one customer's tenant, GDAP, who can act there and as what, tickets and Microsoft's facts.</summary>
public sealed class CustomerWorkspaceTests(SimulatedMicrosoft microsoft) : IClassFixture<SimulatedMicrosoft>
{
    private PartnerDeskApp App => microsoft.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<CustomerWorkspaceView> Workspace(string agent, Guid customerId) =>
        await (await (await App.ClientFor(agent)).GetAsync($"/api/v1/customers/{customerId}/workspace", Ct)).Read<CustomerWorkspaceView>();

    private int SubscriptionReads() => microsoft.Simulator.State.Answered().Count(a => a.Route == "subscriptions.list");

    [Fact]
    public async Task The_workspace_shows_the_tenant_its_gdap_and_who_can_act_there_through_which_role()
    {
        var adatum = await Workspace(Demo.ContosoHelpdesk, DemoWorld.Ids.Adatum);
        Assert.Equal(microsoft.TenantOf[DemoWorld.Ids.Adatum], adatum.Customer.TenantId);
        Assert.Equal("Contoso support Adatum", Assert.Single(adatum.Relationships).DisplayName);
        Assert.Contains(adatum.Relationships[0].Roles, r => r.Name == "Exchange Administrator");

        // Only the helpdesk group holds roles in Adatum's tenant; the admin sees the customer but cannot act in its tenant.
        var helpdesk = Assert.Single(adatum.Access);
        Assert.Equal(("Diego Siciliani", AgentRole.HelpdeskAgent), (helpdesk.DisplayName, helpdesk.Role));
        Assert.Equal(["Global Reader", "Helpdesk Administrator", "Service Support Administrator"], helpdesk.Roles.Select(r => r.Name));
        Assert.Equal(["Contoso support Adatum"], helpdesk.Relationships);
        Assert.Equal(helpdesk.AgentId, adatum.You?.AgentId);
        Assert.Null((await Workspace(Demo.ContosoAdmin, DemoWorld.Ids.Adatum)).You);

        // Tailspin granted the escalation engineers (the admin's group) Exchange administration only.
        var tailspin = await Workspace(Demo.ContosoAdmin, DemoWorld.Ids.Tailspin);
        Assert.Equal(["Exchange Administrator"], tailspin.You!.Roles.Select(r => r.Name));
        Assert.Null(tailspin.Contract);

        // Admin-centre links open the customer's tenant.
        var tenant = adatum.Customer.TenantId.ToString();
        Assert.Contains($"CTID={tenant}", adatum.Links.Microsoft365, StringComparison.Ordinal);
        Assert.EndsWith(tenant, adatum.Links.Entra, StringComparison.Ordinal);
        Assert.EndsWith(tenant, adatum.Links.Azure, StringComparison.Ordinal);
        Assert.EndsWith("delegatedOrg=adatum.example", adatum.Links.Exchange, StringComparison.Ordinal);

        // Open tickets: the same count the ticket list gives, and the contract of the premium plan.
        var open = 0;
        foreach (var status in new[] { "New", "Open", "PendingCustomer", "Escalated" })
        {
            open += (await (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync($"/api/v1/tickets?customerId={DemoWorld.Ids.Adatum}&status={status}&limit=200", Ct))
                .Read<Page<TicketSummary>>()).Items.Count;
        }

        Assert.True(open > 0);
        Assert.Equal(open, adatum.OpenTicketCount);
        Assert.All(adatum.OpenTickets, t => Assert.NotEqual(TicketStatus.Closed, t.Status));
        Assert.NotNull(adatum.Contract);
        Assert.Equal("Alpine Support Services", adatum.Contract.SupportProvider);

        // The same people through the GDAP route.
        var access = await (await (await App.ClientFor(Demo.ContosoSales)).GetAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/tenant-access", Ct)).Read<List<AgentTenantAccess>>();
        Assert.Equal([helpdesk.AgentId], access.Select(a => a.AgentId));
    }

    [Fact]
    public async Task Microsofts_facts_are_read_live_kept_for_minutes_and_a_failure_is_told_not_thrown()
    {
        microsoft.Simulator.Tenants.Set((await Scenario.ReadAsync(Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json"))).Partners[0]);
        var agent = await App.ClientFor(Demo.ContosoAdmin);
        var before = SubscriptionReads();
        var facts = await (await agent.GetAsync($"/api/v1/customers/{DemoWorld.Ids.Litware}/tenant?refresh=true", Ct)).Read<TenantFactsView>();
        Assert.Equal(["litware.example", "litwareinc.onmicrosoft.com"], facts.Domains.Value!.Select(d => d.Name));
        Assert.True(facts.Domains.Value![0].IsDefault);
        Assert.Equal(3, facts.Subscriptions.Value!.Count);
        Assert.Contains(facts.Subscriptions.Value, s => s.Name == "Microsoft 365 Business Premium" && s.InUse is not null);

        // Kept: a second look asks Microsoft nothing; refresh asks again.
        await (await agent.GetAsync($"/api/v1/customers/{DemoWorld.Ids.Litware}/tenant", Ct)).Read<TenantFactsView>();
        Assert.Equal(before + 1, SubscriptionReads());

        // Partner Center fails: the workspace says why, and the domains still show (a minute on: refreshes are spaced).
        App.Clock.Advance(TimeSpan.FromSeconds(61));
        microsoft.Simulator.State.AddFault(new Fault(FaultKind.Forbidden, DemoWorld.Ids.Contoso, Count: 10, PathContains: "/subscriptions"));
        var failed = await (await agent.GetAsync($"/api/v1/customers/{DemoWorld.Ids.Litware}/tenant?refresh=true", Ct)).Read<TenantFactsView>();
        microsoft.Simulator.State.ClearFaults();
        Assert.Null(failed.Subscriptions.Value);
        Assert.Contains("not authorized", failed.Subscriptions.Error, StringComparison.Ordinal);
        Assert.NotEmpty(failed.Domains.Value!);

        // A failure is not kept: the next plain look after the spacing reads Microsoft again, which has recovered.
        App.Clock.Advance(TimeSpan.FromSeconds(61));
        var recovered = await (await agent.GetAsync($"/api/v1/customers/{DemoWorld.Ids.Litware}/tenant", Ct)).Read<TenantFactsView>();
        Assert.Equal(3, recovered.Subscriptions.Value!.Count);
    }

    [Fact]
    public async Task A_tenant_is_read_again_from_microsoft_at_most_once_a_minute_and_what_it_said_stays_readable()
    {
        microsoft.Simulator.Tenants.Set((await Scenario.ReadAsync(Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json"))).Partners[0]);
        var agent = await App.ClientFor(Demo.ContosoAdmin);
        var tenant = $"/api/v1/customers/{DemoWorld.Ids.Adatum}/tenant";
        var read = await (await agent.GetAsync(tenant + "?refresh=true", Ct)).Read<TenantFactsView>();
        var reads = SubscriptionReads();

        // Again within the minute: refused with the wait, and Microsoft is not asked.
        var refused = await agent.GetAsync(tenant + "?refresh=true", Ct);
        var problem = await Accounts.RateLimitTests.Refused(refused);
        Assert.Contains("Retry after", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(reads, SubscriptionReads());

        // What was read stays readable without refresh.
        var kept = await (await agent.GetAsync(tenant, Ct)).Read<TenantFactsView>();
        Assert.Equal(read.Domains.Value!.Select(d => d.Name), kept.Domains.Value!.Select(d => d.Name));
        Assert.Equal(reads, SubscriptionReads());

        // A minute on, Microsoft is asked again.
        App.Clock.Advance(TimeSpan.FromSeconds(61));
        await (await agent.GetAsync(tenant + "?refresh=true", Ct)).Read<TenantFactsView>();
        Assert.Equal(reads + 1, SubscriptionReads());
    }

    [Fact]
    public async Task Customers_out_of_reach_have_no_workspace()
    {
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        foreach (var path in new[] { "workspace", "tenant", "tenant-access" })
        {
            // Tailspin: no GDAP support role for the helpdesk; Woodgrove: another organisation's customer; and an unknown id.
            Assert.Equal(HttpStatusCode.NotFound, (await helpdesk.GetAsync($"/api/v1/customers/{DemoWorld.Ids.Tailspin}/{path}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await (await App.ClientFor(Demo.ContosoAdmin)).GetAsync($"/api/v1/customers/{DemoWorld.Ids.WoodgroveBank}/{path}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await helpdesk.GetAsync($"/api/v1/customers/{Guid.NewGuid()}/{path}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumIt)).GetAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/{path}", Ct)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await helpdesk.GetAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/tenant?refresh=maybe", Ct)).StatusCode);
    }
}
