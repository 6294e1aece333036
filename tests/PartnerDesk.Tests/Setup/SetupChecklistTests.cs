using System.Net;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Setup;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Setup;

public sealed class SetupChecklistTests(MicrosoftSignInWorld world) : IClassFixture<MicrosoftSignInWorld>
{
    private PartnerDeskApp App => world.App;

    [Fact]
    public async Task The_checklist_shows_each_step_done_not_done_or_failing_from_what_is_stored()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var before = await (await admin.GetAsync("/api/v1/setup")).Read<SetupChecklistView>();
        StepState State(SetupChecklistView view, string key) => view.Steps.Single(s => s.Key == key).State;
        Assert.Equal(9, before.Steps.Count);
        Assert.Equal(StepState.Done, State(before, "partner-center"));     // the simulator stands in for Partner Center
        Assert.Equal(StepState.NotDone, State(before, "customers"));       // the demo's customers were seeded, not imported
        Assert.Equal(StepState.NotDone, State(before, "mailbox"));
        Assert.Equal(StepState.Done, State(before, "plans"));
        Assert.Equal(StepState.Done, State(before, "agents"));
        Assert.Equal(StepState.Done, State(before, "microsoft-sign-in"));

        // Customers imported; Adatum's tenant refuses service health: that step fails and names the customer.
        (await admin.PostAsync("/api/v1/customers/import", null)).EnsureSuccessStatusCode();
        await App.InDatabase(DemoWorld.Ids.Contoso, db =>
        {
            db.Set<HealthSyncState>().Add(new HealthSyncState { CustomerId = DemoWorld.Ids.Adatum, OrganisationId = DemoWorld.Ids.Contoso, LastError = "AADSTS65001: no consent", NextDueAt = DateTimeOffset.UtcNow });
            return db.SaveChangesAsync();
        });
        var after = await (await admin.GetAsync("/api/v1/setup")).Read<SetupChecklistView>();
        Assert.Equal(StepState.Done, State(after, "customers"));
        Assert.Equal(StepState.Failing, State(after, "service-health"));
        var consent = Assert.Single(after.ConsentNeeded);
        Assert.Equal("Adatum Corporation", consent.Customer);
        Assert.Contains("AADSTS65001", consent.Reason, StringComparison.Ordinal);

        // For admins only; and the page shows it.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync("/api/v1/setup")).StatusCode);
        using var browser = await App.CookieClientFor(Demo.ContosoAdmin);
        var page = await browser.GetStringAsync("/console/setup");
        Assert.Contains("data-step=\"service-health\" data-state=\"Failing\"", page, StringComparison.Ordinal);
        Assert.Contains("Adatum Corporation", page, StringComparison.Ordinal);
    }
}
