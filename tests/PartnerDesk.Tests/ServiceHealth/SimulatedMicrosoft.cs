using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Demo;
using PartnerDesk.Simulator;
using PartnerDesk.Simulator.Graph;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.ServiceHealth;

/// <summary>A host on its own database, talking to a simulator of Microsoft on its own port.</summary>
public sealed class SimulatedMicrosoft : IAsyncLifetime
{
    public RunningSimulator Simulator { get; private set; } = null!;
    public PartnerDeskApp App { get; private set; } = null!;
    public Dictionary<Guid, Guid> TenantOf { get; } = [];

    public async ValueTask InitializeAsync()
    {
        Simulator = await RunningSimulator.StartAsync();
        App = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:Microsoft:GraphBaseUrl"] = Simulator.GraphBaseUrl.ToString(),
            ["PartnerDesk:Microsoft:LoginBaseUrl"] = Simulator.Address.ToString(),
            ["PartnerDesk:Microsoft:PartnerCenterBaseUrl"] = Simulator.Address.ToString(),
            ["PartnerDesk:Microsoft:MaxRetries"] = "2",
        });
        App.CreateClient().Dispose();
        foreach (var organisation in new[] { DemoWorld.Ids.Contoso, DemoWorld.Ids.Fabrikam })
        {
            var customers = await App.InDatabase(organisation, db => db.Customers.Select(c => new { c.Id, c.TenantId }).ToListAsync());
            customers.ForEach(c => TenantOf[c.Id] = c.TenantId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    /// <summary>Microsoft opens an incident in the tenants of these customers.</summary>
    public void Open(string id, string service, string title, string impact, params Guid[] customers) => Simulator.State.Apply(new ScenarioStep
    {
        Action = "openIssue",
        Tenants = [.. customers.Select(c => TenantOf[c])],
        Issue = new ServiceHealthIssue
        {
            Id = id,
            Service = service,
            Title = title,
            ImpactDescription = impact,
            Classification = "incident",
            Status = "serviceDegradation",
            Feature = "Mail flow",
            FeatureGroup = "E-Mail and calendar access",
        },
        Post = $"<p>We're investigating {id}.</p>",
    });

    public void Post(string id, string text, bool resolve = false) => Simulator.State.Apply(new ScenarioStep
    {
        Action = resolve ? "resolveIssue" : "addPost",
        IssueId = id,
        Post = text,
        Status = resolve ? "serviceRestored" : "restoringService",
    });

    public async Task<Features.ServiceHealth.SyncResult> Sync(Guid customerId, string agent = Demo.ContosoAdmin)
    {
        var client = await App.ClientFor(agent);
        var response = await client.PostAsJsonAsync("/api/v1/service-health/sync", new { customerId });
        return await response.Read<Features.ServiceHealth.SyncResult>();
    }
}
