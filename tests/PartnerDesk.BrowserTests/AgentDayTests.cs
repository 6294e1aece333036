using System.Net;
using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>The agent's day: the queue's shortcuts, bulk actions and saved views; canned replies and the ticket page's layout.</summary>
public sealed class AgentDayTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static async Task<TicketDetails> File(HttpClient api, Guid customerId, string title)
    {
        var response = await api.PostAsJsonAsync("/api/v1/tickets",
            new { customerId, title, description = "Teams meetings drop after a minute.", severity = "C", kind = "Incident", service = "Microsoft Teams" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TicketDetails>(ApiJson))!;
    }

    private static readonly System.Text.Json.JsonSerializerOptions ApiJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>No serious or critical axe violation in the page's own content (the shell is checked by its own test).</summary>
    private static async Task NoSeriousAxeViolations(IPage page)
    {
        var result = await page.Locator("main").RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))})").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }

    private static async Task NoHorizontalScroll(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"),
            $"The page scrolls sideways: {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px");

    [Fact]
    public async Task The_queue_works_from_the_keyboard_with_bulk_actions_and_saved_views()
    {
        var admin = await browser.App.ClientFor(Demo.ContosoAdmin);
        var marker = $"Keyboard {Guid.NewGuid():N}"[..20];
        var first = await File(admin, DemoWorld.Ids.Adatum, $"{marker} one");
        var second = await File(admin, DemoWorld.Ids.Tailspin, $"{marker} two");

        var page = await browser.SignedIn(Demo.ContosoAdmin);
        await page.GotoAsync("/console");
        await BrowserFixture.WaitForInteractive(page, "queue");
        await page.FillAsync("#filter-search", marker);
        await page.PressAsync("#filter-search", "Enter");
        await Assertions.Expect(page.Locator("#queue tbody tr")).ToHaveCountAsync(2);

        // Saved view: the filters under a name, opened again later.
        await page.FillAsync("#view-name", $"Mine {marker}");
        await page.ClickAsync("#view-save");
        await Assertions.Expect(page.Locator("#view-notice")).ToHaveTextAsync("View saved.");
        await page.ClickAsync("#view-rename"); // the same name again is no error for the view itself
        await page.FillAsync("#view-name", $"Renamed {marker}");
        await page.ClickAsync("#view-rename");
        await Assertions.Expect(page.Locator("#saved-view option:checked")).ToHaveTextAsync($"Renamed {marker}");

        // j moves to the first row, x selects it, the second is selected by its checkbox; "?" lists the shortcuts.
        await page.Locator("h1").ClickAsync();
        await page.Keyboard.PressAsync("j");
        await Assertions.Expect(page.Locator("#queue tbody tr").First).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Shift+?");
        await Assertions.Expect(page.Locator("#shortcuts-dialog")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#shortcuts-dialog")).ToContainTextAsync("Assign to me");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#shortcuts-dialog")).ToBeHiddenAsync();
        await page.Locator("#queue tbody tr").First.FocusAsync();
        await page.Keyboard.PressAsync("x");
        await Assertions.Expect(page.Locator("#bulk-count")).ToHaveTextAsync("1 selected");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("x");
        await Assertions.Expect(page.Locator("#bulk-count")).ToHaveTextAsync("2 selected");

        // Typing in a field is typing: "j" lands in the search box, not as a shortcut.
        await page.FocusAsync("#view-name");
        await page.Keyboard.TypeAsync("jk");
        await Assertions.Expect(page.Locator("#view-name")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("jk$"));

        // Bulk: assign both to the helpdesk agent; it has no GDAP role at Tailspin, so that one is reported, not skipped.
        await page.SelectOptionAsync("#bulk-assignee", DemoWorld.Ids.ContosoHelpdesk.ToString());
        await page.ClickAsync("#bulk-assign");
        await Assertions.Expect(page.Locator("#bulk-result")).ToContainTextAsync("1 of 2 tickets changed.");
        await Assertions.Expect(page.Locator($"#bulk-result li[data-id='{second.Id}']")).ToContainTextAsync("may not work on this ticket");
        await Assertions.Expect(page.Locator($"#queue tr[data-id='{first.Id}']")).ToContainTextAsync("Diego Siciliani");
        await BrowserFixture.Screenshot(page, "agentday-queue-desktop");
        await NoHorizontalScroll(page); // the title's width must not push the table past the page
        await NoSeriousAxeViolations(page);

        // "a" assigns the focused row to me.
        await page.Locator($"#queue tr[data-id='{second.Id}'] input[type=checkbox]").UncheckAsync();
        await page.Locator($"#queue tr[data-id='{second.Id}']").FocusAsync();
        await page.Keyboard.PressAsync("a");
        await Assertions.Expect(page.Locator($"#queue tr[data-id='{second.Id}']")).ToContainTextAsync("Adele Vance");

        // The view opens again with its filters; Enter on a row opens the ticket.
        await page.GotoAsync("/console");
        await BrowserFixture.WaitForInteractive(page, "queue");
        await page.SelectOptionAsync("#saved-view", new SelectOptionValue { Label = $"Renamed {marker}" });
        await Assertions.Expect(page.Locator("#filter-search")).ToHaveValueAsync(marker);
        await Assertions.Expect(page.Locator("#queue tbody tr")).ToHaveCountAsync(2);
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(page, "agentday-queue-phone");
        await page.SetViewportSizeAsync(1280, 900);
        await page.Locator("h1").ClickAsync();
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("Enter");
        await BrowserFixture.WaitForInteractive(page, "ticket");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/tickets/"));

        // Column choice is remembered for the agent.
        await page.GotoAsync("/console");
        await BrowserFixture.WaitForInteractive(page, "queue");
        await page.ClickAsync("#column-chooser summary");
        await page.Locator("#column-service").UncheckAsync();
        await Assertions.Expect(page.Locator("#queue thead")).Not.ToContainTextAsync("Service");
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractive(page, "queue");
        await Assertions.Expect(page.Locator("#queue thead")).Not.ToContainTextAsync("Service");
        await page.ClickAsync("#column-chooser summary");
        await page.Locator("#column-service").CheckAsync();
        await Assertions.Expect(page.Locator("#queue thead")).ToContainTextAsync("Service");

        // Deleting the view.
        await page.SelectOptionAsync("#saved-view", new SelectOptionValue { Label = $"Renamed {marker}" });
        await page.ClickAsync("#view-delete");
        await page.ClickAsync("#confirm-ok"); // deleting asks first (decisions 8x)
        await Assertions.Expect(page.Locator("#view-notice")).ToHaveTextAsync("View deleted.");
        await Assertions.Expect(page.Locator("#saved-view option", new() { HasText = marker })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_agent_fills_a_canned_reply_in_the_contacts_language_and_uses_the_ticket_shortcuts()
    {
        var adminApi = await browser.App.ClientFor(Demo.ContosoAdmin);
        var title = $"Teams drops {Guid.NewGuid():N}"[..24];

        // The admin writes the reply on its page.
        var admin = await browser.SignedIn(Demo.ContosoAdmin);
        await admin.GotoAsync("/console/canned-replies");
        await BrowserFixture.WaitForInteractive(admin, "canned-replies");
        await admin.FillAsync("#reply-title", title);
        await admin.FillAsync("#reply-body-en", "Hello {contact}, we are on {ticket}.");
        await admin.FillAsync("#reply-body-de", "Hallo {vorname}");
        await admin.ClickAsync("#reply-save");
        await Assertions.Expect(admin.Locator(".field-error[data-field='bodyDe']")).ToContainTextAsync("Unknown placeholder {vorname}");
        await admin.FillAsync("#reply-body-de", "Hallo {contact}, wir arbeiten an {ticket}. Grüße, {agent}");
        await admin.ClickAsync("#reply-save");
        await Assertions.Expect(admin.Locator($"#canned-replies tr[data-reply='{title}']")).ToHaveCountAsync(1);
        await BrowserFixture.Screenshot(admin, "agentday-canned-replies");
        await NoSeriousAxeViolations(admin);

        // Anna reads German; her ticket gets the German text.
        await browser.App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var anna = db.Contacts.Single(c => c.Email == Demo.AdatumAnna);
            anna.Language = "de";
            return await db.SaveChangesAsync();
        });
        var annaApi = await browser.App.ClientFor(Demo.AdatumAnna);
        var ticket = await File(annaApi, DemoWorld.Ids.Adatum, title);

        var page = await browser.SignedIn(Demo.ContosoHelpdesk);
        await page.GotoAsync($"/console/tickets/{ticket.Id}");
        await BrowserFixture.WaitForInteractive(page, "ticket");
        await page.SelectOptionAsync("#canned-reply", new SelectOptionValue { Label = title });
        await page.ClickAsync("#canned-insert");
        await Assertions.Expect(page.Locator("#reply-body")).ToHaveValueAsync($"Hallo Anna Becker, wir arbeiten an {ticket.Number}. Grüße, Diego Siciliani");
        await Assertions.Expect(page.Locator("#reply-body")).ToBeFocusedAsync();

        // Shortcuts: n makes it an internal note, r a reply again, a assigns to me, s goes to the status; none while typing.
        await page.Keyboard.PressAsync("n"); // typed: the focus is in the reply box
        await Assertions.Expect(page.Locator("#reply-body")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("n$"));
        await page.FillAsync("#reply-body", "");
        await page.Locator("h1").ClickAsync();
        await page.Keyboard.PressAsync("n");
        await Assertions.Expect(page.Locator("#reply-label")).ToHaveTextAsync("Internal note (agents only)");
        await Assertions.Expect(page.Locator("#reply-body")).ToBeFocusedAsync();
        await page.Locator("h1").ClickAsync();
        await page.Keyboard.PressAsync("r");
        await Assertions.Expect(page.Locator("#reply-label")).ToHaveTextAsync("Reply to the customer");
        await page.Locator("h1").ClickAsync();
        await page.Keyboard.PressAsync("a");
        await Assertions.Expect(page.Locator("#assignee option:checked")).ToHaveTextAsync("Diego Siciliani");
        await page.Keyboard.PressAsync("s");
        await Assertions.Expect(page.Locator("#status")).ToBeFocusedAsync();

        // The properties: GDAP roles of the partner, the contract line, and a labelled time form.
        await Assertions.Expect(page.Locator("#partner-roles")).ToContainTextAsync("Helpdesk Administrator");
        await Assertions.Expect(page.Locator("label[for='time-minutes']")).ToHaveTextAsync("Minutes");
        await page.FillAsync("#time-minutes", "0");
        await page.ClickAsync("#time-add");
        await Assertions.Expect(page.Locator(".field-error[data-field='minutes']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#time-minutes")).ToHaveAttributeAsync("aria-invalid", "true");

        await BrowserFixture.Screenshot(page, "agentday-ticket-desktop");
        await NoSeriousAxeViolations(page);

        // On a phone: the panel below the conversation, nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        await NoHorizontalScroll(page);
        var conversation = await page.Locator(".conversation").BoundingBoxAsync();
        var properties = await page.Locator(".properties").BoundingBoxAsync();
        Assert.True(properties!.Y >= conversation!.Y + conversation.Height - 1, "The properties panel is not below the conversation.");
        await BrowserFixture.Screenshot(page, "agentday-ticket-phone");
    }
}
