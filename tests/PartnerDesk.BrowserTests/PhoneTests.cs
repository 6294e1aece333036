using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>
/// The console on a phone (390 × 844): a header of one line, the queue's tools folded and its tickets as cards, the
/// ticket's time form. Also the phone screenshots of the console for the README (docs/screenshots).
/// </summary>
public sealed class PhoneTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const int Width = 390;
    private const int Height = 844;

    private async Task<IPage> OnAPhone(string email)
    {
        var page = await browser.SignedIn(email);
        await page.SetViewportSizeAsync(Width, Height);
        return page;
    }

    private static async Task NoSidewaysScroll(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"The page scrolls sideways: {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px on a {Width} px screen.");

    /// <summary>What the phone's screen shows, not the whole page (the first screen is the point).</summary>
    private static async Task FirstScreen(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, name + ".png") });

    [Fact]
    public async Task The_queue_shows_its_first_ticket_on_the_first_screen_and_folds_its_tools_until_used()
    {
        var page = await OnAPhone(Demo.ContosoAdmin);
        await page.GotoAsync("/console");
        await BrowserFixture.WaitForInteractive(page, "queue");

        var first = page.Locator("#queue tbody tr").First;
        var card = await first.BoundingBoxAsync();
        Assert.True(card!.Y < Height, $"The first ticket's card starts at {card.Y} px, below the first screen ({Height} px).");
        await NoSidewaysScroll(page);

        // A card: number, status and severity on its first line, the title under them, then customer, assignee, updated.
        var number = await first.Locator("td.card-number").BoundingBoxAsync();
        var title = await first.Locator("td.card-title").BoundingBoxAsync();
        var status = await first.Locator("td .status").BoundingBoxAsync();
        var severity = await first.Locator("td .sev").BoundingBoxAsync();
        Assert.True(Math.Abs(status!.Y - number!.Y) < 12 && Math.Abs(severity!.Y - number.Y) < 12, "Number, status and severity are not on one line.");
        Assert.True(title!.Y >= number.Y + number.Height - 1, "The title is not under the number.");
        foreach (var label in new[] { "Customer", "Assignee", "Updated" })
        {
            await Assertions.Expect(first.Locator($"td[data-label='{label}']")).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.Locator("#queue thead")).ToBeHiddenAsync();
        await FirstScreen(page, "queue-phone");

        // Each tool waits behind its button: opened from the keyboard, and the button tells that it is open.
        foreach (var (button, part) in new[] { ("#toggle-views", "#saved-views"), ("#toggle-filters", "#queue-filters"), ("#toggle-bulk", "#bulk-bar") })
        {
            await Assertions.Expect(page.Locator(part)).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator(button)).ToHaveAttributeAsync("aria-expanded", "false");
            await page.FocusAsync(button);
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator(part)).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(button)).ToHaveAttributeAsync("aria-expanded", "true");
        }

        await NoSidewaysScroll(page);
        await BrowserFixture.Screenshot(page, "queue-phone-open");

        // Selecting on a card; the filters' button counts what is set.
        await first.Locator("td.select input").CheckAsync();
        await Assertions.Expect(page.Locator("#bulk-count")).ToHaveTextAsync("1 selected");
        await page.Locator("#bulk-select-all").CheckAsync();
        await Assertions.Expect(page.Locator("#bulk-count")).ToHaveTextAsync($"{await page.Locator("#queue tbody tr").CountAsync()} selected");
        await page.SelectOptionAsync("#filter-status", "all");
        await Assertions.Expect(page.Locator("#toggle-filters")).ToHaveTextAsync("Filters (1)");

        // Closing the selection ends it: no change can reach tickets the agent no longer sees as selected.
        await first.Locator("td.select input").CheckAsync();
        await page.ClickAsync("#toggle-bulk");
        await Assertions.Expect(page.Locator("#bulk-bar")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#toggle-bulk")).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(first.Locator("td.select input")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#queue tbody tr.selected")).ToHaveCountAsync(0);

        // On a desktop nothing is folded: the table with its header, the tools shown, their buttons gone.
        await page.SetViewportSizeAsync(1280, 800);
        await Assertions.Expect(page.Locator("#queue thead")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#view-name")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#bulk-bar")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#toggle-filters")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#bulk-select-all")).ToBeHiddenAsync(); // the table's header has its own
    }

    [Fact]
    public async Task The_console_header_is_one_line_with_search_and_the_account_menu_behind_buttons()
    {
        var page = await OnAPhone(Demo.ContosoAdmin);
        await page.GotoAsync("/console/customers");
        var header = await page.Locator("header.appbar").BoundingBoxAsync();
        Assert.True(header!.Height <= 56, $"The header is {header.Height} px high on a phone: more than one line.");
        await Assertions.Expect(page.Locator("#global-search")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#account-panel")).ToBeHiddenAsync();
        await NoSidewaysScroll(page);

        // The search button opens the field with the focus in it.
        await page.ClickAsync("#search-toggle");
        await Assertions.Expect(page.Locator("#global-search")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#search-toggle")).ToHaveAttributeAsync("aria-expanded", "true");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#global-search")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#search-toggle")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("adatum");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/console/search?q=adatum");
        await Assertions.Expect(page.Locator("#search-customers li[data-customer]")).ToHaveCountAsync(1);

        // The account menu: who, which organisation, theme, language and sign-out; Escape closes it and gives the focus back.
        await page.FocusAsync("#account-toggle");
        await page.Keyboard.PressAsync("Enter");
        var panel = page.Locator("#account-panel");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#account-toggle")).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(panel.Locator(".who")).ToHaveTextAsync("Adele Vance");
        await Assertions.Expect(panel.Locator(".organisation")).ToBeVisibleAsync();
        await Assertions.Expect(panel.Locator(".organisation")).ToHaveTextAsync("Contoso Cloud Services");
        await Assertions.Expect(panel.Locator("#theme-switch")).ToBeVisibleAsync();
        await Assertions.Expect(panel.Locator("#language-de")).ToBeVisibleAsync();
        await Assertions.Expect(panel.Locator("button.signout")).ToBeVisibleAsync();
        await NoSidewaysScroll(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Artifacts, "console-header-phone.png"), Clip = new Clip { X = 0, Y = 0, Width = Width, Height = 400 } });

        await page.ClickAsync("#theme-switch"); // a choice inside the menu keeps it open
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(panel).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#account-toggle")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#account-toggle")).ToHaveAttributeAsync("aria-expanded", "false");

        // A tap elsewhere closes it too.
        await page.ClickAsync("#account-toggle");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await page.Mouse.ClickAsync(20, Height - 40);
        await Assertions.Expect(panel).ToBeHiddenAsync();

        // On a desktop the header is as before: the search field, theme, language, who and sign-out in line.
        await page.SetViewportSizeAsync(1280, 800);
        await Assertions.Expect(page.Locator("#account-toggle")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#search-toggle")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#global-search")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#theme-switch")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".appbar .signed-in .organisation")).ToBeVisibleAsync();
        Assert.True((await page.Locator("header.appbar").BoundingBoxAsync())!.Height <= 56, "The desktop header is more than one line.");
    }

    [Fact]
    public async Task The_time_form_on_a_phone_has_its_checkbox_beside_its_label_and_the_range_as_a_hint_until_it_is_broken()
    {
        var ticket = await browser.App.InDatabase(DemoWorld.Ids.Contoso, db =>
            db.Tickets.Where(t => t.CustomerId == DemoWorld.Ids.Adatum && t.Title.StartsWith("Outlook cannot send")).Select(t => t.Id).SingleAsync());
        var page = await OnAPhone(Demo.ContosoAdmin);
        await page.GotoAsync($"/console/tickets/{ticket}");
        await BrowserFixture.WaitForInteractive(page, "ticket");
        await NoSidewaysScroll(page);

        await page.Locator(".time-log").ScrollIntoViewIfNeededAsync();
        await FirstScreen(page, "ticket-phone-time");
        var box = await page.Locator("#time-billable").BoundingBoxAsync();
        var label = await page.Locator("label[for='time-billable']").BoundingBoxAsync();
        Assert.True(box!.Width <= 24, $"The Billable checkbox is {box.Width} px wide.");
        Assert.True(label!.X >= box.X + box.Width && Math.Abs(label.Y + (label.Height / 2) - (box.Y + (box.Height / 2))) < 6,
            $"The Billable checkbox ({box.X}, {box.Y}, {box.Width} × {box.Height}) is not beside its label ({label.X}, {label.Y}, {label.Width} × {label.Height}).");

        // The range is a hint, described by the field, not an error.
        var minutes = page.Locator("#time-minutes");
        var hint = page.Locator("#time-minutes-hint");
        await Assertions.Expect(hint).ToHaveTextAsync("Log 1 to 1440 minutes.");
        await Assertions.Expect(hint).Not.ToHaveAttributeAsync("role", "alert");
        await Assertions.Expect(minutes).ToHaveAttributeAsync("aria-describedby", "time-minutes-hint");
        await Assertions.Expect(minutes).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator(".field-error[data-field='minutes']")).ToHaveCountAsync(0);

        // Out of range: the same words become the field's error, at once, before anything is saved.
        await minutes.FillAsync("2000");
        await minutes.PressAsync("Tab");
        var error = page.Locator(".field-error[data-field='minutes']");
        await Assertions.Expect(error).ToHaveTextAsync("Log 1 to 1440 minutes.");
        await Assertions.Expect(minutes).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(minutes).ToHaveAttributeAsync("aria-describedby", "time-minutes-error");
        await Assertions.Expect(page.Locator("#time-minutes-error")).ToContainTextAsync("Log 1 to 1440 minutes.");

        // Corrected: a hint again.
        await minutes.FillAsync("30");
        await minutes.PressAsync("Tab");
        await Assertions.Expect(hint).ToBeVisibleAsync();
        await Assertions.Expect(error).ToHaveCountAsync(0);
        await Assertions.Expect(minutes).Not.ToHaveAttributeAsync("aria-invalid", "true");

        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await FirstScreen(page, "ticket-phone");
        await BrowserFixture.Screenshot(page, "ticket-phone-full");
    }
}
