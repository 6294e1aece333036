using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

public sealed class SubscriptionTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_contact_asks_for_five_more_licences_a_sales_agent_approves_and_the_contact_sees_it_done()
    {
        var contact = await browser.SignedIn(Demo.AdatumIt);
        await contact.GotoAsync("/portal/subscriptions");
        await BrowserFixture.WaitForInteractive(contact, "subscriptions");
        var row = contact.Locator("#subscriptions tr", new PageLocatorOptions { HasText = "Microsoft 365 Business Premium" });
        var before = int.Parse(await row.Locator(".quantity").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        var subscriptionId = await row.GetAttributeAsync("data-subscription");

        await row.Locator("fluent-button, button").First.ClickAsync();
        await contact.SelectOptionAsync("#change-action", "AddLicences");
        await contact.FillAsync("#change-quantity", "5");
        await contact.FillAsync("#change-note", "Five new starters.");
        await contact.ClickAsync("#change-submit");
        var request = contact.Locator("#requests tr[data-state='Requested']");
        await Assertions.Expect(request).ToHaveCountAsync(1);
        await BrowserFixture.Screenshot(contact, "subscriptions-1-requested");

        var sales = await browser.SignedIn(Demo.ContosoSales);
        await sales.GotoAsync("/console/subscription-changes");
        await BrowserFixture.WaitForInteractive(sales, "subscription-requests");
        await sales.Locator("#requests tr[data-state='Requested'] .approve").First.ClickAsync();
        await Assertions.Expect(sales.Locator("#requests tr[data-state='Approved']")).ToHaveCountAsync(1);
        await BrowserFixture.Screenshot(sales, "subscriptions-2-approved");

        // The outbox carries it to Partner Center.
        await browser.App.Services.GetRequiredService<OutboxDispatcher>().RunOnce(TestContext.Current.CancellationToken);
        var tenant = await browser.App.InDatabase(Features.Demo.DemoWorld.Ids.Contoso, db => Task.FromResult(db.Customers.Where(c => c.Id == Features.Demo.DemoWorld.Ids.Adatum).Select(c => c.TenantId).First()));
        Assert.Equal(before + 5, browser.Simulator.Subscriptions.Get(tenant, subscriptionId!)!.Quantity);

        await contact.GotoAsync("/portal/subscriptions");
        await BrowserFixture.WaitForInteractive(contact, "subscriptions");
        await Assertions.Expect(contact.Locator("#requests tr[data-state='Done']")).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator(".quantity")).ToHaveTextAsync((before + 5).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await BrowserFixture.Screenshot(contact, "subscriptions-3-done");
    }
}
