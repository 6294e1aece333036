using System.Net;
using System.Net.Http.Json;
using Npgsql;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Features.Webhooks;
using PartnerDesk.Simulator;
using PartnerDesk.Tests.Infrastructure;
using PartnerDesk.Tests.Webhooks;

namespace PartnerDesk.Tests.ScaleOut;

/// <summary>
/// Two real PartnerDesk processes on one PostgreSQL and one real redis-server (issue 20): what one instance does, the
/// other hears of; the outbox runs once across them and carries on when its holder is killed; Redis going away
/// stops nothing. PostgreSQL only: SQLite is the embedded database of a single instance.
/// </summary>
public sealed class TwoInstanceTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RunningSimulator simulator = null!;
    private RedisServer redis = null!;
    private WebhookReceiver receiver = null!;
    private string database = "";
    private readonly List<HostProcess> hosts = [];

    public async ValueTask InitializeAsync()
    {
        if (!TestDatabase.IsPostgres)
        {
            return;
        }

        simulator = await RunningSimulator.StartAsync();
        redis = await RedisServer.StartAsync();
        receiver = await WebhookReceiver.StartAsync();
        database = await TestDatabase.CreateAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        if (TestDatabase.IsPostgres)
        {
            await receiver.DisposeAsync();
            await redis.DisposeAsync();
            await simulator.DisposeAsync();
        }
    }

    private static void OnPostgresOnly()
    {
        if (!TestDatabase.IsPostgres)
        {
            Assert.Skip("Several instances share one PostgreSQL; SQLite is for one instance.");
        }
    }

    private async Task<HostProcess> Start(IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["PartnerDesk:Redis"] = redis.ConnectionString,
            ["PartnerDesk:Microsoft:GraphBaseUrl"] = simulator.GraphBaseUrl.ToString(),
            ["PartnerDesk:Microsoft:LoginBaseUrl"] = simulator.Address.ToString(),
            ["PartnerDesk:Microsoft:PartnerCenterBaseUrl"] = simulator.Address.ToString(),
            ["PartnerDesk:Outbox:Tick"] = "00:00:00.200",
            ["PartnerDesk:Escalations:Enabled"] = "false",
            // The harness runs the host from an empty directory, without wwwroot, which the static files warn about once.
            ["Logging:LogLevel:Microsoft.AspNetCore.StaticFiles"] = "Error",
            ["Logging:LogLevel:PartnerDesk.Platform.ScaleOut"] = "Information", // what a failure's message shows
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var host = await HostProcess.Start(database, settings);
        hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task A_subscription_made_on_one_instance_is_heard_at_once_on_the_other_and_each_event_goes_out_once()
    {
        OnPostgresOnly();
        var (a, b) = (await Start(), await Start());
        var (adminA, adminB) = (await a.ClientFor(Demo.ContosoAdmin), await b.ClientFor(Demo.ContosoAdmin));

        // B has learnt that nobody subscribes (it keeps that for half a minute)...
        await File(adminB, "before any subscription");
        // ...when A's admin subscribes: B hears of it through Redis and records its next ticket's event.
        await Subscribe(adminA, receiver.Url);
        var filed = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            filed.Add((await File(i % 2 == 0 ? adminB : adminA, $"ticket {i}")).Id);
        }

        await Eventually(() => CreatedFor(filed).Count == filed.Count, a, b);
        var created = CreatedFor(filed);
        Assert.Equal(filed.Order(), created.Select(h => h.TicketId).Order());
        // Both instances ran their outbox loop the whole time; one held the lease: each event went out once.
        Assert.Equal(created.Count, created.Select(h => h.EventId).Distinct().Count());
        Assert.All([a, b], h => Assert.DoesNotMatch(@"(?m)^(warn|fail|crit):", h.Output));
    }

    [Fact]
    public async Task A_Microsoft_issue_synced_on_one_instance_is_matched_at_once_by_tickets_filed_on_the_other()
    {
        OnPostgresOnly();
        var (a, b) = (await Start(), await Start());
        var (adminA, adminB) = (await a.ClientFor(Demo.ContosoAdmin), await b.ClientFor(Demo.ContosoAdmin));
        async Task<List<string>> FileAndMatch(HttpClient admin)
        {
            var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Teams meetings drop callers", description = "Callers are dropped from Teams meetings after a minute.", severity = "B", kind = "Incident", service = "Microsoft Teams" }, Ct))
                .Read<TicketDetails>(HttpStatusCode.Created);
            var links = await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}/known-issues", Ct)).Read<List<Features.ServiceHealth.TicketKnownIssueView>>();
            return links.ConvertAll(l => l.Issue.MicrosoftId);
        }

        // Both on the bus before anything is said on it (an instance is ready before Redis answers it).
        await Eventually(async () => await Readiness(a) == "Healthy" && await Readiness(b) == "Healthy", a, b);

        // B keeps Adatum's active issues once a ticket has asked for them (for a minute). This fills B's copy; the issue
        // does not exist yet, so it cannot be matched.
        Assert.DoesNotContain("TM500030", await FileAndMatch(adminB));

        simulator.State.Apply(new ScenarioStep
        {
            Action = "openIssue",
            Tenants = [DemoWorld.TenantOf(DemoWorld.Ids.Adatum)],
            Issue = new Simulator.Graph.ServiceHealthIssue
            {
                Id = "TM500030",
                Service = "Microsoft Teams",
                Title = "Users may be dropped from Teams meetings",
                ImpactDescription = "Callers may be dropped from Teams meetings after about a minute.",
                Classification = "incident",
                Status = "serviceDegradation",
            },
            Post = "<p>We're investigating TM500030.</p>",
        });
        var sync = await (await adminA.PostAsJsonAsync("/api/v1/service-health/sync", new { customerId = DemoWorld.Ids.Adatum }, Ct)).Read<Features.ServiceHealth.SyncResult>();
        Assert.True(sync.Succeeded);
        Assert.Contains("TM500030", await FileAndMatch(adminA));

        // B hears through Redis that A's sync changed Contoso's issues. Had it not, it would match nothing for a minute;
        // ten seconds is the bound here, not a measurement.
        for (var i = 0; !(await FileAndMatch(adminB)).Contains("TM500030"); i++)
        {
            Assert.True(i < 40, "Instance B still matched the ticket against the issues it kept before A's sync. Its output:\n" + b.Output);
            await Task.Delay(250, Ct);
        }

        Assert.All([a, b], h => Assert.DoesNotMatch(@"(?m)^(warn|fail|crit):", h.Output));
    }

    [Fact]
    public async Task Killing_the_outbox_holder_loses_nothing_and_repeats_only_the_call_it_was_in_the_middle_of()
    {
        OnPostgresOnly();
        var (a, b) = (await Start(), await Start());
        var admin = await a.ClientFor(Demo.ContosoAdmin);
        await Subscribe(admin, receiver.Url);
        var first = (await File(admin, "before the power cut")).Id;
        await Eventually(() => CreatedFor([first]).Count == 1, a, b);

        // The holder is in the middle of a delivery (the receiver has the POST and has not answered) when it is killed.
        var holder = await OutboxHolder() == a.ProcessId ? a : b;
        var survivor = holder == a ? b : a;
        receiver.Hold = new TaskCompletionSource();
        var inFlight = (await File(admin, "in flight at the power cut")).Id;
        await Eventually(() => receiver.All.Any(h => TicketOf(h) == inFlight), a, b);
        holder.Kill();
        var released = receiver.Hold;
        receiver.Hold = null;
        released.SetResult();

        // The survivor files more; once the dead holder's lease expires it takes the outbox over.
        var survivorAdmin = await survivor.ClientFor(Demo.ContosoAdmin);
        var after = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            after.Add((await File(survivorAdmin, $"after the power cut {i}")).Id);
        }

        List<Guid> all = [first, inFlight, .. after];
        await Eventually(() => CreatedFor(all).Select(h => h.TicketId).Distinct().Count() == all.Count, survivor);
        Assert.Equal(survivor.ProcessId, await OutboxHolder());
        var created = CreatedFor(all);
        // Nothing lost; nothing twice, except the one call the killed instance never heard the answer to: webhooks are
        // at least once, and its repeat carries the same event id, by which a receiver knows it.
        foreach (var ticket in all.Where(t => t != inFlight))
        {
            Assert.Single(created, h => h.TicketId == ticket);
        }

        var repeats = created.Where(h => h.TicketId == inFlight).ToList();
        Assert.InRange(repeats.Count, 1, 2);
        Assert.Single(repeats.Select(h => h.EventId).Distinct());
    }

    [Fact]
    public async Task With_redis_down_both_instances_keep_serving_and_hear_each_other_again_when_it_is_back()
    {
        OnPostgresOnly();
        var (a, b) = (await Start(), await Start());
        var (adminA, adminB) = (await a.ClientFor(Demo.ContosoAdmin), await b.ClientFor(Demo.ContosoAdmin));
        await Eventually(async () => await Readiness(a) == "Healthy" && await Readiness(b) == "Healthy", a, b);

        await redis.Stop();
        // Both go on: tickets are filed on each, and each is ready (degraded: the text says so, the status stays 200).
        await File(adminA, "while Redis is down on A");
        await File(adminB, "while Redis is down on B");
        await Eventually(async () => await Readiness(a) == "Degraded" && await Readiness(b) == "Degraded", a, b);
        for (var i = 0; i < 5; i++)
        {
            await File(i % 2 == 0 ? adminA : adminB, $"still down {i}");
        }

        await redis.Start();
        await Eventually(async () => await Readiness(a) == "Healthy" && await Readiness(b) == "Healthy", a, b);

        // Heard again: B knows nobody subscribes; A's admin subscribes; B's next ticket's event is recorded and sent.
        await File(adminB, "B learns that nobody subscribes");
        await Subscribe(adminA, receiver.Url);
        var onB = (await File(adminB, "after Redis came back")).Id;
        await Eventually(() => CreatedFor([onB]).Count == 1, a, b);

        // The loss was one warning per instance, not one per reconnect attempt.
        Assert.All([a, b], h => Assert.True(System.Text.RegularExpressions.Regex.Count(h.Output, "Redis is unreachable") == 1, h.Output));
    }

    [Fact]
    public async Task A_stopped_instance_says_it_is_not_ready_finishes_and_hands_its_leases_back()
    {
        OnPostgresOnly();
        var a = await Start(new Dictionary<string, string> { ["PartnerDesk:DrainSeconds"] = "3" });
        var admin = await a.ClientFor(Demo.ContosoAdmin);
        await Subscribe(admin, receiver.Url);
        var ticket = (await File(admin, "before the stop")).Id;
        await Eventually(() => CreatedFor([ticket]).Count == 1, a);
        Assert.Equal(a.ProcessId, await OutboxHolder());

        var stopping = a.Terminate();
        using var probe = new HttpClient { BaseAddress = a.Address };
        // While it drains it still answers, but not ready: the proxy sends its next requests elsewhere.
        await Eventually(async () => (await probe.GetAsync("health/ready", Ct)).StatusCode == HttpStatusCode.ServiceUnavailable, a);
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("health/live", Ct)).StatusCode);
        await stopping;

        // The outbox (and every lease that says who runs a job now) is free for the next instance at once.
        Assert.Null(await OutboxHolder());
        Assert.Contains("Handed back", a.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^(warn|fail|crit):", a.Output);
    }

    private sealed record Created(Guid EventId, Guid TicketId);

    private static Guid? TicketOf(ReceivedHook hook) =>
        hook.Type == WebhookEvents.TicketCreated ? hook.Data.GetProperty("id").GetGuid() : null;

    private List<Created> CreatedFor(IReadOnlyCollection<Guid> tickets) =>
        [.. receiver.All.Where(h => TicketOf(h) is { } t && tickets.Contains(t)).Select(h => new Created(h.Id, TicketOf(h)!.Value))];

    private static async Task<string> Readiness(HostProcess host)
    {
        using var probe = new HttpClient { BaseAddress = host.Address };
        return await probe.GetStringAsync("health/ready", Ct);
    }

    private async Task<int?> OutboxHolder() =>
        await Scalar<string>("""SELECT "Holder" FROM "JobLeases" WHERE "Name" = 'outbox' AND "ExpiresAt" > @now""", DateTimeOffset.UtcNow) is { } holder
            ? int.Parse(holder.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private async Task<T?> Scalar<T>(string sql, DateTimeOffset now)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteScalarAsync(Ct) is T value ? value : default;
    }

    private static async Task Subscribe(HttpClient admin, string url) =>
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { WebhookEvents.TicketCreated } }, Ct)).StatusCode);

    private static async Task<TicketDetails> File(HttpClient admin, string title) =>
        await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title, description = "Filed on one of two instances.", severity = "C", kind = "Incident" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);

    private static Task Eventually(Func<bool> condition, params HostProcess[] hosts) => Eventually(() => Task.FromResult(condition()), hosts);

    /// <summary>Waits for what the instances do in the background, up to a minute and a half (a bound, not a timing).</summary>
    private static async Task Eventually(Func<Task<bool>> condition, params HostProcess[] hosts)
    {
        for (var i = 0; i < 360; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(250, Ct);
        }

        Assert.Fail("The instances did not get there in time. Their output:\n" + string.Join("\n----\n", hosts.Select(h => h.Output)));
    }
}
