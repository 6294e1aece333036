using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>The admin center's shell: grouped navigation by role, the header's search, theme, keyboard and phone use.</summary>
public sealed class ShellTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_navigation_is_grouped_and_shows_each_role_its_pages()
    {
        var admin = await browser.SignedIn(Demo.ContosoAdmin);
        await admin.GotoAsync("/console/plans");
        var nav = admin.Locator("#console-nav");
        await Assertions.Expect(nav.Locator(".nav-group-name")).ToHaveTextAsync(["Tickets", "Customers", "Microsoft", "Billing", "Settings"]);
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToBeVisibleAsync();
        await Assertions.Expect(nav.Locator("a.active")).ToHaveTextAsync("Plans and contracts");
        await Assertions.Expect(admin.Locator("nav.breadcrumb")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("PartnerDesk.*Billing.*Plans and contracts"));
        await Assertions.Expect(admin.Locator(".signed-in .organisation")).ToHaveTextAsync("Contoso Cloud Services");

        var helpdesk = await browser.SignedIn(Demo.ContosoHelpdesk);
        await helpdesk.GotoAsync("/console/service-health");
        var helpdeskNav = helpdesk.Locator("#console-nav");
        await Assertions.Expect(helpdeskNav.Locator(".nav-group-name")).ToHaveTextAsync(["Tickets", "Customers", "Microsoft"]);
        await Assertions.Expect(helpdeskNav.GetByRole(AriaRole.Link, new() { Name = "Plans and contracts" })).ToHaveCountAsync(0);
        await Assertions.Expect(helpdeskNav.GetByRole(AriaRole.Link, new() { Name = "Knowledge base" })).ToBeVisibleAsync();

        var sales = await browser.SignedIn(Demo.ContosoSales);
        await sales.GotoAsync("/console/billing");
        await Assertions.Expect(sales.Locator("#console-nav .nav-group-name")).ToHaveTextAsync(["Tickets", "Customers", "Microsoft", "Billing"]);
        await Assertions.Expect(sales.Locator("#console-nav").GetByRole(AriaRole.Link, new() { Name = "Reports" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_header_search_finds_tickets_customers_and_articles_of_the_agent_s_own_organisation_only()
    {
        var page = await browser.SignedIn(Demo.ContosoHelpdesk);
        await page.GotoAsync("/console/customers");
        await page.FillAsync("#global-search", "adatum");
        await page.PressAsync("#global-search", "Enter");
        await page.WaitForURLAsync("**/console/search?q=adatum");
        await Assertions.Expect(page.Locator("#search-customers li[data-customer]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#search-customers")).ToContainTextAsync("Adatum Corporation");
        await Assertions.Expect(page.Locator("#global-search")).ToHaveValueAsync("adatum");

        var outlook = await browser.App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.Where(t => t.Title.StartsWith("Outlook cannot send")).Select(t => t.Number).SingleAsync());
        await page.GotoAsync("/console/search?q=outlook");
        await Assertions.Expect(page.Locator($"#search-tickets li[data-ticket='PD-{outlook}']")).ToHaveCountAsync(1);
        await page.GotoAsync($"/console/search?q=PD-{outlook}");
        await Assertions.Expect(page.Locator("#search-tickets li[data-ticket]")).ToHaveCountAsync(1);

        var (_, article) = await ShellWorld.Arrange(browser);
        await page.GotoAsync("/console/search?q=calendar+permissions");
        await page.Locator($"#search-articles li[data-article='{article}'] a").ClickAsync();
        await BrowserFixture.WaitForInteractive(page, "articles");
        await Assertions.Expect(page.Locator("#article-title")).ToHaveValueAsync(ShellWorld.ArticleTitle);

        // Fabrikam's admin searches for Contoso's customer and its ticket: the tenancy filters leave nothing.
        var fabrikam = await browser.SignedIn(Demo.FabrikamAdmin);
        await fabrikam.GotoAsync("/console/search?q=adatum");
        await Assertions.Expect(fabrikam.Locator("#search-customers li[data-customer]")).ToHaveCountAsync(0);
        await fabrikam.GotoAsync("/console/search?q=outlook");
        await Assertions.Expect(fabrikam.Locator($"#search-tickets li[data-ticket='PD-{outlook}']")).ToHaveCountAsync(0);
        await Assertions.Expect(fabrikam.Locator("#search-articles li[data-article]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_theme_follows_the_system_and_the_switch_is_remembered()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.BaseUrl, ColorScheme = ColorScheme.Dark });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await page.FillAsync("#email", Demo.ContosoAdmin);
        await page.FillAsync("#password", TestDatabase.DemoPassword);
        await page.ClickAsync("#signin");
        await page.WaitForURLAsync("**/console");
        await BrowserFixture.WaitForInteractive(page, "queue");
        await BrowserFixture.Screenshot(page, "queue-dark");

        // As the system → light → dark → as the system; the choice outlives a reload.
        await page.ClickAsync("#theme-switch");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await page.ClickAsync("#theme-switch");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await page.ClickAsync("#theme-switch");
        await Assertions.Expect(page.Locator("#theme-switch")).ToHaveAttributeAsync("aria-label", "Theme: as the system");
    }

    [Fact]
    public async Task The_shell_works_with_the_keyboard_and_on_a_phone()
    {
        var page = await browser.SignedIn(Demo.ContosoAdmin);
        await page.GotoAsync("/console/service-health");

        // The skip link comes before the header (the page focuses its heading after loading, so Shift+Tab from the
        // header's first button reaches it); it moves the focus past the header and the navigation.
        await page.FocusAsync("#nav-toggle");
        await page.Keyboard.PressAsync("Shift+Tab");
        await Assertions.Expect(page.Locator(".skip-link")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator(".skip-link")).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#content")).ToBeFocusedAsync();

        // On a desktop the navigation folds away and stays so.
        await page.ClickAsync("#nav-toggle");
        await Assertions.Expect(page.Locator("#console-nav")).ToBeHiddenAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#console-nav")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#nav-toggle")).ToHaveAttributeAsync("aria-expanded", "false");
        await page.ClickAsync("#nav-toggle");
        await Assertions.Expect(page.Locator("#console-nav")).ToBeVisibleAsync();

        // On a phone it waits behind the menu button; Escape closes it.
        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(page.Locator("#console-nav")).ToBeHiddenAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "The console's shell scrolls sideways on a phone.");
        await page.ClickAsync("#nav-toggle");
        await Assertions.Expect(page.Locator("#console-nav")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(page, "console-phone-menu");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#console-nav")).ToBeHiddenAsync();
    }

    /// <summary>The main pages at desktop and phone width, for the README (docs/screenshots).</summary>
    [Fact]
    public async Task Screenshots_of_the_main_pages()
    {
        var ticket = await browser.App.InDatabase(DemoWorld.Ids.Contoso, db =>
            db.Tickets.Where(t => t.CustomerId == DemoWorld.Ids.Adatum && t.Title.StartsWith("Outlook cannot send")).Select(t => t.Id).SingleAsync());
        var agent = await browser.SignedIn(Demo.ContosoAdmin);
        (string Name, string Path, string? Interactive)[] console =
        [
            ("queue", "/console", "queue"),
            ("ticket", $"/console/tickets/{ticket}", "ticket"),
            ("customer-workspace", $"/console/customers/{DemoWorld.Ids.Adatum}", null),
            ("service-health", "/console/service-health", null),
        ];
        await Shoot(agent, console);

        var contact = await browser.SignedIn(Demo.AdatumIt);
        await Shoot(contact, [("portal", "/portal", null), ("portal-new-ticket", "/portal/new", null), ("portal-ticket", $"/portal/tickets/{ticket}", null)]);
    }

    private static async Task Shoot(IPage page, (string Name, string Path, string? Interactive)[] pages)
    {
        foreach (var (width, height, suffix) in new[] { (1280, 800, "desktop"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (name, path, interactive) in pages)
            {
                await page.GotoAsync(path);
                if (interactive is not null)
                {
                    await BrowserFixture.WaitForInteractive(page, interactive);
                }

                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, $"shell-{name}-{suffix}.png"), FullPage = suffix == "phone" });
            }
        }
    }
}
