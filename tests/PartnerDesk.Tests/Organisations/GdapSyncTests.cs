using System.Net;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Platform.Api;
using PartnerDesk.Simulator;
using PartnerDesk.Simulator.Graph;
using PartnerDesk.Tests.Infrastructure;
using PartnerDesk.Tests.ServiceHealth;

namespace PartnerDesk.Tests.Organisations;

/// <summary>
/// GDAP read from Microsoft Graph (the simulator's tenantRelationships and groups): the stored copy follows
/// Microsoft, and with it which customers a helpdesk agent reaches.
/// </summary>
public sealed class GdapSyncTests(SimulatedMicrosoft microsoft) : IClassFixture<SimulatedMicrosoft>
{
    private PartnerDeskApp App => microsoft.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Helpdesk = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
    private const string ServiceSupport = "f023fd81-a637-4b56-95fd-791ac0226033";

    private async Task<GdapSyncResult> Sync(string agent = Demo.ContosoAdmin) =>
        await (await (await App.ClientFor(agent)).PostAsync("/api/v1/delegated-admin/sync", null, Ct)).Read<GdapSyncResult>();

    private async Task<List<string>> CustomersOf(string agent) =>
        [.. (await (await (await App.ClientFor(agent)).GetAsync("/api/v1/customers", Ct)).Read<Page<CustomerView>>()).Items.Select(c => c.Name).Order()];

    private static async Task<PartnerTenant> DemoContoso() =>
        (await Scenario.ReadAsync(Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json"))).Partners.Single(p => p.TenantId == DemoWorld.Ids.Contoso);

    // One test, in steps: the fixture's database is shared, and each step starts from the last one's state.
    [Fact]
    public async Task The_stored_gdap_follows_microsoft_graph_and_so_does_the_helpdesk_agents_reach()
    {
        // Microsoft's side of the demo world is the demo seed: a sync adds and removes nothing. Pages of one item prove nextLink is followed.
        var contoso = await DemoContoso();
        microsoft.Simulator.Tenants.Set(contoso);
        microsoft.Simulator.State.PageSize = 1;
        var first = await Sync();
        Assert.Equal((true, 3, 0, 0, 0), (first.Succeeded, first.Relationships, first.Added, first.Removed, first.OtherTenants));
        Assert.Equal(["Adatum Corporation", "Litware Inc."], await CustomersOf(Demo.ContosoHelpdesk));
        var again = await Sync();
        Assert.Equal((0, 0, 0), (again.Added, again.Updated, again.Removed));

        // In Entra and Graph: Adatum's relationship is terminated, Tailspin grants the helpdesk group support roles, and a
        // relationship with a tenant that is not a customer here appears. The sales agent joins the helpdesk group.
        var adatum = contoso.Relationships.Single(r => r.DisplayName == "Contoso support Adatum");
        adatum.Status = "terminated";
        var tailspin = contoso.Relationships.Single(r => r.DisplayName == "Contoso Exchange Tailspin");
        tailspin.Assignments.Add(new AssignmentSpec { Id = Guid.NewGuid().ToString(), Group = DemoWorld.Ids.ContosoHelpdeskGroup, Roles = [ServiceSupport] });
        contoso.Relationships.Add(new RelationshipSpec
        {
            Id = "stranger",
            DisplayName = "Not a customer here",
            CustomerTenantId = Guid.NewGuid(),
            ActivatedAgo = TimeSpan.FromDays(1),
            Roles = [Helpdesk],
        });
        // Her sign-in name in Entra is not her address here; one of her e-mail aliases is (proxyAddresses).
        contoso.Groups.Single(g => g.Id == DemoWorld.Ids.ContosoHelpdeskGroup).Members.Add("megan@contoso.onmicrosoft.example smtp:SALES@contoso-cloud.example");
        microsoft.Simulator.Tenants.Set(contoso);

        var changed = await Sync();
        Assert.Equal((3, 1), (changed.Relationships, changed.OtherTenants));
        Assert.Equal(2, changed.Added); // Tailspin's new assignment, the sales agent's membership
        Assert.Equal(["Litware Inc.", "Tailspin Toys"], await CustomersOf(Demo.ContosoHelpdesk));
        var relationships = await (await (await App.ClientFor(Demo.ContosoAdmin)).GetAsync("/api/v1/delegated-admin/relationships", Ct)).Read<List<DelegatedAdminRelationshipView>>();
        Assert.Equal("terminated", relationships.Single(r => r.DisplayName == "Contoso support Adatum").Status);
        Assert.Equal(2, relationships.Single(r => r.DisplayName == "Contoso Exchange Tailspin").AccessAssignments.Count);

        // The relationship disappears from Graph altogether, and the escalation group is deleted in Entra.
        contoso.Relationships.Remove(adatum);
        contoso.Groups.RemoveAll(g => g.Id == DemoWorld.Ids.ContosoEscalationGroup);
        microsoft.Simulator.Tenants.Set(contoso);
        var removed = await Sync();
        Assert.Equal(2, removed.Relationships);
        Assert.True(removed.Removed >= 4, $"relationship, assignment, group and membership removed; was {removed.Removed}");
        relationships = await (await (await App.ClientFor(Demo.ContosoAdmin)).GetAsync("/api/v1/delegated-admin/relationships", Ct)).Read<List<DelegatedAdminRelationshipView>>();
        Assert.DoesNotContain(relationships, r => r.DisplayName == "Contoso support Adatum");

        // Microsoft refuses: 502 with the reason, nothing changes, and the state says so.
        microsoft.Simulator.State.AddFault(new Fault(FaultKind.Forbidden, DemoWorld.Ids.Contoso, Count: 10, PathContains: "tenantRelationships"));
        contoso.Relationships.Clear();
        microsoft.Simulator.Tenants.Set(contoso);
        var refused = await (await App.ClientFor(Demo.ContosoAdmin)).PostAsync("/api/v1/delegated-admin/sync", null, Ct);
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Contains("403", (await refused.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        microsoft.Simulator.State.ClearFaults();
        Assert.Equal(["Litware Inc.", "Tailspin Toys"], await CustomersOf(Demo.ContosoHelpdesk));
        var state = await (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync("/api/v1/delegated-admin/sync", Ct)).Read<GdapSyncStateView>();
        Assert.Contains("403", state.LastError, StringComparison.Ordinal);
        Assert.NotNull(state.LastSuccessAt);

        // Graph's ids are keys across the installation. Contoso's Graph names a relationship, an assignment and a group that
        // Fabrikam holds (two organisations set up with one partner tenant, say): they are skipped and counted, Fabrikam
        // keeps them, and the rest of Contoso's sync is stored. An assignment Graph lists under another relationship moves.
        contoso = await DemoContoso();
        var fabrikam = (await Scenario.ReadAsync(Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json"))).Partners.Single(p => p.TenantId == DemoWorld.Ids.Fabrikam);
        var theirs = fabrikam.Relationships[0];
        contoso.Relationships.Add(new RelationshipSpec
        {
            Id = theirs.Id,
            DisplayName = "Copied",
            CustomerTenantId = microsoft.TenantOf[DemoWorld.Ids.Adatum],
            ActivatedAgo = TimeSpan.FromDays(1),
            Roles = [Helpdesk],
        });
        var litware = contoso.Relationships.Single(r => r.DisplayName == "Contoso support Litware");
        var moved = litware.Assignments[0];
        litware.Assignments.Clear();
        contoso.Relationships.Single(r => r.DisplayName == "Contoso Exchange Tailspin").Assignments.Add(moved);
        contoso.Relationships.Single(r => r.DisplayName == "Contoso support Adatum").Assignments
            .Add(new AssignmentSpec { Id = theirs.Assignments[0].Id, Group = DemoWorld.Ids.FabrikamHelpdeskGroup, Roles = [Helpdesk] });
        contoso.Groups.Add(new GroupSpec { Id = DemoWorld.Ids.FabrikamHelpdeskGroup, DisplayName = "Not ours", Members = ["helpdesk@contoso-cloud.example"] });
        microsoft.Simulator.Tenants.Set(contoso);
        var collided = await Sync();
        Assert.True(collided.Succeeded);
        Assert.Equal((3, 3), (collided.Relationships, collided.Conflicts));
        relationships = await (await (await App.ClientFor(Demo.ContosoAdmin)).GetAsync("/api/v1/delegated-admin/relationships", Ct)).Read<List<DelegatedAdminRelationshipView>>();
        Assert.DoesNotContain(relationships, r => r.DisplayName == "Copied");
        Assert.Empty(relationships.Single(r => r.DisplayName == "Contoso support Litware").AccessAssignments);
        Assert.Contains(relationships.Single(r => r.DisplayName == "Contoso Exchange Tailspin").AccessAssignments, a => a.Id == moved.Id);
        Assert.Equal(["Adatum Corporation", "Tailspin Toys"], await CustomersOf(Demo.ContosoHelpdesk));
        var fabrikams = await (await (await App.ClientFor(Demo.FabrikamAdmin)).GetAsync("/api/v1/delegated-admin/relationships", Ct)).Read<List<DelegatedAdminRelationshipView>>();
        Assert.Equal(theirs.DisplayName, fabrikams.Single(r => r.Id == theirs.Id).DisplayName);
        Assert.Equal(["Wide World Importers", "Woodgrove Bank"], await CustomersOf(Demo.FabrikamHelpdesk));

        // Only admins start a sync.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).PostAsync("/api/v1/delegated-admin/sync", null, Ct)).StatusCode);
        microsoft.Simulator.State.PageSize = 100;
    }
}
