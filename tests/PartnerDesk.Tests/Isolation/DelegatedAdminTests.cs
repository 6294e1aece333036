using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Isolation;

public sealed class DelegatedAdminTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    [Fact]
    public async Task Relationships_come_in_graph_shape_for_reachable_customers_and_flag_renewals()
    {
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.DelegatedAdminRelationships
            .Where(r => r.CustomerId == DemoWorld.Ids.Litware)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.EndDateTime, App.Clock.GetUtcNow().AddDays(10))));

        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var all = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/delegated-admin/relationships")).RootElement;
        Assert.Equal(3, all.GetArrayLength());
        var litware = all.EnumerateArray().Single(r => r.GetProperty("customer").GetProperty("displayName").GetString() == "Litware Inc.");
        Assert.Equal("active", litware.GetProperty("status").GetString());
        Assert.True(litware.GetProperty("expiresSoon").GetBoolean());
        Assert.Equal("P730D", litware.GetProperty("duration").GetString());
        var assignment = litware.GetProperty("accessAssignments")[0];
        Assert.Equal("securityGroup", assignment.GetProperty("accessContainer").GetProperty("accessContainerType").GetString());
        Assert.Contains(assignment.GetProperty("accessDetails").GetProperty("unifiedRoles").EnumerateArray(),
            r => r.GetProperty("roleDefinitionId").GetString() == EntraRoles.HelpdeskAdministrator);
        var adatum = all.EnumerateArray().Single(r => r.GetProperty("customer").GetProperty("displayName").GetString() == "Adatum Corporation");
        Assert.False(adatum.GetProperty("expiresSoon").GetBoolean());

        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        var reachable = JsonDocument.Parse(await helpdesk.GetStringAsync("/api/v1/delegated-admin/relationships")).RootElement;
        Assert.Equal(2, reachable.GetArrayLength());

        var contact = await App.ClientFor(Demo.AdatumIt);
        Assert.Equal(HttpStatusCode.Forbidden, (await contact.GetAsync("/api/v1/delegated-admin/relationships")).StatusCode);
    }

    [Fact]
    public async Task Contacts_of_a_customer_are_listed_for_agents_who_reach_it()
    {
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        var contacts = JsonDocument.Parse(await helpdesk.GetStringAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/contacts")).RootElement;
        Assert.Equal(["Adatum IT", "Anna Becker"], contacts.EnumerateArray().Select(c => c.GetProperty("displayName").GetString()).ToArray());
        Assert.Equal(HttpStatusCode.NotFound, (await helpdesk.GetAsync($"/api/v1/customers/{DemoWorld.Ids.Tailspin}/contacts")).StatusCode);
    }

    [Fact]
    public async Task Customers_are_paged_and_searchable()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var first = await (await admin.GetAsync("/api/v1/customers?limit=2")).Read<Page<CustomerView>>();
        Assert.Equal(["Adatum Corporation", "Litware Inc."], first.Items.Select(c => c.Name).ToArray());
        Assert.NotNull(first.NextCursor);
        var second = await (await admin.GetAsync($"/api/v1/customers?limit=2&cursor={first.NextCursor}")).Read<Page<CustomerView>>();
        Assert.Equal(["Tailspin Toys"], second.Items.Select(c => c.Name).ToArray());
        Assert.Null(second.NextCursor);

        var found = await (await admin.GetAsync("/api/v1/customers?q=TAILSPIN")).Read<Page<CustomerView>>();
        Assert.Equal(["Tailspin Toys"], found.Items.Select(c => c.Name).ToArray());
        var none = await (await admin.GetAsync("/api/v1/customers?q=%25")).Read<Page<CustomerView>>();
        Assert.Empty(none.Items); // a literal %, not a wildcard
        await (await admin.GetAsync("/api/v1/customers?limit=501")).ProblemNaming("limit");
    }
}
