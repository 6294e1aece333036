using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Isolation;

/// <summary>Who reaches which customer: the rules of DESIGN section 5, seen through the API.</summary>
public sealed class AccessRuleTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private async Task<Guid[]> CustomersSeenBy(string email) =>
        (await (await (await App.ClientFor(email)).GetAsync("/api/v1/customers")).Read<Page<CustomerView>>()).Items.Select(c => c.Id).Order().ToArray();

    [Fact]
    public async Task Each_role_reaches_the_customers_the_rules_allow()
    {
        Assert.Equal(new[] { DemoWorld.Ids.Adatum, DemoWorld.Ids.Litware, DemoWorld.Ids.Tailspin }.Order(), await CustomersSeenBy(Demo.ContosoAdmin));
        Assert.Equal(new[] { DemoWorld.Ids.Adatum, DemoWorld.Ids.Litware }.Order(), await CustomersSeenBy(Demo.ContosoHelpdesk));
        Assert.Equal(new[] { DemoWorld.Ids.WideWorldImporters, DemoWorld.Ids.WoodgroveBank }.Order(), await CustomersSeenBy(Demo.FabrikamHelpdesk));
        Assert.Equal([DemoWorld.Ids.Adatum], await CustomersSeenBy(Demo.AdatumAnna));
        Assert.Empty(await CustomersSeenBy(Demo.AlpineAgent));
        Assert.Empty(await CustomersSeenBy(Demo.NorthwindAdmin));
    }

    [Fact]
    public async Task Helpdesk_agent_cannot_see_or_file_tickets_of_a_customer_without_gdap_access()
    {
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        var tickets = await (await helpdesk.GetAsync("/api/v1/tickets?limit=200")).Read<Page<TicketSummary>>();
        Assert.NotEmpty(tickets.Items);
        Assert.DoesNotContain(tickets.Items, t => t.CustomerId == DemoWorld.Ids.Tailspin);

        var filed = await helpdesk.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Tailspin, title = "x", description = "y", severity = "C", kind = "Incident" });
        await filed.ProblemNaming("customerId");
    }

    [Fact]
    public async Task An_expired_relationship_takes_helpdesk_access_away_at_once()
    {
        // A separate host: this test moves the clock and changes GDAP.
        await using var app = await PartnerDeskApp.StartAsync();
        var helpdesk = await app.ClientFor(Demo.FabrikamHelpdesk);
        Assert.Equal(2, (await (await helpdesk.GetAsync("/api/v1/customers")).Read<Page<CustomerView>>()).Items.Count);

        // Woodgrove's relationship ends in ten minutes; move past it.
        await app.InDatabase(DemoWorld.Ids.Fabrikam, db => db.DelegatedAdminRelationships
            .Where(r => r.CustomerId == DemoWorld.Ids.WoodgroveBank)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.EndDateTime, app.Clock.GetUtcNow().AddMinutes(10))));
        Assert.Equal(2, (await (await helpdesk.GetAsync("/api/v1/customers")).Read<Page<CustomerView>>()).Items.Count);
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        var after = await (await helpdesk.GetAsync("/api/v1/customers")).Read<Page<CustomerView>>();
        Assert.Equal([DemoWorld.Ids.WideWorldImporters], after.Items.Select(c => c.Id).ToArray());

        // Terminating Wide World's relationship takes the last customer away too.
        await app.InDatabase(DemoWorld.Ids.Fabrikam, db => db.DelegatedAdminRelationships
            .Where(r => r.CustomerId == DemoWorld.Ids.WideWorldImporters)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, DelegatedAdminRelationshipStatus.Terminated)));
        Assert.Empty((await (await helpdesk.GetAsync("/api/v1/customers")).Read<Page<CustomerView>>()).Items);
        var tickets = await (await helpdesk.GetAsync("/api/v1/tickets")).Read<Page<TicketSummary>>();
        Assert.Empty(tickets.Items);
    }

    [Fact]
    public async Task An_assignment_without_a_support_role_gives_no_ticket_access()
    {
        await using var app = await PartnerDeskApp.StartAsync();
        var helpdesk = await app.ClientFor(Demo.ContosoHelpdesk);
        await app.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var assignment = await db.DelegatedAdminAccessAssignments.SingleAsync(a => a.CustomerId == DemoWorld.Ids.Litware);
            assignment.UnifiedRoles = [EntraRoles.GlobalReader];
            return await db.SaveChangesAsync();
        });

        Assert.Equal([DemoWorld.Ids.Adatum], (await (await helpdesk.GetAsync("/api/v1/customers")).Read<Page<CustomerView>>()).Items.Select(c => c.Id).ToArray());
    }

    [Fact]
    public async Task Contact_sees_own_tickets_and_customer_admin_sees_the_whole_customer()
    {
        var anna = await App.ClientFor(Demo.AdatumAnna);
        var it = await App.ClientFor(Demo.AdatumIt);
        var annas = await (await anna.PostAsJsonAsync("/api/v1/tickets", new { title = "Anna's", description = "d", severity = "C", kind = "ServiceRequest" })).Read<TicketDetails>(HttpStatusCode.Created);
        var its = await (await it.PostAsJsonAsync("/api/v1/tickets", new { title = "IT's", description = "d", severity = "C", kind = "ServiceRequest" })).Read<TicketDetails>(HttpStatusCode.Created);

        var annaSees = (await (await anna.GetAsync("/api/v1/tickets?limit=200")).Read<Page<TicketSummary>>()).Items;
        Assert.Contains(annaSees, t => t.Id == annas.Id);
        Assert.DoesNotContain(annaSees, t => t.Id == its.Id);
        Assert.All(annaSees, t => Assert.Equal(DemoWorld.Ids.AdatumAnna, t.RequesterId));
        Assert.Equal(HttpStatusCode.NotFound, (await anna.GetAsync($"/api/v1/tickets/{its.Id}")).StatusCode);

        var itSees = (await (await it.GetAsync("/api/v1/tickets?limit=200")).Read<Page<TicketSummary>>()).Items;
        Assert.Contains(itSees, t => t.Id == annas.Id);
        Assert.Contains(itSees, t => t.Id == its.Id);
        Assert.All(itSees, t => Assert.Equal(DemoWorld.Ids.Adatum, t.CustomerId));
    }

    [Fact]
    public async Task Sales_agent_works_subscription_changes_only()
    {
        var sales = await App.ClientFor(Demo.ContosoSales);
        var items = (await (await sales.GetAsync("/api/v1/tickets?limit=200")).Read<Page<TicketSummary>>()).Items;
        Assert.NotEmpty(items);
        Assert.All(items, t => Assert.Equal(TicketKind.SubscriptionChange, t.Kind));
    }

    [Fact]
    public async Task A_ticket_is_assigned_only_to_an_agent_who_may_work_on_it()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        async Task<TicketDetails> File(Guid customerId, string kind) =>
            await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId, title = "Assign me", description = "d", severity = "C", kind })).Read<TicketDetails>(HttpStatusCode.Created);

        var tailspin = await File(DemoWorld.Ids.Tailspin, "Incident");
        await (await admin.PatchAsJsonAsync($"/api/v1/tickets/{tailspin.Id}", new { assigneeId = DemoWorld.Ids.ContosoHelpdesk })).ProblemNaming("assigneeId");

        var adatum = await File(DemoWorld.Ids.Adatum, "Incident");
        var assigned = await (await admin.PatchAsJsonAsync($"/api/v1/tickets/{adatum.Id}", new { assigneeId = DemoWorld.Ids.ContosoHelpdesk })).Read<TicketDetails>();
        Assert.Equal(DemoWorld.Ids.ContosoHelpdesk, assigned.AssigneeId);

        // Sales agents work subscription changes, not incidents.
        await (await admin.PatchAsJsonAsync($"/api/v1/tickets/{tailspin.Id}", new { assigneeId = DemoWorld.Ids.ContosoSales })).ProblemNaming("assigneeId");
        var change = await File(DemoWorld.Ids.Tailspin, "SubscriptionChange");
        Assert.Equal(DemoWorld.Ids.ContosoSales, (await (await admin.PatchAsJsonAsync($"/api/v1/tickets/{change.Id}", new { assigneeId = DemoWorld.Ids.ContosoSales })).Read<TicketDetails>()).AssigneeId);
    }

    [Fact]
    public async Task Sales_agents_read_no_incident_conversation_or_history_even_directly()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var incident = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Incident", description = "d", severity = "B", kind = "Incident" }))
            .Read<TicketDetails>(HttpStatusCode.Created);
        await admin.PostAsJsonAsync($"/api/v1/tickets/{incident.Id}/messages", new { body = "internal", visibility = "Internal" });

        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsAgent(DemoWorld.Ids.Contoso, DemoWorld.Ids.ContosoSales, AgentRole.SalesAgent);
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        Assert.Equal(0, await db.TicketMessages.CountAsync(m => m.TicketId == incident.Id));
        Assert.Equal(0, await db.TicketEvents.CountAsync(e => e.TicketId == incident.Id));
    }

    [Fact]
    public async Task An_open_console_notices_a_deactivated_or_demoted_agent_at_its_next_step()
    {
        await using var app = await PartnerDeskApp.StartAsync();
        var claims = await app.InDatabase(DemoWorld.Ids.Contoso, db => CallerClaimsReader.Read(db, DemoWorld.Ids.ContosoAdmin, CancellationToken.None));
        var signedIn = new ClaimsPrincipal(new ClaimsIdentity(claims, "cookie"));
        var scopes = new CallerScopes(app.Services.GetRequiredService<IServiceScopeFactory>(), new Signed(signedIn));
        Assert.Equal(3, await scopes.Run(db => db.Customers.CountAsync()));

        // Demoted to helpdesk: the admin's groups hold no support role in any customer.
        await app.InDatabase(DemoWorld.Ids.Contoso, db => db.Agents.Where(a => a.Id == DemoWorld.Ids.ContosoAdmin)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Role, AgentRole.HelpdeskAgent)));
        Assert.Equal(0, await scopes.Run(db => db.Customers.CountAsync()));

        await app.InDatabase(DemoWorld.Ids.Contoso, db => db.Agents.Where(a => a.Id == DemoWorld.Ids.ContosoAdmin)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Role, AgentRole.AdminAgent).SetProperty(a => a.IsActive, false)));
        Assert.Equal(0, await scopes.Run(db => db.Tickets.CountAsync()));
    }

    [Fact]
    public async Task A_pooled_context_forgets_its_caller_when_it_goes_back()
    {
        for (var round = 0; round < 3; round++)
        {
            await using (var scope = App.Services.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(DemoWorld.Ids.Contoso);
                Assert.NotEqual(0, await scope.ServiceProvider.GetRequiredService<PartnerDeskDb>().Tickets.CountAsync());
            }

            // The next scope rents the same context from the pool, for a caller nobody identified.
            await using (var scope = App.Services.CreateAsyncScope())
            {
                Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<PartnerDeskDb>().Tickets.CountAsync());
            }
        }
    }

    private sealed class Signed(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
