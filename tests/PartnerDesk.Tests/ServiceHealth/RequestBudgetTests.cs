using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Demo;
using PartnerDesk.Simulator;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.ServiceHealth;

/// <summary>PartnerDesk keeps within Microsoft's per-tenant request limit, here shrunk to 3 requests per 2 seconds.</summary>
public sealed class RequestBudgetTests : IAsyncLifetime
{
    private RunningSimulator simulator = null!;
    private PartnerDeskApp app = null!;

    public async ValueTask InitializeAsync()
    {
        simulator = await RunningSimulator.StartAsync();
        app = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:Microsoft:GraphBaseUrl"] = simulator.GraphBaseUrl.ToString(),
            ["PartnerDesk:Microsoft:LoginBaseUrl"] = simulator.Address.ToString(),
            ["PartnerDesk:Microsoft:GraphRequestsPerTenant"] = "3",
            ["PartnerDesk:Microsoft:GraphRequestWindow"] = "00:00:02",
        });
        app.CreateClient().Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await simulator.DisposeAsync();
    }

    [Fact]
    public async Task No_window_holds_more_requests_to_one_tenant_than_the_budget()
    {
        var tenant = await app.InDatabase(DemoWorld.Ids.Contoso, db => db.Customers.Where(c => c.Id == DemoWorld.Ids.Adatum).Select(c => c.TenantId).SingleAsync());
        var admin = await app.ClientFor(Demo.ContosoAdmin);

        // Two syncs at once: six Graph requests to one tenant against a budget of three per window.
        var syncs = await Task.WhenAll(
            admin.PostAsJsonAsync("/api/v1/service-health/sync", new { customerId = DemoWorld.Ids.Adatum }),
            admin.PostAsJsonAsync("/api/v1/service-health/sync", new { customerId = DemoWorld.Ids.Adatum }));

        Assert.All(syncs, s => Assert.True(s.IsSuccessStatusCode));
        var graph = simulator.State.Answered().Where(a => a.Tenant == tenant && a.Route != "token").Select(a => a.At).Order().ToList();
        Assert.Equal(6, graph.Count);
        // The fourth request waits until the first one's part of the window has passed (window less one of its six segments).
        for (var i = 0; i + 3 < graph.Count; i++)
        {
            Assert.True(graph[i + 3] - graph[i] >= TimeSpan.FromSeconds(2) - TimeSpan.FromSeconds(2.0 / 6) - TimeSpan.FromMilliseconds(50), $"Requests {i} and {i + 3} came {(graph[i + 3] - graph[i]).TotalMilliseconds:F0} ms apart.");
        }
    }
}
