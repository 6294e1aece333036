using System.Diagnostics;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Workspace;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Simulator;
using PartnerDesk.Simulator.PartnerCenter;

namespace PartnerDesk.Bench;

/// <summary>
/// The customer workspace (issue 7): Adatum (demo customer, GDAP and a contract) gets 200 tickets through the API
/// (a fifth left open, the rest closed) and 50 subscriptions in the simulated Partner Center; then the workspace is
/// read by the helpdesk agent in process and over HTTP (API and console page), with Microsoft's facts kept and read live.
/// </summary>
public static class WorkspaceWorkload
{
    public sealed record Figures(int Tickets, int Open, int Subscriptions, LatencySummary InProcess, LatencySummary Api, LatencySummary Page, LatencySummary FactsKept, LatencySummary FactsLive);

    public static async Task<Figures> Run(BenchDatabase database, string hostDll, string logPath, int requests)
    {
        await using var simulator = await RunningSimulator.StartAsync(await Scenario.ReadAsync(Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json")));
        var tenant = Guid.Empty;
        await using (var db = database.NewContext(System()))
        {
            tenant = (await db.Customers.FindAsync(DemoWorld.Ids.Adatum))!.TenantId;
        }

        var now = DateTimeOffset.UtcNow;
        simulator.Subscriptions.Set(tenant, [.. Enumerable.Range(1, 50).Select(i => (new Subscription
        {
            Id = Guid.NewGuid().ToString(),
            OfferId = $"CFQ7TTC0{i:D4}:0001",
            OfferName = $"Bench product {i}",
            FriendlyName = $"Bench product {i}",
            Quantity = 10 + i,
            CreationDate = now.AddDays(-i * 7),
            EffectiveStartDate = now.AddDays(-i),
            CommitmentEndDate = now.AddDays(365 - i),
            RefundOptions = i < 7 ? [new RefundOption { ExpiresAt = now.AddDays(7 - i) }] : [],
        }, 5 + i))]);

        await using var host = await HostUnderTest.Start(hostDll, database, logPath, new Dictionary<string, string>
        {
            ["PartnerDesk__Microsoft__UseSimulator"] = "false",
            ["PartnerDesk__Microsoft__GraphBaseUrl"] = simulator.GraphBaseUrl.ToString(),
            ["PartnerDesk__Microsoft__LoginBaseUrl"] = simulator.Address.ToString(),
            ["PartnerDesk__Microsoft__PartnerCenterBaseUrl"] = simulator.Address.ToString(),
            // Partner Center's account as automation sets it (the bench seeds no console connection).
            [$"PartnerDesk__Microsoft__PartnerCenterAccounts__{DemoWorld.Ids.Contoso}__TenantId"] = DemoWorld.Ids.Contoso.ToString(),
            [$"PartnerDesk__Microsoft__PartnerCenterAccounts__{DemoWorld.Ids.Contoso}__RefreshToken"] =
                PartnerDesk.Simulator.Graph.SimulatedGrants.ForPartnerCenter(DemoWorld.Ids.Contoso, "admin@contoso-cloud.example", PartnerDesk.MicrosoftApis.EntraApp.SimulatedClientId),
        });
        using var api = new ApiWorkload(host.Address, 4);
        await api.SignIn("helpdesk@contoso-cloud.example", BenchDatabase.DemoPassword);
        var random = new Random(7);
        var open = 0;
        for (var i = 0; i < 200; i++)
        {
            var ticket = await api.Send(HttpMethod.Post, "/api/v1/tickets", new
            {
                customerId = DemoWorld.Ids.Adatum,
                title = $"Bench request {i}: Outlook keeps asking for the password",
                description = "Since this morning Outlook asks for the password again and again.",
                severity = "ABC"[random.Next(3)].ToString(),
                kind = random.Next(4) == 0 ? "ServiceRequest" : "Incident",
            });
            if (i % 5 == 0)
            {
                open++;
                continue;
            }

            await api.Send(HttpMethod.Patch, $"/api/v1/tickets/{ticket.GetProperty("id").GetGuid()}", new { status = "Closed" });
        }

        var view = await api.Get($"/api/v1/customers/{DemoWorld.Ids.Adatum}/workspace");
        var facts = await api.Get($"/api/v1/customers/{DemoWorld.Ids.Adatum}/tenant?refresh=true");
        var subscriptions = facts.GetProperty("subscriptions").GetProperty("value").GetArrayLength();
        if (subscriptions != 50 || view.GetProperty("access").GetArrayLength() == 0 || view.GetProperty("openTicketCount").GetInt32() < open)
        {
            throw new InvalidOperationException($"The workspace does not show what was seeded: {subscriptions} subscriptions, {view}");
        }

        var helpdesk = new Caller();
        helpdesk.ActAsAgent(DemoWorld.Ids.Contoso, DemoWorld.Ids.ContosoHelpdesk, PartnerDesk.Platform.Tenancy.AgentRole.HelpdeskAgent);
        var latencies = new Latencies();
        for (var i = 0; i < 20 + requests; i++)
        {
            await using var db = database.NewContext(helpdesk);
            var started = Stopwatch.GetTimestamp();
            _ = await CustomerWorkspace.Of(db, DemoWorld.Ids.Adatum, DateTimeOffset.UtcNow, TimeSpan.FromDays(30), CancellationToken.None)
                ?? throw new InvalidOperationException("The workspace is not reachable in process.");
            if (i >= 20)
            {
                latencies.Add(Stopwatch.GetTimestamp() - started);
            }
        }

        return new Figures(
            200, open, subscriptions, latencies.Summarise(),
            await api.MeasureGet($"/api/v1/customers/{DemoWorld.Ids.Adatum}/workspace", 20, requests),
            await api.MeasureGet($"/console/customers/{DemoWorld.Ids.Adatum}", 20, requests),
            await api.MeasureGet($"/api/v1/customers/{DemoWorld.Ids.Adatum}/tenant", 20, requests),
            await api.MeasureGet($"/api/v1/customers/{DemoWorld.Ids.Adatum}/tenant?refresh=true", 5, Math.Min(requests, 100)));
    }

    private static Caller System()
    {
        var caller = new Caller();
        caller.ActAsSystem(DemoWorld.Ids.Contoso);
        return caller;
    }
}
