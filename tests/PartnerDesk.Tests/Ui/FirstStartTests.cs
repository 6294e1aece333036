using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Ui;

/// <summary>What an empty database gets at first start in production: the first admin, no demo world.</summary>
public sealed class FirstStartTests
{
    [Fact]
    public async Task Production_start_creates_the_first_admin_and_no_demo_world()
    {
        await using var app = new PartnerDeskApp(await TestDatabase.CreateEmptyAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:DemoMode"] = "false",
            ["PartnerDesk:Admin:Organisation"] = "Proseware Cloud",
            ["PartnerDesk:Admin:OrganisationKind"] = "IndirectReseller",
            ["PartnerDesk:Admin:Email"] = "owner@proseware.example",
            ["PartnerDesk:Admin:Password"] = "a long enough passphrase",
            ["PartnerDesk:Admin:DisplayName"] = "Pat Owner",
        });
        using var client = app.CreateClient();

        var token = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "owner@proseware.example", password = "a long enough passphrase" });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var demo = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = Demo.ContosoAdmin, password = TestDatabase.DemoPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, demo.StatusCode);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var organisation = await db.Organisations.IgnoreQueryFilters().SingleAsync();
        Assert.Equal(("Proseware Cloud", OrganisationKind.IndirectReseller), (organisation.Name, organisation.Kind));
        var agent = await db.Agents.IgnoreQueryFilters().SingleAsync();
        Assert.Equal(("Pat Owner", AgentRole.AdminAgent), (agent.DisplayName, agent.Role));
    }

    [Fact]
    public async Task A_first_admin_password_that_breaks_the_rules_stops_the_start()
    {
        var connection = await TestDatabase.CreateEmptyAsync();
        var app = new PartnerDeskApp(connection, settings: new Dictionary<string, string>
        {
            ["PartnerDesk:DemoMode"] = "false",
            ["PartnerDesk:Admin:Organisation"] = "Proseware Cloud",
            ["PartnerDesk:Admin:Email"] = "owner@proseware.example",
            ["PartnerDesk:Admin:Password"] = "short",
        });
        var failure = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("first admin", failure.ToString(), StringComparison.Ordinal);
        await app.DisposeAsync();

        // Nothing was half-written: the next start, with a good password, creates organisation and admin.
        await using var fixedApp = new PartnerDeskApp(connection, settings: new Dictionary<string, string>
        {
            ["PartnerDesk:DemoMode"] = "false",
            ["PartnerDesk:Admin:Organisation"] = "Proseware Cloud",
            ["PartnerDesk:Admin:Email"] = "owner@proseware.example",
            ["PartnerDesk:Admin:Password"] = "a long enough passphrase",
        });
        using var client = fixedApp.CreateClient();
        var token = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "owner@proseware.example", password = "a long enough passphrase" });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }
}
