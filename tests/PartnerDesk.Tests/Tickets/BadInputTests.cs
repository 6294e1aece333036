using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Tickets;

/// <summary>Bad input gets a 4xx problem naming the field, never a 500, and writes nothing.</summary>
public sealed class BadInputTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private Task<int> TicketCount() => App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.IgnoreQueryFilters().CountAsync());

    public static TheoryData<string, string> BadCreates => new()
    {
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","title":"t","description":"d","severity":"X","kind":"Incident"}""", "severity" },
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","title":"t","description":"d","severity":"A","kind":"Complaint"}""", "kind" },
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","title":"t","description":"d","severity":1,"kind":"Incident"}""", "severity" },
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","title":"t","description":"d","severity":"B, C","kind":"Incident"}""", "severity" },
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","title":"t","description":"d","severity":"A","kind":"ServiceRequest, SubscriptionChange"}""", "kind" },
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","title":"t","description":"d","severity":"3","kind":"Incident"}""", "severity" },
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","title":"t","description":"d","severity":"A","kind":"Incident","priority":"high"}""", "priority" },
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","description":"d","severity":"A","kind":"Incident"}""", "title" },
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","title":"   ","description":"d","severity":"A","kind":"Incident"}""", "title" },
        { """{"title":"t","description":"d","severity":"A","kind":"Incident"}""", "customerId" },
        { """{"customerId":"not-a-guid","title":"t","description":"d","severity":"A","kind":"Incident"}""", "customerId" },
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000004","title":"t","description":"d","severity":"A","kind":"Incident"}""", "customerId" },
        { """{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","title":"t","description":"d","severity":"A","kind":"Incident","requesterId":"0c0c0c0c-0003-7000-8000-000000000003"}""", "requesterId" },
        { """"{"customerId":"0c0c0c0c-0001-7000-8000-000000000001","title":"t","description":"d","severity":"A","kind":"Incident"""", "kind" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task Bad_ticket_create_names_the_field_and_writes_nothing(string json, string field)
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var before = await TicketCount();
        var response = await admin.PostAsync("/api/v1/tickets", Json(json));
        await response.ProblemNaming(field);
        Assert.Equal(before, await TicketCount());
    }

    [Fact]
    public async Task Over_long_title_is_refused_by_name()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var response = await admin.PostAsJsonAsync("/api/v1/tickets", new
        {
            customerId = DemoWorld.Ids.Adatum,
            title = new string('x', TicketLimits.Title + 1),
            description = "d",
            severity = "A",
            kind = "Incident",
        });
        await response.ProblemNaming("title");
    }

    [Fact]
    public async Task Body_over_the_size_limit_is_a_413_problem()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var before = await TicketCount();
        var huge = new string('x', 400_000);
        var response = await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "t", description = huge, severity = "A", kind = "Incident" });
        await response.Problem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await TicketCount());
    }

    [Fact]
    public async Task Bad_list_query_names_the_field()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        await (await admin.GetAsync("/api/v1/tickets?status=Sleeping")).ProblemNaming("status");
        await (await admin.GetAsync("/api/v1/tickets?severity=Z")).ProblemNaming("severity");
        await (await admin.GetAsync("/api/v1/tickets?limit=0")).ProblemNaming("limit");
        await (await admin.GetAsync("/api/v1/tickets?cursor=%%%")).ProblemNaming("cursor");
        var badGuid = await admin.GetAsync("/api/v1/tickets?customerId=nope");
        Assert.Equal(HttpStatusCode.BadRequest, badGuid.StatusCode);
        Assert.Equal("application/problem+json", badGuid.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Bad_patch_names_the_field_and_changes_nothing()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Patch me", description = "d", severity = "B", kind = "Incident" }))
            .Read<TicketDetails>(HttpStatusCode.Created);

        // A valid severity and an assignee of another organisation: neither may be applied.
        var response = await admin.PatchAsJsonAsync($"/api/v1/tickets/{ticket.Id}", new { severity = "A", assigneeId = DemoWorld.Ids.FabrikamAdmin });
        await response.ProblemNaming("assigneeId");
        var after = await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}")).Read<TicketDetails>();
        Assert.Equal(Severity.B, after.Severity);
        Assert.Null(after.AssigneeId);

        await (await admin.PatchAsync($"/api/v1/tickets/{ticket.Id}", Json("""{"status":"Asleep"}"""))).ProblemNaming("status");
    }

    [Fact]
    public async Task Script_in_a_title_is_stored_as_sent()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        const string title = "<script>alert('pwned')</script> & \"quotes\"";
        var created = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title, description = "<img src=x onerror=alert(1)>", severity = "C", kind = "Incident" }))
            .Read<TicketDetails>(HttpStatusCode.Created);
        var read = await (await admin.GetAsync($"/api/v1/tickets/{created.Id}")).Read<TicketDetails>();
        Assert.Equal(title, read.Title);
        Assert.Equal("<img src=x onerror=alert(1)>", read.Description);
    }

    [Fact]
    public async Task A_ticket_that_missed_two_sla_targets_reads_back()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Two targets missed", description = "d", severity = "B", kind = "Incident" }))
            .Read<TicketDetails>(HttpStatusCode.Created);
        // The SLA sweep adds each target it finds missed to those before (SlaKeeper: |=); such a ticket answered 500.
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.Where(t => t.Id == ticket.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SlaBreached, SlaTargets.FirstResponse | SlaTargets.Resolution)));

        using var response = await admin.GetAsync($"/api/v1/tickets/{ticket.Id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("FirstResponse, Resolution", json.GetProperty("sla").GetProperty("breached").GetString());
    }

    [Fact]
    public async Task Unknown_ticket_is_a_404_problem()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        await (await admin.GetAsync($"/api/v1/tickets/{Guid.NewGuid()}")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Undefined_enum_values_from_a_form_are_refused_by_the_shared_validation()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var caller = scope.ServiceProvider.GetRequiredService<PartnerDesk.Platform.Tenancy.Caller>();
        caller.ActAsAgent(DemoWorld.Ids.Contoso, DemoWorld.Ids.ContosoAdmin, PartnerDesk.Platform.Tenancy.AgentRole.AdminAgent);
        var errors = CreateTicket.Validate(new CreateTicketRequest(DemoWorld.Ids.Adatum, "t", "d", (Severity)42, (TicketKind)7, null), caller);
        Assert.True(errors.Has("severity"));
        Assert.True(errors.Has("kind"));
    }

    [Fact]
    public async Task Who_may_file_which_kind()
    {
        var anna = await App.ClientFor(Demo.AdatumAnna);
        await (await anna.PostAsJsonAsync("/api/v1/tickets", new { title = "More licences", description = "d", severity = "C", kind = "SubscriptionChange" })).ProblemNaming("kind");
        var it = await App.ClientFor(Demo.AdatumIt);
        await (await it.PostAsJsonAsync("/api/v1/tickets", new { title = "More licences", description = "d", severity = "C", kind = "SubscriptionChange" })).Read<TicketDetails>(HttpStatusCode.Created);
        var sales = await App.ClientFor(Demo.ContosoSales);
        await (await sales.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Outage", description = "d", severity = "A", kind = "Incident" })).ProblemNaming("kind");
    }

    [Fact]
    public async Task A_local_return_address_only_and_never_a_500()
    {
        using var client = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var target in new[] { "/%5Cevil.example", "//evil.example", "https://evil.example", "%0D%0Aevil" })
        {
            var response = await PartnerDeskApp.SwitchLanguage(client, "de", Uri.UnescapeDataString(target));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/", response.Headers.Location?.OriginalString);
        }
    }
}
