using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Sla;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Features.Webhooks;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Infrastructure;
using PartnerDesk.Tests.ServiceHealth;

namespace PartnerDesk.Tests.Webhooks;

/// <summary>The events that do not come from an agent's click: Microsoft's service health and an escalation's way through Partner Center.</summary>
public sealed class WebhookEventTests(SimulatedMicrosoft microsoft) : IClassFixture<SimulatedMicrosoft>
{
    private PartnerDeskApp App => microsoft.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Service_health_updates_and_an_escalations_progress_reach_the_receiver()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var hook = await (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "escalation.updated", "servicehealth.issue.updated" } }, Ct))
            .Read<NewWebhookView>(HttpStatusCode.Created);
        var outbox = App.Services.GetRequiredService<OutboxDispatcher>();

        microsoft.Open("EX190001", "Exchange Online", "Mail to external recipients is delayed", "Outbound mail may queue.", DemoWorld.Ids.Adatum);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum)).Succeeded);
        microsoft.Post("EX190001", "<p>We rolled back the change; mail flows again.</p>", resolve: true);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum)).Succeeded);

        var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "SharePoint sites are slow", description = "Every page takes a minute.", severity = "B", kind = "Incident", service = "SharePoint Online" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);
        var escalation = await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { category = "UndocumentedServiceIssue" }, Ct))
            .Read<EscalationView>(HttpStatusCode.Created);
        while (await outbox.RunOnce(Ct) > 0)
        {
        }

        var hooks = receiver.All;
        var health = hooks.Where(h => h.Type == WebhookEvents.ServiceHealthIssueUpdated && h.Data.GetProperty("microsoftId").GetString() == "EX190001").ToList();
        Assert.Equal([false, true], health.Select(h => h.Data.GetProperty("isResolved").GetBoolean()));
        Assert.Equal(1, health[0].Data.GetProperty("affectedCustomers").GetInt32());

        var escalations = hooks.Where(h => h.Type == WebhookEvents.EscalationUpdated && h.Data.GetProperty("id").GetGuid() == escalation.Id).ToList();
        Assert.Equal(["Queued", "Open"], escalations.Select(h => h.Data.GetProperty("state").GetString()));
        Assert.All(escalations, h => Assert.Equal(ticket.Number, h.Data.GetProperty("ticketNumber").GetString()));
        Assert.NotNull(escalations[1].Data.GetProperty("serviceRequestId").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/webhooks/{hook.Id}", Ct)).StatusCode);
    }
}

/// <summary>SLA marks set by the sweep, as time passes (Litware's plan: severity B, first response in 4 business hours).</summary>
public sealed class WebhookSlaTests : IAsyncLifetime
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private PartnerDeskApp app = null!;
    private DateTimeOffset monday;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        app = await PartnerDeskApp.StartAsync();
        var local = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), Berlin).Date.AddDays(1);
        while (local.DayOfWeek != DayOfWeek.Monday)
        {
            local = local.AddDays(1);
        }

        var at = local.AddHours(10);
        monday = new DateTimeOffset(at, Berlin.GetUtcOffset(at)).ToUniversalTime();
        MoveTo(monday);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private void MoveTo(DateTimeOffset instant)
    {
        app.Clock.SetUtcNow(instant);
        app.ForgetTokens();
    }

    [Fact]
    public async Task The_sweeps_warning_and_breach_are_sent_once_each()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await app.ClientFor(Demo.ContosoAdmin);
        await (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "sla.warning", "sla.breached" } }, Ct)).Read<NewWebhookView>(HttpStatusCode.Created);
        var litware = await app.ClientFor(Demo.LitwareIt);
        var ticket = await (await litware.PostAsJsonAsync("/api/v1/tickets", new { title = "OneDrive does not sync", description = "Files stay pending.", severity = "B", kind = "Incident" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);
        var sweep = app.Services.GetRequiredService<SlaSweep>();
        var outbox = app.Services.GetRequiredService<OutboxDispatcher>();

        MoveTo(monday.AddHours(3).AddMinutes(1));
        await sweep.RunOnce(Ct);
        await sweep.RunOnce(Ct); // nothing new: no second warning
        MoveTo(monday.AddHours(4).AddSeconds(20));
        await sweep.RunOnce(Ct);
        await outbox.RunOnce(Ct);

        var hooks = receiver.All.Where(h => h.Data.GetProperty("ticket").GetProperty("id").GetGuid() == ticket.Id).ToList();
        Assert.Equal([WebhookEvents.SlaWarning, WebhookEvents.SlaBreached], hooks.Select(h => h.Type));
        Assert.All(hooks, h => Assert.Equal(["FirstResponse"], h.Data.GetProperty("targets").EnumerateArray().Select(t => t.GetString())));
        Assert.Equal("Breached", hooks[1].Data.GetProperty("ticket").GetProperty("sla").GetProperty("state").GetString());
    }
}

/// <summary>The outbound-connections policy as production has it: private networks off.</summary>
public sealed class WebhookPolicyTests
{
    [Fact]
    public async Task Without_private_networks_a_receiver_must_be_public_and_https()
    {
        await using var app = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:Outbound:AllowPrivateNetworks"] = "false",
        });
        var admin = await app.ClientFor(Demo.ContosoAdmin);
        var ct = TestContext.Current.CancellationToken;
        foreach (var url in new[] { "http://203.0.113.9/hook", "https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://169.254.169.254/latest", "https://[::1]/hook", "https://[::ffff:192.168.0.1]/hook" })
        {
            await (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "ticket.created" } }, ct)).ProblemNaming("url");
        }

        var hook = await (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://203.0.113.9/hook", events = new[] { "ticket.created" } }, ct))
            .Read<NewWebhookView>(HttpStatusCode.Created);
        await (await admin.PutAsJsonAsync($"/api/v1/webhooks/{hook.Id}", new { url = "https://192.168.1.20/hook", events = new[] { "ticket.created" } }, ct)).ProblemNaming("url");
        Assert.Single(await (await admin.GetAsync("/api/v1/webhooks", ct)).Read<List<WebhookView>>());
    }
}

/// <summary>What keeps failing is parked, shown in the delivery log, and sent again on an admin's word.</summary>
public sealed class WebhookParkingTests
{
    [Fact]
    public async Task A_parked_delivery_is_sent_again_and_leaves_the_failed_list()
    {
        await using var app = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:Outbox:MaxAttempts"] = "1",
        });
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerNext(503);
        var admin = await app.ClientFor(Demo.ContosoAdmin);
        var hook = await (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "ticket.created" } }, ct)).Read<NewWebhookView>(HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Teams calls drop", description = "After a minute.", severity = "B", kind = "Incident" }, ct))
            .Read<TicketDetails>(HttpStatusCode.Created);
        var outbox = app.Services.GetRequiredService<OutboxDispatcher>();
        await outbox.RunOnce(ct);

        var parked = Assert.Single((await (await admin.GetAsync($"/api/v1/webhooks/{hook.Id}/deliveries", ct)).Read<Platform.Api.Page<WebhookDeliveryView>>()).Items);
        Assert.Equal(WebhookDeliveryState.Parked, parked.State);
        Assert.Equal(503, Assert.Single(parked.Attempts).StatusCode);
        Assert.StartsWith("Parked after 1 attempts: The receiver answered 503.", parked.LastError, StringComparison.Ordinal);
        Assert.Contains((await (await admin.GetAsync("/api/v1/deliveries", ct)).Read<Platform.Api.Page<Features.Deliveries.DeliveryView>>()).Items, d => d.Kind == $"Webhook:{hook.Id}");

        await (await admin.PostAsync($"/api/v1/webhooks/{hook.Id}/deliveries/{parked.Id}/redeliver", null, ct)).Read<WebhookDeliveryView>(HttpStatusCode.Accepted);
        Assert.DoesNotContain((await (await admin.GetAsync("/api/v1/deliveries", ct)).Read<Platform.Api.Page<Features.Deliveries.DeliveryView>>()).Items, d => d.Kind == $"Webhook:{hook.Id}");
        await outbox.RunOnce(ct);
        var delivered = Assert.Single((await (await admin.GetAsync($"/api/v1/webhooks/{hook.Id}/deliveries", ct)).Read<Platform.Api.Page<WebhookDeliveryView>>()).Items);
        Assert.Equal(WebhookDeliveryState.Delivered, delivered.State);
        Assert.Equal([503, 200], delivered.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal(2, receiver.All.Count);
        Assert.Equal(receiver.All[0].Id, receiver.All[1].Id);
    }
}
