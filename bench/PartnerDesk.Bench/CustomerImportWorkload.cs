using System.Diagnostics;
using PartnerDesk.Features.Demo;
using PartnerDesk.Simulator;
using PartnerDesk.Simulator.PartnerCenter;

namespace PartnerDesk.Bench;

/// <summary>
/// Going live (issue 16): the simulated Partner Center lists 10,000 customers of Contoso (the demo scenario's five and
/// made-up ones, 500 a page); the admin imports them through the host's API, then again (nothing new), then
/// after 100 renamed and 100 gone.
/// </summary>
public static class CustomerImportWorkload
{
    public sealed record Figures(int Customers, double FirstSeconds, double AgainSeconds, double ChangedSeconds, string First, string Changed);

    public static async Task<Figures> Run(BenchDatabase database, string hostDll, string logPath, int customers = 10_000)
    {
        await using var simulator = await RunningSimulator.StartAsync(await Scenario.ReadAsync(Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json")), autoplay: false);
        var named = simulator.Customers.Count(DemoWorld.Ids.Contoso); // the demo scenario's own (five)
        simulator.Customers.SetMadeUp(DemoWorld.Ids.Contoso, customers - named);
        await using var host = await HostUnderTest.Start(hostDll, database, logPath, new Dictionary<string, string>
        {
            ["PartnerDesk__Microsoft__UseSimulator"] = "false",
            ["PartnerDesk__Microsoft__GraphBaseUrl"] = simulator.GraphBaseUrl.ToString(),
            ["PartnerDesk__Microsoft__LoginBaseUrl"] = simulator.Address.ToString(),
            ["PartnerDesk__Microsoft__PartnerCenterBaseUrl"] = simulator.Address.ToString(),
            ["PartnerDesk__CustomerImport__Enabled"] = "false",
            // Partner Center's account as automation sets it: a refresh token in the environment (the simulator's).
            [$"PartnerDesk__Microsoft__PartnerCenterAccounts__{DemoWorld.Ids.Contoso}__TenantId"] = DemoWorld.Ids.Contoso.ToString(),
            [$"PartnerDesk__Microsoft__PartnerCenterAccounts__{DemoWorld.Ids.Contoso}__RefreshToken"] =
                PartnerDesk.Simulator.Graph.SimulatedGrants.ForPartnerCenter(DemoWorld.Ids.Contoso, "admin@contoso-cloud.example", PartnerDesk.MicrosoftApis.EntraApp.SimulatedClientId),
        });
        using var api = new ApiWorkload(host.Address, 1);
        await api.SignIn("admin@contoso-cloud.example", BenchDatabase.DemoPassword);

        var watch = Stopwatch.StartNew();
        var first = await api.Send(HttpMethod.Post, "/api/v1/customers/import", new { });
        var firstSeconds = watch.Elapsed.TotalSeconds;
        if (first.GetProperty("listed").GetInt32() != customers)
        {
            throw new InvalidOperationException($"The import did not read every customer: {first}");
        }

        watch.Restart();
        await api.Send(HttpMethod.Post, "/api/v1/customers/import", new { });
        var againSeconds = watch.Elapsed.TotalSeconds;

        // 100 leave (the last made-up ones) and 100 are renamed (named ones, listed first).
        simulator.Customers.SetMadeUp(DemoWorld.Ids.Contoso, customers - named - 100);
        var demo = simulator.Customers.Page(DemoWorld.Ids.Contoso, 0, named)
            .Select(c => (Guid.Parse(c.CompanyProfile.TenantId), c.CompanyProfile.CompanyName, c.CompanyProfile.Domain));
        simulator.Customers.Set(DemoWorld.Ids.Contoso, demo.Concat(Enumerable.Range(0, 100)
            .Select(i => (CustomerDirectory.MadeUpTenant(DemoWorld.Ids.Contoso, i), $"Renamed customer {i + 1:D5}", $"customer{i + 1:D5}.onmicrosoft.com"))).ToList());
        watch.Restart();
        var changed = await api.Send(HttpMethod.Post, "/api/v1/customers/import", new { });
        return new Figures(customers, firstSeconds, againSeconds, watch.Elapsed.TotalSeconds, first.ToString(), changed.ToString());
    }
}
