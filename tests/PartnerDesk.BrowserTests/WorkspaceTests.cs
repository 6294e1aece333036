using System.Net.Http.Json;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

public sealed class WorkspaceTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    [Fact]
    public async Task From_a_ticket_the_agent_sees_its_roles_in_the_tenant_and_opens_the_customer_workspace()
    {
        var api = await browser.App.ClientFor(Demo.ContosoHelpdesk);
        var ticket = (await api.GetFromJsonAsync<Page<TicketSummary>>($"/api/v1/tickets?customerId={DemoWorld.Ids.Adatum}&status=New,Open&limit=1", Json))!.Items[0];

        var page = await browser.SignedIn(Demo.ContosoHelpdesk);
        await page.GotoAsync($"/console/tickets/{ticket.Id}");
        await Assertions.Expect(page.Locator("#tenant-access")).ToHaveTextAsync("You can act in the tenant as Global Reader, Helpdesk Administrator, Service Support Administrator.");

        await page.ClickAsync("#customer-workspace");
        await page.WaitForURLAsync($"**/console/customers/{DemoWorld.Ids.Adatum}");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Adatum Corporation");
        await Assertions.Expect(page.Locator("#gdap tr[data-relationship]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"#tenant-access tr[data-agent='{DemoWorld.Ids.ContosoHelpdesk}']")).ToContainTextAsync("Helpdesk Administrator");
        await Assertions.Expect(page.Locator("[data-link='m365']")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("CTID=0c0c0c56-0001-7000-8000-000000000001"));
        // Microsoft's facts stream in after the page's own.
        await Assertions.Expect(page.Locator("#subscriptions tr[data-subscription]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#subscriptions")).ToContainTextAsync("Microsoft 365 Business Premium");
        await BrowserFixture.Screenshot(page, "customer-workspace");
    }

    [Fact]
    public async Task An_agent_writes_an_article_in_the_console_with_a_safe_preview_and_it_is_found()
    {
        var page = await browser.SignedIn(Demo.ContosoHelpdesk);
        await page.GotoAsync("/console/articles");
        await BrowserFixture.WaitForInteractive(page, "articles");
        await page.ClickAsync("#article-new");
        await page.FillAsync("#article-title", "Reset the Authenticator app after a phone change");
        await page.SelectOptionAsync("#article-visibility", "Public");
        await page.FillAsync("#article-service", "Microsoft Entra");
        await page.FillAsync("#article-body", "Open **Security info** and add the new phone.\n\n<img src=x onerror=\"window.__pwned=true\">");
        await Assertions.Expect(page.Locator("#article-preview strong")).ToHaveTextAsync("Security info");
        await page.ClickAsync("#article-save");
        await Assertions.Expect(page.Locator("#articles tr[data-article]", new PageLocatorOptions { HasText = "Reset the Authenticator app" })).ToHaveCountAsync(1);
        Assert.False(await page.EvaluateAsync<bool>("() => window.__pwned === true"));
        await BrowserFixture.Screenshot(page, "article-editor");

        // Searching from the console and over the API finds it; a contact sees it, as it is public.
        await page.FillAsync("#article-search", "authenticator pho");
        await Assertions.Expect(page.Locator("#articles tr[data-article]").First).ToContainTextAsync("Reset the Authenticator app");
        var contact = await browser.App.ClientFor(Demo.AdatumAnna);
        var hits = (await contact.GetFromJsonAsync<List<ArticleHit>>("/api/v1/articles?q=authenticator", Json))!;
        Assert.Contains(hits, h => h.Title == "Reset the Authenticator app after a phone change");

        // Delete it again: gone for everybody.
        await page.Locator("#articles tr[data-article] a", new PageLocatorOptions { HasText = "Reset the Authenticator app" }).ClickAsync();
        // Deleting asks first (decisions 8x): Escape closes the question, nothing is deleted, the focus is back on the button.
        var article = page.Locator("#articles tr[data-article]", new PageLocatorOptions { HasText = "Reset the Authenticator app" });
        await page.FocusAsync("#article-delete");
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.Locator("#confirm-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Locator("#confirm-text")).ToHaveTextAsync("Delete this article? Links to it stop working.");
        await Assertions.Expect(page.Locator("#confirm-cancel")).ToBeFocusedAsync();
        await BrowserFixture.Screenshot(page, "confirm-dialog-desktop", fullPage: false);
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#article-delete")).ToBeFocusedAsync();
        await Assertions.Expect(article).ToHaveCountAsync(1);

        await page.ClickAsync("#article-delete");
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(article).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#article-notice")).ToHaveTextAsync("Article deleted.");
        Assert.DoesNotContain((await contact.GetFromJsonAsync<List<ArticleHit>>("/api/v1/articles?q=authenticator", Json))!, h => h.Title.StartsWith("Reset the Authenticator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_admin_reads_gdap_from_microsoft_on_the_customers_page()
    {
        var scenario = await PartnerDesk.Simulator.Scenario.ReadAsync(Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json"));
        browser.Simulator.Tenants.Set(scenario.Partners.Single(p => p.TenantId == DemoWorld.Ids.Contoso));

        var helpdesk = await browser.SignedIn(Demo.ContosoHelpdesk);
        await helpdesk.GotoAsync("/console/customers");
        await BrowserFixture.WaitForInteractive(helpdesk, "customers");
        await Assertions.Expect(helpdesk.Locator("#gdap-sync")).ToHaveCountAsync(0);

        var admin = await browser.SignedIn(Demo.ContosoAdmin);
        await admin.GotoAsync("/console/customers");
        await BrowserFixture.WaitForInteractive(admin, "customers");
        await admin.ClickAsync("#gdap-sync");
        // Microsoft's side of the demo is the demo seed: nothing to add or remove.
        // The sync reads Graph page by page; on a loaded CI machine that can take longer than the default wait.
        await Assertions.Expect(admin.Locator("#gdap-sync-state")).ToContainTextAsync("Read 3 relationships from Microsoft Graph: 0 added", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await Assertions.Expect(admin.Locator("#gdap-sync-state")).ToContainTextAsync("0 removed");
        await Assertions.Expect(admin.Locator("#customers")).ToContainTextAsync("Contoso support Litware");
    }
}
