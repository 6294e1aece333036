using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Subscriptions;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Infrastructure;
using PartnerDesk.Tests.ServiceHealth;

namespace PartnerDesk.Tests.Subscriptions;

/// <summary>
/// R13 against the simulated Partner Center: a customer's admin asks, a sales agent decides, the outbox carries
/// it out (PATCH), and Microsoft's new-commerce rules are kept and explained.
/// </summary>
public sealed class SubscriptionChangeTests(SimulatedMicrosoft microsoft) : IClassFixture<SimulatedMicrosoft>
{
    private PartnerDeskApp App => microsoft.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<int> Outbox() => App.Services.GetRequiredService<OutboxDispatcher>().RunOnce(Ct);

    private static async Task<List<SubscriptionView>> SubscriptionsOf(HttpClient client, Guid? customerId = null) =>
        await (await client.GetAsync("/api/v1/subscriptions" + (customerId is null ? "" : $"?customerId={customerId}"), Ct)).Read<List<SubscriptionView>>();

    [Fact]
    public async Task A_customer_admin_asks_for_five_more_licences_sales_approves_and_partner_center_has_them()
    {
        var contact = await App.ClientFor(Demo.AdatumIt);
        var premium = (await SubscriptionsOf(contact)).Single(s => s.Name == "Microsoft 365 Business Premium");
        Assert.NotNull(premium.InUse);

        var change = await (await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = premium.Id, action = "AddLicences", quantity = 5, note = "Five new starters on Monday." }, Ct))
            .Read<SubscriptionChangeView>(HttpStatusCode.Created);
        Assert.Equal((SubscriptionChangeState.Requested, premium.Quantity), (change.State, change.FromQuantity));

        // The sales agent sees the request as a ticket of its own kind, and approves.
        var sales = await App.ClientFor(Demo.ContosoSales);
        var ticket = await (await sales.GetAsync($"/api/v1/tickets/{change.TicketId}", Ct)).Read<TicketDetails>();
        Assert.Equal(TicketKind.SubscriptionChange, ticket.Kind);
        Assert.Contains("Five new starters", ticket.Description, StringComparison.Ordinal);
        var approved = await (await sales.PostAsync($"/api/v1/subscription-changes/{change.Id}/approve", null, Ct)).Read<SubscriptionChangeView>();
        Assert.Equal((SubscriptionChangeState.Approved, premium.Quantity + 5), (approved.State, approved.ToQuantity));
        Assert.Equal(HttpStatusCode.Conflict, (await sales.PostAsync($"/api/v1/subscription-changes/{change.Id}/approve", null, Ct)).StatusCode);

        await Outbox();
        await Outbox(); // a second round changes nothing

        var tenant = microsoft.TenantOf[DemoWorld.Ids.Adatum];
        Assert.Equal(premium.Quantity + 5, microsoft.Simulator.Subscriptions.Get(tenant, premium.Id)!.Quantity);
        Assert.Equal(premium.Quantity + 5, (await SubscriptionsOf(contact)).Single(s => s.Id == premium.Id).Quantity);
        var done = await (await contact.GetAsync($"/api/v1/subscription-changes/{change.Id}", Ct)).Read<SubscriptionChangeView>();
        Assert.Equal(SubscriptionChangeState.Done, done.State);
        var messages = await (await contact.GetAsync($"/api/v1/tickets/{change.TicketId}/messages", Ct)).Read<List<TicketMessageView>>();
        Assert.Contains(messages, m => m.Body.Contains($"now has {premium.Quantity + 5} licences", StringComparison.Ordinal));
        Assert.Equal(TicketStatus.Resolved, (await (await contact.GetAsync($"/api/v1/tickets/{change.TicketId}", Ct)).Read<TicketDetails>()).Status);
    }

    [Fact]
    public async Task Microsofts_new_commerce_rules_are_kept_and_explained()
    {
        var contact = await App.ClientFor(Demo.AdatumIt);
        var subscriptions = await SubscriptionsOf(contact);
        var exchange = subscriptions.Single(s => s.Name == "Exchange Online (Plan 1)"); // a year-long term begun 45 days ago
        var premium = subscriptions.Single(s => s.Name == "Microsoft 365 Business Premium"); // bought three days ago

        // Outside the 7-day window: no removing, no cancelling; adding is fine.
        var closed = await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = exchange.Id, action = "RemoveLicences", quantity = 1 }, Ct);
        await closed.ProblemNaming("quantity");
        await (await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = exchange.Id, action = "Cancel" }, Ct)).ProblemNaming("action");

        // Inside the window, but never below the licences assigned.
        var tooFew = premium.Quantity - premium.InUse!.Value + 1;
        await (await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = premium.Id, action = "RemoveLicences", quantity = tooFew }, Ct)).ProblemNaming("quantity");
        var fine = await (await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = premium.Id, action = "RemoveLicences", quantity = 1 }, Ct))
            .Read<SubscriptionChangeView>(HttpStatusCode.Created);
        Assert.Equal(SubscriptionChangeState.Requested, fine.State);

        // Bad input: each names its field, nothing is filed.
        await (await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = "no-such-subscription", action = "AddLicences", quantity = 1 }, Ct)).ProblemNaming("subscriptionId");
        await (await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = premium.Id, action = "AddLicences", quantity = 0 }, Ct)).ProblemNaming("quantity");
        await (await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = premium.Id, action = "Upgrade" }, Ct)).ProblemNaming("action");
        await (await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { action = "NewProduct" }, Ct)).ProblemNaming("product");
        await (await (await App.ClientFor(Demo.AdatumAnna)).PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = premium.Id, action = "AddLicences", quantity = 1 }, Ct)).ProblemNaming("action");

        // A sales agent who declines says why; the customer reads it.
        var sales = await App.ClientFor(Demo.ContosoSales);
        await (await sales.PostAsJsonAsync($"/api/v1/subscription-changes/{fine.Id}/decline", new { reason = " " }, Ct)).ProblemNaming("reason");
        var declined = await (await sales.PostAsJsonAsync($"/api/v1/subscription-changes/{fine.Id}/decline", new { reason = "Your contract sets a minimum of 20 seats." }, Ct)).Read<SubscriptionChangeView>();
        Assert.Equal(SubscriptionChangeState.Declined, declined.State);
        var messages = await (await contact.GetAsync($"/api/v1/tickets/{fine.TicketId}/messages", Ct)).Read<List<TicketMessageView>>();
        Assert.Contains(messages, m => m.Body.Contains("minimum of 20 seats", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await contact.PostAsync($"/api/v1/subscription-changes/{fine.Id}/approve", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_change_partner_center_refuses_after_approval_fails_visibly_and_the_customer_is_told()
    {
        var contact = await App.ClientFor(Demo.LitwareIt);
        var premium = (await SubscriptionsOf(contact)).Single(s => s.Name == "Microsoft 365 Business Premium");
        var change = await (await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = premium.Id, action = "Cancel" }, Ct))
            .Read<SubscriptionChangeView>(HttpStatusCode.Created);
        var sales = await App.ClientFor(Demo.ContosoSales);
        await (await sales.PostAsync($"/api/v1/subscription-changes/{change.Id}/approve", null, Ct)).Read<SubscriptionChangeView>();

        // Meanwhile the window closed (Partner Center's clock is the one that counts).
        var tenant = microsoft.TenantOf[DemoWorld.Ids.Litware];
        microsoft.Simulator.Subscriptions.Get(tenant, premium.Id)!.RefundOptions.Clear();
        await Outbox();

        var failed = await (await contact.GetAsync($"/api/v1/subscription-changes/{change.Id}", Ct)).Read<SubscriptionChangeView>();
        Assert.Equal(SubscriptionChangeState.Failed, failed.State);
        Assert.Contains("7 days", failed.Reason, StringComparison.Ordinal);
        Assert.Equal("active", microsoft.Simulator.Subscriptions.Get(tenant, premium.Id)!.Status);
        var messages = await (await contact.GetAsync($"/api/v1/tickets/{change.TicketId}/messages", Ct)).Read<List<TicketMessageView>>();
        Assert.Contains(messages, m => m.Body.StartsWith("Microsoft did not accept the change", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_indirect_resellers_change_goes_to_its_provider_as_a_subscription_change_ticket()
    {
        var contact = await App.ClientFor(Demo.WideWorldIt);
        var subscriptions = await SubscriptionsOf(contact);
        var change = await (await contact.PostAsJsonAsync("/api/v1/subscription-changes", new { subscriptionId = subscriptions[0].Id, action = "AddLicences", quantity = 3 }, Ct))
            .Read<SubscriptionChangeView>(HttpStatusCode.Created);
        var reseller = await App.ClientFor(Demo.FabrikamAdmin);

        var forwarded = await (await reseller.PostAsync($"/api/v1/subscription-changes/{change.Id}/approve", null, Ct)).Read<SubscriptionChangeView>();
        await Outbox();

        Assert.Equal(SubscriptionChangeState.Forwarded, forwarded.State);
        var provider = await App.ClientFor(Demo.NorthwindAdmin);
        var queue = await (await provider.GetAsync("/api/v1/tickets?limit=100", Ct)).Read<Page<TicketSummary>>();
        var linked = Assert.Single(queue.Items, t => t.Title.Contains("Add 3 licences", StringComparison.Ordinal));
        Assert.Equal(TicketKind.SubscriptionChange, (await (await provider.GetAsync($"/api/v1/tickets/{linked.Id}", Ct)).Read<TicketDetails>()).Kind);
        Assert.Equal(subscriptions[0].Quantity, microsoft.Simulator.Subscriptions.Get(microsoft.TenantOf[DemoWorld.Ids.WideWorldImporters], subscriptions[0].Id)!.Quantity);
    }
}
