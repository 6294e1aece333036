using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>The console's lists and results (decisions 8x): sorting on the server, column choice, toasts, skeletons.</summary>
public sealed class ListTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static Task<IReadOnlyList<string>> Column(IPage page, string table, int index) =>
        page.Locator($"#{table} tbody tr td:nth-child({index})").AllInnerTextsAsync();

    [Fact]
    public async Task A_header_sorts_the_customers_on_the_server_by_keyboard_and_the_columns_shown_are_kept()
    {
        var page = await browser.SignedIn(Demo.ContosoAdmin);
        await page.GotoAsync("/console/customers");
        await BrowserFixture.WaitForInteractive(page, "customers");
        var customer = page.Locator("#customers th", new() { HasText = "Customer" });
        await Assertions.Expect(customer).ToHaveAttributeAsync("aria-sort", "ascending");

        // The domain header is a link: reached with Tab like any link, followed with Enter.
        var domainLink = page.Locator("#customers th a.sort[data-column='domain']");
        await domainLink.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/console/customers?sort=domain&dir=asc");
        var domain = page.Locator("#customers th", new() { HasText = "Domain" });
        await Assertions.Expect(domain).ToHaveAttributeAsync("aria-sort", "ascending");
        await Assertions.Expect(customer).ToHaveAttributeAsync("aria-sort", "none");
        var ascending = await Column(page, "customers", 2);
        Assert.True(ascending.Count > 1);
        Assert.Equal(ascending.Order(StringComparer.Ordinal), ascending);

        await domainLink.ClickAsync();
        await page.WaitForURLAsync("**/console/customers?sort=domain&dir=desc");
        await Assertions.Expect(domain).ToHaveAttributeAsync("aria-sort", "descending");
        await Assertions.Expect(page.Locator("#customers tbody tr td:nth-child(2)").First).ToHaveTextAsync(ascending[^1]);
        await BrowserFixture.Screenshot(page, "customers-sorted-desktop");

        // A sort that is not on the list is the default order, not an error.
        await page.GotoAsync("/console/customers?sort=password&dir=up");
        await Assertions.Expect(customer).ToHaveAttributeAsync("aria-sort", "ascending");

        // Columns: the tenant id hidden, and still hidden on the next visit.
        await BrowserFixture.WaitForInteractive(page, "customers");
        await page.ClickAsync("#column-chooser summary");
        await page.UncheckAsync("#column-tenant");
        await Assertions.Expect(page.Locator("#customers th", new() { HasText = "Tenant id" })).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#customers th", new() { HasText = "Domain" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#customers th", new() { HasText = "Tenant id" })).ToHaveCountAsync(0);

        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(page, "customers-sorted-phone");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
    }

    [Fact]
    public async Task A_portal_reply_ends_in_a_toast_that_is_announced_dismissed_and_shown_once()
    {
        var contact = await browser.SignedIn(Demo.AdatumAnna);
        await contact.GotoAsync("/portal/new");
        await contact.FillAsync("#title", "Shared mailbox not visible in Outlook");
        await contact.FillAsync("#description", "Since this morning the shared mailbox is missing.");
        await contact.ClickAsync("#submit-ticket");
        await contact.WaitForURLAsync(url => url.Contains("/portal/tickets/", StringComparison.Ordinal));
        await Assertions.Expect(contact.Locator("#flash-toast")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Ticket PD-\d+ is filed\."));

        await contact.FillAsync("#reply-body", "It is back for one colleague, not for me.");
        await contact.ClickAsync("#send-reply");
        var toast = contact.Locator("#flash-toast");
        await Assertions.Expect(toast).ToHaveTextAsync("Your reply is sent.");
        await Assertions.Expect(toast).ToBeVisibleAsync();
        // Screen readers hear it from the polite live region that was in the page before the text came.
        await Assertions.Expect(contact.Locator("#toast-status[role=status][aria-live=polite]")).ToHaveTextAsync("Your reply is sent.");
        await BrowserFixture.Screenshot(contact, "toast-portal-desktop");
        await contact.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(contact, "toast-portal-phone");

        await toast.Locator("[data-toast-dismiss]").ClickAsync();
        await Assertions.Expect(toast).ToBeHiddenAsync();

        // Shown once: the cookie that carried it is gone.
        await contact.ReloadAsync();
        await Assertions.Expect(contact.Locator(".message").Last).ToContainTextAsync("not for me");
        await Assertions.Expect(contact.Locator("#flash-toast")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_workspace_streams_a_skeleton_until_microsoft_answers()
    {
        var page = await browser.SignedIn(Demo.ContosoAdmin);
        // The streamed response whole: its first part (sent before Microsoft answers) carries the skeleton, a later
        // part replaces it. Read from the response, so that nothing depends on how fast Microsoft's simulator answers.
        string? streamed = null;
        await page.RouteAsync("**/console/customers/*", async route =>
        {
            var response = await route.FetchAsync();
            streamed = await response.TextAsync();
            await route.FulfillAsync(new() { Response = response });
        });
        await page.GotoAsync($"/console/customers/{DemoWorld.Ids.Tailspin}");
        await Assertions.Expect(page.Locator("#domains")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-skeleton]")).ToHaveCountAsync(0);

        Assert.NotNull(streamed);
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.Artifacts, "workspace-streamed.html"), streamed, TestContext.Current.CancellationToken);
        var skeleton = streamed.IndexOf("id=\"microsoft-loading\"", StringComparison.Ordinal);
        Assert.True(skeleton > 0, "The first part shows the skeleton.");
        Assert.Contains("class=\"fluent-skeleton", streamed, StringComparison.Ordinal); // Fluent UI's FluentSkeleton
        Assert.Contains("Reading domains and subscriptions from Microsoft", streamed, StringComparison.Ordinal);
        // The response is written in order: the facts arrive after the skeleton, in a later part that replaces it.
        Assert.True(streamed.IndexOf("id=\"domains\"", StringComparison.Ordinal) > skeleton, "Microsoft's facts come after the skeleton.");
        Assert.True(streamed.LastIndexOf("<blazor-ssr>", StringComparison.Ordinal) > skeleton, "in a streamed part");
    }

    [Fact]
    public async Task The_escalations_list_sorts_hides_a_column_and_has_no_serious_accessibility_violation()
    {
        var admin = await browser.App.ClientFor(Demo.ContosoAdmin);
        foreach (var title in new[] { "Mailbox moves stall", "Teams meetings fail to start" })
        {
            var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets",
                new { customerId = DemoWorld.Ids.Adatum, title, description = "Since the update.", severity = "B", kind = "Incident", service = "Exchange Online" })).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.GetProperty("id").GetGuid()}/escalations", new { category = "ServiceUnavailable" })).EnsureSuccessStatusCode();
        }

        var page = await browser.SignedIn(Demo.ContosoAdmin);
        await page.GotoAsync("/console/escalations");
        await BrowserFixture.WaitForInteractive(page, "escalations");
        await Assertions.Expect(page.Locator("#escalations tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#escalations th", new() { HasText = "Escalated" })).ToHaveAttributeAsync("aria-sort", "descending");

        await page.ClickAsync("#escalations th a.sort[data-column='title']");
        await page.WaitForURLAsync("**/console/escalations?sort=title&dir=asc");
        await Assertions.Expect(page.Locator("#escalations tbody tr td:nth-child(2)")).ToContainTextAsync(["Mailbox moves stall", "Teams meetings fail to start"]);
        await page.ClickAsync("#escalations th a.sort[data-column='title']");
        await Assertions.Expect(page.Locator("#escalations tbody tr td:nth-child(2)")).ToContainTextAsync(["Teams meetings fail to start", "Mailbox moves stall"]);

        await BrowserFixture.WaitForInteractive(page, "escalations");
        await page.ClickAsync("#column-chooser summary");
        await page.UncheckAsync("#column-customer");
        await Assertions.Expect(page.Locator("#escalations th", new() { HasText = "Customer" })).ToHaveCountAsync(0);
        await page.ClickAsync("#column-chooser summary");

        var serious = (await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id).ToList();
        Assert.True(serious.Count == 0, string.Join(", ", serious));
        await BrowserFixture.Screenshot(page, "escalations-desktop");
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(page, "escalations-phone");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
    }
}
