using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>
/// Two PartnerDesk processes on one PostgreSQL and one redis-server, one browser (issue 20): signing in works across
/// them, and an agent's queue on one instance shows, live, a ticket filed on the other. PostgreSQL only.
/// </summary>
public sealed class TwoInstanceTests : IAsyncLifetime
{
    private PartnerDesk.Simulator.RunningSimulator? simulator;
    private RedisServer? redis;
    private HostProcess? a;
    private HostProcess? b;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public async ValueTask InitializeAsync()
    {
        if (!TestDatabase.IsPostgres)
        {
            return;
        }

        simulator = await PartnerDesk.Simulator.RunningSimulator.StartAsync();
        redis = await RedisServer.StartAsync();
        var database = await TestDatabase.CreateAsync();
        var settings = new Dictionary<string, string>
        {
            ["PartnerDesk:Redis"] = redis.ConnectionString,
            ["PartnerDesk:Microsoft:GraphBaseUrl"] = simulator.GraphBaseUrl.ToString(),
            ["PartnerDesk:Microsoft:LoginBaseUrl"] = simulator.Address.ToString(),
            ["PartnerDesk:Microsoft:PartnerCenterBaseUrl"] = simulator.Address.ToString(),
            ["PartnerDesk:Escalations:Enabled"] = "false",
            // A build that is not published serves the framework's scripts (blazor.web.js) from its static web assets
            // manifest, which the host reads in Development only.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        };
        a = await HostProcess.Start(database, settings);
        b = await HostProcess.Start(database, settings);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(BrowserFixture.Artifacts);
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        foreach (var host in new[] { a, b })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        if (redis is not null)
        {
            await redis.DisposeAsync();
        }

        if (simulator is not null)
        {
            await simulator.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_agent_on_instance_B_sees_a_ticket_filed_on_instance_A_arrive_live()
    {
        if (!TestDatabase.IsPostgres)
        {
            Assert.Skip("Several instances share one PostgreSQL; SQLite is for one instance.");
        }

        var (onA, onB) = (a!.Address.ToString().TrimEnd('/'), b!.Address.ToString().TrimEnd('/'));
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        var agent = await context.NewPageAsync();
        agent.SetDefaultTimeout(30_000);
        agent.SetDefaultNavigationTimeout(60_000);

        // The sign-in form comes from A and is posted to B: B accepts A's antiforgery token, and signs the agent in.
        await agent.GotoAsync(onA + "/signin");
        await agent.FillAsync("#email", Demo.ContosoAdmin);
        await agent.FillAsync("#password", TestDatabase.DemoPassword);
        await agent.EvalOnSelectorAsync("form:has(#email)", "(form, action) => form.action = action", onB + "/signin");
        await agent.ClickAsync("#signin");
        await agent.WaitForURLAsync(url => url.StartsWith(onB, StringComparison.Ordinal) && !url.Contains("/signin", StringComparison.Ordinal),
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });

        // The cookie B issued is good on A too (same host, other port: the browser sends it to both).
        await agent.GotoAsync(onA + "/console");
        await BrowserFixture.WaitForInteractive(agent, "queue");

        // The agent's queue is open on B; a ticket is filed through A's API.
        await agent.GotoAsync(onB + "/console");
        await BrowserFixture.WaitForInteractive(agent, "queue");
        var title = $"Filed on instance A {Guid.NewGuid():N}";
        var api = await a.ClientFor(Demo.ContosoAdmin);
        var filed = await api.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title, description = "Seen on B?", severity = "B", kind = "Incident" });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);

        // B's queue shows it without a reload: A told B through Redis.
        await Assertions.Expect(agent.Locator("#queue tbody tr", new PageLocatorOptions { HasText = title })).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await BrowserFixture.Screenshot(agent, "two-instances-queue-on-b");
        await context.CloseAsync();
    }
}
