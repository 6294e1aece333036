using Microsoft.Playwright;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>An admin subscribes an integration to the desk's events in the console, and sees its secret once.</summary>
public sealed class WebhookTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_admin_subscribes_sees_the_secret_once_and_a_bad_url_is_named()
    {
        var admin = await browser.SignedIn(Demo.ContosoAdmin);
        await admin.GotoAsync("/console/webhooks");
        await BrowserFixture.WaitForInteractive(admin, "webhooks");

        // Not a web address: the field says so, nothing is saved.
        await admin.FillAsync("#webhook-url", "ftp://integrations.example/hook");
        await admin.Locator("#new-webhook button[type=submit], #new-webhook fluent-button[type=submit]").First.ClickAsync();
        await Assertions.Expect(admin.Locator("#new-webhook .field-error[data-field=url]")).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("#new-secret")).ToHaveCountAsync(0);

        var url = $"http://127.0.0.1:9/hooks/{Guid.NewGuid():N}";
        await admin.FillAsync("#webhook-url", url);
        await admin.Locator("#new-webhook button[type=submit], #new-webhook fluent-button[type=submit]").First.ClickAsync();
        await Assertions.Expect(admin.Locator("#new-secret [data-secret]")).Not.ToBeEmptyAsync();
        await Assertions.Expect(admin.Locator("#new-webhook .field-error")).ToHaveCountAsync(0);
        var row = admin.Locator("#subscriptions tr", new PageLocatorOptions { HasText = url });
        await Assertions.Expect(row).ToContainTextAsync("ticket.created");
        await BrowserFixture.Screenshot(admin, "webhooks");
        await admin.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(admin, "webhooks-phone");
        Assert.True(await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the webhooks page scrolls sideways on a phone");
        await admin.SetViewportSizeAsync(1280, 800);

        // Shown once: after a reload the secret is gone, the subscription stays.
        await admin.ReloadAsync();
        await BrowserFixture.WaitForInteractive(admin, "webhooks");
        await Assertions.Expect(admin.Locator("#subscriptions tr", new PageLocatorOptions { HasText = url })).ToHaveCountAsync(1);
        await Assertions.Expect(admin.Locator("#new-secret")).ToHaveCountAsync(0);
    }
}
