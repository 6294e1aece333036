using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Features.Webhooks;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Deliveries;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Webhooks;

/// <summary>
/// Webhooks end to end: an admin subscribes a real receiver on loopback, tickets change through the API, the outbox
/// (run as the delivery tests run it) posts signed events in order, retries, parks and redelivers; one receiver's
/// hang is its own; one organisation's subscriptions are invisible to another.
/// </summary>
public sealed class WebhookTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OutboxDispatcher Outbox => App.Services.GetRequiredService<OutboxDispatcher>();

    [Fact]
    public async Task A_new_ticket_reaches_the_receiver_signed_with_the_secret_and_in_the_api_shape()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var hook = await Subscribe(admin, receiver.Url, WebhookEvents.TicketCreated);
        try
        {
            Assert.StartsWith("whsec_", hook.Secret, StringComparison.Ordinal);
            var ticket = await File(admin);
            await Outbox.RunOnce(Ct);

            var got = await receiver.Next(Ct);
            Assert.Equal(WebhookEvents.TicketCreated, got.Type);
            Assert.Equal(WebhookEvents.TicketCreated, got.EventHeader);
            // The receiver's check, done here by hand: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">.
            var parts = got.Signature!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal(App.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), parts["t"]);
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hook.Secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{got.Body}")));
            Assert.Equal(expected, parts["v1"]);
            Assert.False(WebhookSignature.Verify("whsec_someoneelse", got.Signature, got.Body, App.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));

            // The data is the ticket as the API shows it.
            var data = got.Data.Deserialize<TicketDetails>(ApiAssertions.Json)!;
            Assert.Equal(ticket with { Sla = null }, data with { Sla = null });
            Assert.Equal(ticket.Sla?.State, data.Sla?.State);

            var log = await Log(admin, hook.Id);
            var delivery = Assert.Single(log.Items);
            Assert.Equal((WebhookDeliveryState.Delivered, got.Id, WebhookEvents.TicketCreated, ticket.Id), (delivery.State, delivery.EventId, delivery.EventType, delivery.SubjectId));
            var attempt = Assert.Single(delivery.Attempts);
            Assert.Equal((200, (string?)null), (attempt.StatusCode, attempt.Failure));
            Assert.True(attempt.DurationMs >= 0);

            // Shown once: reading the subscription again does not show the secret.
            var again = await (await admin.GetAsync($"/api/v1/webhooks/{hook.Id}", Ct)).Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain(hook.Secret, again, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", again, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await Unsubscribe(admin, hook.Id);
        }
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_after_backoff_and_a_tickets_events_keep_their_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var hook = await Subscribe(admin, receiver.Url, WebhookEvents.TicketCreated, WebhookEvents.TicketUpdated, WebhookEvents.TicketResolved);
        try
        {
            receiver.AnswerNext(500);
            var ticket = await File(admin);
            await (await admin.PatchAsJsonAsync($"/api/v1/tickets/{ticket.Id}", new { status = "Open" })).Read<TicketDetails>();
            await (await admin.PatchAsJsonAsync($"/api/v1/tickets/{ticket.Id}", new { status = "Resolved" })).Read<TicketDetails>();

            await Outbox.RunOnce(Ct);
            var failed = await receiver.Next(Ct);
            Assert.Equal(WebhookEvents.TicketCreated, failed.Type);
            await Outbox.RunOnce(Ct);
            Assert.Single(receiver.All); // the lane waits for the failed one: nothing overtakes it

            var log = await Log(admin, hook.Id);
            var first = Assert.Single(log.Items, d => d.EventType == WebhookEvents.TicketCreated);
            Assert.Equal(WebhookDeliveryState.Pending, first.State);
            Assert.Equal((500, "The receiver answered 500."), (first.Attempts[0].StatusCode, first.Attempts[0].Failure));
            Assert.True(first.NextAttemptAt > App.Clock.GetUtcNow());

            App.Clock.Advance(TimeSpan.FromMinutes(1));
            await Outbox.RunOnce(Ct);
            var hooks = receiver.All;
            Assert.Equal(
                [WebhookEvents.TicketCreated, WebhookEvents.TicketCreated, WebhookEvents.TicketUpdated, WebhookEvents.TicketUpdated, WebhookEvents.TicketResolved],
                hooks.Select(h => h.Type));
            Assert.Equal(hooks[0].Id, hooks[1].Id); // the retry is the same event: a receiver de-duplicates by its id
            Assert.Equal(hooks[0].Body, hooks[1].Body);
            Assert.Equal(["Open", "Resolved", "Resolved"], hooks.Skip(2).Select(h => h.Data.GetProperty("status").GetString()));
            Assert.All(hooks, h => Assert.Equal(ticket.Id, h.Data.GetProperty("id").GetGuid()));

            log = await Log(admin, hook.Id);
            Assert.All(log.Items, d => Assert.Equal(WebhookDeliveryState.Delivered, d.State));
            Assert.Equal([500, 200], log.Items.Single(d => d.EventType == WebhookEvents.TicketCreated).Attempts.Select(a => a.StatusCode ?? 0));
        }
        finally
        {
            App.ForgetTokens();
            await Unsubscribe(await App.ClientFor(Demo.ContosoAdmin), hook.Id);
        }
    }

    [Fact]
    public async Task Public_replies_are_sent_and_internal_notes_never()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var hook = await Subscribe(admin, receiver.Url, WebhookEvents.TicketMessage);
        try
        {
            var ticket = await File(admin);
            await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/messages", new { body = "Internal: the customer's tenant is on the old licence.", visibility = "Internal" }, Ct))
                .Read<TicketMessageView>(HttpStatusCode.Created);
            var reply = await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/messages", new { body = "We are looking into it.", visibility = "Public" }, Ct))
                .Read<TicketMessageView>(HttpStatusCode.Created);
            await Outbox.RunOnce(Ct);

            var got = await receiver.Next(Ct);
            Assert.Equal(WebhookEvents.TicketMessage, got.Type);
            var data = got.Data.Deserialize<TicketMessageEventData>(ApiAssertions.Json)!;
            Assert.Equal((ticket.Id, ticket.Number, reply), (data.TicketId, data.TicketNumber, data.Message));
            Assert.Single(receiver.All);
            Assert.DoesNotContain(receiver.All, h => h.Body.Contains("old licence", StringComparison.Ordinal));
            Assert.Single((await Log(admin, hook.Id)).Items);
        }
        finally
        {
            await Unsubscribe(admin, hook.Id);
        }
    }

    [Fact]
    public async Task A_receiver_that_never_answers_holds_up_only_its_own_subscription()
    {
        await using var hanging = new HangingServer();
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var stuck = await Subscribe(admin, $"http://127.0.0.1:{hanging.Port}/hook", WebhookEvents.TicketCreated);
        var healthy = await Subscribe(admin, receiver.Url, WebhookEvents.TicketCreated);
        try
        {
            await Outbox.RunOnce(Ct); // whatever earlier tests left due
            var ticket = await File(admin);

            var round = Outbox.RunOnce(Ct);
            await hanging.Connected.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            var got = await receiver.Next(Ct); // while the other receiver still holds its connection
            Assert.Equal(ticket.Id, got.Data.GetProperty("id").GetGuid());
            Assert.False(round.IsCompleted);

            hanging.Release();
            await round;
            var held = Assert.Single((await Log(admin, stuck.Id)).Items);
            Assert.Equal(WebhookDeliveryState.Pending, held.State);
            var attempt = Assert.Single(held.Attempts);
            Assert.Null(attempt.StatusCode);
            Assert.NotNull(attempt.Failure);
            Assert.Equal(WebhookDeliveryState.Delivered, Assert.Single((await Log(admin, healthy.Id)).Items).State);
        }
        finally
        {
            await Unsubscribe(admin, stuck.Id);
            await Unsubscribe(admin, healthy.Id);
        }
    }

    [Fact]
    public async Task A_subscription_is_its_organisations_alone()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var contoso = await App.ClientFor(Demo.ContosoAdmin);
        var hook = await Subscribe(contoso, receiver.Url, WebhookEvents.TicketCreated);
        try
        {
            var fabrikam = await App.ClientFor(Demo.FabrikamAdmin);
            Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.GetAsync($"/api/v1/webhooks/{hook.Id}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.PutAsJsonAsync($"/api/v1/webhooks/{hook.Id}", new { url = "https://203.0.113.9/x", events = new[] { "ticket.created" } }, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.GetAsync($"/api/v1/webhooks/{hook.Id}/deliveries", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.DeleteAsync($"/api/v1/webhooks/{hook.Id}", Ct)).StatusCode);
            Assert.DoesNotContain((await (await fabrikam.GetAsync("/api/v1/webhooks", Ct)).Read<List<WebhookView>>()), w => w.Id == hook.Id);
            Assert.Contains((await (await contoso.GetAsync("/api/v1/webhooks", Ct)).Read<List<WebhookView>>()), w => w.Id == hook.Id);
            // The console page lists it for its organisation's admins only.
            using (var browser = await App.CookieClientFor(Demo.ContosoAdmin))
            {
                var page = await browser.GetStringAsync("/console/webhooks", Ct);
                Assert.Contains("data-page=\"webhooks\"", page, StringComparison.Ordinal);
                Assert.Contains(receiver.Url, page, StringComparison.Ordinal);
            }

            foreach (var other in new[] { Demo.FabrikamAdmin, Demo.ContosoHelpdesk })
            {
                using var browser = await App.CookieClientFor(other);
                Assert.DoesNotContain(receiver.Url, await (await browser.GetAsync("/console/webhooks", Ct)).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            }

            // Agents who are not admins may not look, nor contacts.
            Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync("/api/v1/webhooks", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumIt)).GetAsync("/api/v1/webhooks", Ct)).StatusCode);

            // A Fabrikam ticket (filed by its customer's contact) is not Contoso's event.
            var wideWorld = await App.ClientFor(Demo.WideWorldIt);
            var theirs = await (await wideWorld.PostAsJsonAsync("/api/v1/tickets", new { title = "Cannot sign in", description = "Since this morning.", severity = "C", kind = "Incident" }, Ct))
                .Read<TicketDetails>(HttpStatusCode.Created);
            var ours = await File(contoso);
            await Outbox.RunOnce(Ct);
            var got = await receiver.Next(Ct);
            Assert.Equal(ours.Id, got.Data.GetProperty("id").GetGuid());
            Assert.DoesNotContain(receiver.All, h => h.Body.Contains(theirs.Id.ToString(), StringComparison.OrdinalIgnoreCase));
            Assert.Equal(0, await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.WebhookDeliveries.CountAsync(Ct)));
        }
        finally
        {
            await Unsubscribe(contoso, hook.Id);
        }
    }

    [Fact]
    public async Task A_bad_subscription_is_refused_naming_the_field()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var url = "/api/v1/webhooks";
        await (await admin.PostAsJsonAsync(url, new { events = new[] { "ticket.created" } }, Ct)).ProblemNaming("url");
        await (await admin.PostAsJsonAsync(url, new { url = "/hooks/relative", events = new[] { "ticket.created" } }, Ct)).ProblemNaming("url");
        await (await admin.PostAsJsonAsync(url, new { url = "ftp://127.0.0.1/hook", events = new[] { "ticket.created" } }, Ct)).ProblemNaming("url");
        await (await admin.PostAsJsonAsync(url, new { url = "https://user:pw@203.0.113.9/hook", events = new[] { "ticket.created" } }, Ct)).ProblemNaming("url");
        await (await admin.PostAsJsonAsync(url, new { url = "https://203.0.113.9/hook" }, Ct)).ProblemNaming("events");
        await (await admin.PostAsJsonAsync(url, new { url = "https://203.0.113.9/hook", events = Array.Empty<string>() }, Ct)).ProblemNaming("events");
        await (await admin.PostAsJsonAsync(url, new { url = "https://203.0.113.9/hook", events = new[] { "ticket.created", "ticket.deleted" } }, Ct)).ProblemNaming("events");
        await (await admin.PostAsJsonAsync(url, new { url = "https://203.0.113.9/hook", events = new[] { "ticket.created" }, secret = "mine" }, Ct)).ProblemNaming("secret");
        Assert.DoesNotContain((await (await admin.GetAsync(url, Ct)).Read<List<WebhookView>>()), w => w.Url.Contains("203.0.113.9", StringComparison.Ordinal));

        // Changing one is held to the same rules.
        var hook = await Subscribe(admin, "https://203.0.113.9/hook", WebhookEvents.TicketCreated);
        try
        {
            await (await admin.PutAsJsonAsync($"{url}/{hook.Id}", new { url = "https://203.0.113.9/hook", events = new[] { "nope" } }, Ct)).ProblemNaming("events");
            var changed = await (await admin.PutAsJsonAsync($"{url}/{hook.Id}", new { url = "https://203.0.113.10/hook", events = new[] { "sla.breached", "ticket.created", "sla.breached" } }, Ct)).Read<WebhookView>();
            Assert.Equal("https://203.0.113.10/hook", changed.Url);
            Assert.Equal(["ticket.created", "sla.breached"], changed.Events);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{url}/{Guid.NewGuid()}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"{url}/{hook.Id}/deliveries?limit=0", Ct)).StatusCode);
        }
        finally
        {
            await Unsubscribe(admin, hook.Id);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{url}/{hook.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_delivered_or_parked_event_can_be_sent_again_with_the_same_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var hook = await Subscribe(admin, receiver.Url, WebhookEvents.TicketCreated);
        try
        {
            await File(admin);
            await Outbox.RunOnce(Ct);
            var first = await receiver.Next(Ct);
            var delivery = Assert.Single((await Log(admin, hook.Id)).Items);

            var again = await (await admin.PostAsync($"/api/v1/webhooks/{hook.Id}/deliveries/{delivery.Id}/redeliver", null, Ct)).Read<WebhookDeliveryView>(HttpStatusCode.Accepted);
            Assert.Equal(WebhookDeliveryState.Pending, again.State);
            // Still on its way: not twice at once.
            await (await admin.PostAsync($"/api/v1/webhooks/{hook.Id}/deliveries/{delivery.Id}/redeliver", null, Ct)).Problem(HttpStatusCode.Conflict);
            var fabrikam = await App.ClientFor(Demo.FabrikamAdmin);
            Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.PostAsync($"/api/v1/webhooks/{hook.Id}/deliveries/{delivery.Id}/redeliver", null, Ct)).StatusCode);

            await Outbox.RunOnce(Ct);
            var second = await receiver.Next(Ct);
            Assert.Equal((first.Id, first.Body), (second.Id, second.Body));
            var log = Assert.Single((await Log(admin, hook.Id)).Items);
            Assert.Equal((WebhookDeliveryState.Delivered, 2), (log.State, log.Attempts.Count));
        }
        finally
        {
            await Unsubscribe(admin, hook.Id);
        }
    }

    private static async Task<NewWebhookView> Subscribe(HttpClient admin, string url, params string[] events) =>
        await (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, events }, Ct)).Read<NewWebhookView>(HttpStatusCode.Created);

    private static async Task Unsubscribe(HttpClient admin, Guid id) =>
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/webhooks/{id}", Ct)).StatusCode);

    private static async Task<Page<WebhookDeliveryView>> Log(HttpClient admin, Guid id) =>
        await (await admin.GetAsync($"/api/v1/webhooks/{id}/deliveries", Ct)).Read<Page<WebhookDeliveryView>>();

    private static async Task<TicketDetails> File(HttpClient admin) =>
        await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Teams calls drop", description = "Every call drops after a minute.", severity = "B", kind = "Incident", service = "Microsoft Teams" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);
}
