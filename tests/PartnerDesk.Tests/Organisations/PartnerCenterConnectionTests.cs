using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.Setup;
using PartnerDesk.Simulator.Graph;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Organisations;

/// <summary>Connecting Partner Center from the console: consent at the (simulated) Entra ID, the grant kept encrypted and rotated.</summary>
public sealed class PartnerCenterConnectionTests(MicrosoftSignInWorld world) : IClassFixture<MicrosoftSignInWorld>
{
    private PartnerDeskApp App => world.App;

    private Task<PartnerCenterConnection?> Stored(Guid organisation) =>
        App.InDatabase(organisation, db => db.Set<PartnerCenterConnection>().AsNoTracking().FirstOrDefaultAsync());

    private async Task<HttpClient> AdminBrowser(string email)
    {
        var browser = world.Browser();
        await MicrosoftSignInWorld.PasswordSignIn(browser, email);
        return browser;
    }

    [Fact]
    public async Task An_admin_connects_partner_center_and_the_grant_is_stored_encrypted_and_replaced_by_each_rotated_token()
    {
        using var browser = await AdminBrowser(Demo.ContosoAdmin);
        var api = await App.ClientFor(Demo.ContosoAdmin); // the API changes state for a bearer token only
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/v1/partner-center/connection")).StatusCode);
        Assert.False((await (await browser.GetAsync("/api/v1/partner-center/connection")).Read<PartnerCenterConnectionView>()).Connected);
        var escalate = await (await App.ClientFor(Demo.ContosoAdmin)).PostAsync("/api/v1/customers/import", null);
        Assert.Contains("not connected", (await escalate.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal("/console/setup?partnerCenter=connected", await world.ConnectPartnerCenter(browser, Demo.ContosoAdmin));
        var stored = await Stored(DemoWorld.Ids.Contoso);
        Assert.NotNull(stored);
        Assert.Equal(DemoWorld.Ids.Contoso, stored.PartnerTenantId);
        Assert.Equal(Demo.ContosoAdmin, stored.ConnectedBy);
        Assert.Equal(ConnectionSource.Console, stored.Source);
        Assert.DoesNotContain("0.A", stored.ProtectedRefreshToken, StringComparison.Ordinal); // never the token itself

        // The first call redeems the grant; Entra ID hands back a new refresh token, which replaces the stored one.
        var check = await api.PostAsync("/api/v1/partner-center/connection/check", null);
        var view = await check.Read<PartnerCenterConnectionView>();
        Assert.True(view.Connected);
        Assert.NotNull(view.RefreshedAt);
        Assert.NotEqual(stored.ProtectedRefreshToken, (await Stored(DemoWorld.Ids.Contoso))!.ProtectedRefreshToken);

        var setup = await (await browser.GetAsync("/api/v1/setup")).Read<SetupChecklistView>();
        Assert.Equal(StepState.Done, setup.Steps.Single(s => s.Key == "partner-center").State);
        (await (await App.ClientFor(Demo.ContosoAdmin)).PostAsync("/api/v1/customers/import", null)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_revoked_grant_shows_as_broken_with_entra_s_reason_until_an_admin_connects_again()
    {
        using var browser = await AdminBrowser(Demo.FabrikamAdmin);
        var api = await App.ClientFor(Demo.FabrikamAdmin); // the API changes state for a bearer token only
        world.Simulator.SignIn.RevokeGrants(DemoWorld.Ids.Fabrikam);

        var view = await (await api.PostAsync("/api/v1/partner-center/connection/check", null)).Read<PartnerCenterConnectionView>();
        Assert.False(view.Connected);
        Assert.Contains("AADSTS50173", view.Broken, StringComparison.Ordinal);
        var step = (await (await browser.GetAsync("/api/v1/setup")).Read<SetupChecklistView>()).Steps.Single(s => s.Key == "partner-center");
        Assert.Equal(StepState.Failing, step.State);
        Assert.Equal("/connect/partner-center", step.Link);

        // Whatever needs Partner Center says why, and nothing is half done.
        var import = await (await App.ClientFor(Demo.FabrikamAdmin)).PostAsync("/api/v1/customers/import", null);
        Assert.Contains("connected again", (await import.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal("/console/setup?partnerCenter=connected", await world.ConnectPartnerCenter(browser, Demo.FabrikamAdmin));
        Assert.True((await (await api.PostAsync("/api/v1/partner-center/connection/check", null)).Read<PartnerCenterConnectionView>()).Connected);
    }

    [Fact]
    public async Task An_outage_of_entra_id_is_a_502_and_changes_nothing_stored()
    {
        using var browser = await AdminBrowser(Demo.ContosoAdmin);
        var api = await App.ClientFor(Demo.ContosoAdmin); // the API changes state for a bearer token only
        var before = await Stored(DemoWorld.Ids.Contoso);
        world.Simulator.SignIn.ArmTokenOutage();
        var check = await api.PostAsync("/api/v1/partner-center/connection/check", null);
        Assert.Contains("without a token answer", (await check.Problem(HttpStatusCode.BadGateway)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var after = await Stored(DemoWorld.Ids.Contoso);
        Assert.Equal((before?.ProtectedRefreshToken, before?.Broken), (after?.ProtectedRefreshToken, after?.Broken));
    }

    [Fact]
    public async Task A_declined_consent_and_an_account_of_another_tenant_change_nothing()
    {
        using var browser = await AdminBrowser(Demo.NorthwindAdmin);
        var before = await Stored(DemoWorld.Ids.Northwind);
        Assert.NotNull(before);

        Assert.Equal("/console/setup?partnerCenter=declined", await world.ConnectPartnerCenter(browser, Demo.NorthwindAdmin, cancel: true));
        Assert.Equal("/console/setup?partnerCenter=wrong-tenant", await world.ConnectPartnerCenter(browser, Demo.ContosoAdmin));
        Assert.Equal("/console/setup?partnerCenter=wrong-tenant", await world.ConnectPartnerCenter(browser, Demo.AdatumIt));
        var after = await Stored(DemoWorld.Ids.Northwind);
        Assert.Equal(before.ProtectedRefreshToken, after!.ProtectedRefreshToken);
        Assert.Equal(before.ConnectedAt, after.ConnectedAt);

        var page = await browser.GetStringAsync("/console/setup?partnerCenter=wrong-tenant");
        Assert.Contains("another tenant", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_an_admin_connects_and_sees_the_connection()
    {
        using var helpdesk = world.Browser();
        await MicrosoftSignInWorld.PasswordSignIn(helpdesk, Demo.ContosoHelpdesk);
        var start = await helpdesk.GetAsync("/connect/partner-center");
        Assert.False(start.Headers.Location?.ToString().StartsWith(world.Simulator.Address.ToString(), StringComparison.Ordinal) ?? false, "A helpdesk agent was sent to consent.");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync("/api/v1/partner-center/connection")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).DeleteAsync("/api/v1/partner-center/connection")).StatusCode);
    }

    [Fact]
    public async Task A_configured_refresh_token_works_without_the_console_and_its_rotations_are_kept()
    {
        var token = SimulatedGrants.ForPartnerCenter(DemoWorld.Ids.Alpine, Demo.AlpineAgent, MicrosoftSignInWorldClient);
        await using var app = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:Microsoft:GraphBaseUrl"] = world.Simulator.GraphBaseUrl.ToString(),
            ["PartnerDesk:Microsoft:LoginBaseUrl"] = world.Simulator.Address.ToString(),
            ["PartnerDesk:Microsoft:PartnerCenterBaseUrl"] = world.Simulator.Address.ToString(),
            [$"PartnerDesk:Microsoft:PartnerCenterAccounts:{DemoWorld.Ids.Alpine}:TenantId"] = DemoWorld.Ids.Alpine.ToString(),
            [$"PartnerDesk:Microsoft:PartnerCenterAccounts:{DemoWorld.Ids.Alpine}:RefreshToken"] = token,
            ["PartnerDesk:CustomerImport:Enabled"] = "false",
            ["PartnerDesk:ContactImport:Enabled"] = "false",
        });
        Assert.Null(await app.InDatabase(DemoWorld.Ids.Alpine, db => db.Set<PartnerCenterConnection>().FirstOrDefaultAsync()));

        var tokens = app.Services.GetRequiredService<PartnerCenterTokens>();
        Assert.False(string.IsNullOrEmpty(await tokens.GetTokenAsync(DemoWorld.Ids.Alpine, CancellationToken.None)));
        var kept = await app.InDatabase(DemoWorld.Ids.Alpine, db => db.Set<PartnerCenterConnection>().AsNoTracking().FirstAsync());
        Assert.Equal(ConnectionSource.Configuration, kept.Source);
        Assert.Equal(PartnerCenterConnections.Hash(token), kept.ConfiguredTokenHash);

        // The rotated token, not the configured one, is redeemed next.
        tokens.Forget(DemoWorld.Ids.Alpine);
        await tokens.GetTokenAsync(DemoWorld.Ids.Alpine, CancellationToken.None);
        Assert.NotEqual(kept.ProtectedRefreshToken, (await app.InDatabase(DemoWorld.Ids.Alpine, db => db.Set<PartnerCenterConnection>().AsNoTracking().FirstAsync())).ProtectedRefreshToken);

        // Revoked at Entra ID: the configured grant shows as broken, not as connected through the environment.
        world.Simulator.SignIn.RevokeGrants(DemoWorld.Ids.Alpine);
        tokens.Forget(DemoWorld.Ids.Alpine);
        await Assert.ThrowsAsync<PartnerCenterNotConnectedException>(() => tokens.GetTokenAsync(DemoWorld.Ids.Alpine, CancellationToken.None));
        var broken = await app.InDatabase(DemoWorld.Ids.Alpine, db => db.Set<PartnerCenterConnection>().AsNoTracking().FirstAsync());
        Assert.Contains("AADSTS50173", broken.Broken, StringComparison.Ordinal);
    }

    private const string MicrosoftSignInWorldClient = PartnerDesk.MicrosoftApis.EntraApp.SimulatedClientId;
}
