using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

public sealed partial class PlansTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_agent_sees_sla_countdowns_in_the_queue_sorted_by_due_time()
    {
        // Litware (Business Standard Support) files a ticket; Tailspin has no contract and so no SLA.
        var litware = await browser.SignedIn(Demo.LitwareIt);
        var title = $"Shared mailbox missing {Guid.NewGuid():N}";
        await litware.GotoAsync("/portal/new");
        await litware.FillAsync("#title", title);
        await litware.FillAsync("#description", "The finance shared mailbox disappeared from Outlook.");
        await litware.SelectOptionAsync("#severity", "B");
        await litware.ClickAsync("#submit-ticket");
        await litware.WaitForURLAsync(url => url.Contains("/portal/tickets/", StringComparison.Ordinal));

        // The contact is told when the answer will come.
        await Assertions.Expect(litware.Locator("#answer-time")).ToContainTextAsync("You will hear from us by");
        await Assertions.Expect(litware.Locator("#answer-time")).ToContainTextAsync("America/New_York");

        var agent = await browser.SignedIn(Demo.ContosoAdmin);
        await agent.GotoAsync("/console");
        await BrowserFixture.WaitForInteractive(agent, "queue");
        await agent.SelectOptionAsync("#sort", "DueSoonest");
        await Assertions.Expect(agent.Locator("#queue")).ToHaveAttributeAsync("data-sort", "DueSoonest"); // the rows of that sort are on screen
        var row = agent.Locator("#queue tbody tr", new PageLocatorOptions { HasText = title });
        await Assertions.Expect(row.Locator(".sla")).ToHaveTextAsync(DueIn());
        await BrowserFixture.Screenshot(agent, "sla-queue");

        // Rows with a due time come first, in order; those without one after them.
        var states = await agent.Locator("#queue tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.querySelector('.sla')?.dataset.sla ?? 'none')");
        var firstWithout = Array.IndexOf(states, "none");
        Assert.True(firstWithout < 0 || states.Skip(firstWithout).All(s => s == "none"), string.Join(",", states));

        // The ticket page shows each target.
        await row.Locator("td:nth-child(2) a").ClickAsync();
        await BrowserFixture.WaitForInteractive(agent, "ticket");
        await Assertions.Expect(agent.Locator("#sla [data-target='FirstResponse'] time")).ToHaveCountAsync(1);
        await Assertions.Expect(agent.Locator("#sla [data-target='Resolution'] time")).ToHaveCountAsync(1);

        // The agent answers: the first response is met.
        await agent.FillAsync("#reply-body", "We are restoring the mailbox permissions.");
        await agent.ClickAsync("#send-reply");
        await Assertions.Expect(agent.Locator("#sla [data-target='FirstResponse']")).ToContainTextAsync("met");
    }

    [Fact]
    public async Task A_contact_reads_the_support_terms_in_its_own_time_zone_and_can_print_them()
    {
        var contact = await browser.SignedIn(Demo.LitwareIt);
        await contact.GotoAsync("/portal/support-terms");

        await Assertions.Expect(contact.Locator("#terms-who")).ToContainTextAsync("Contoso Cloud Services supports Litware Inc. under the plan “Business Standard Support”");
        await Assertions.Expect(contact.Locator("#terms-who")).ToContainTextAsync("own engineers");
        // Contoso works 08:00–18:00 in Berlin; Litware reads it in New York time.
        await Assertions.Expect(contact.Locator("#terms-hours")).ToContainTextAsync("America/New_York");
        await Assertions.Expect(contact.Locator("#terms-hours")).ToContainTextAsync(NewYorkHoursOfBerlinDay());
        await Assertions.Expect(contact.Locator("#terms-contact")).ToContainTextAsync("+49 89 1234 5670");
        await Assertions.Expect(contact.Locator("#terms-sla tr[data-severity='A']")).ToContainTextAsync("1 h");
        await Assertions.Expect(contact.Locator("#terms-prices")).ToContainTextAsync("290.00 EUR");
        await Assertions.Expect(contact.Locator("#terms-prices")).ToContainTextAsync("105.00 EUR"); // Litware's own hourly rate

        // The printable version leaves the navigation and the print button out.
        await contact.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Assertions.Expect(contact.Locator("header.topbar")).ToBeHiddenAsync();
        await Assertions.Expect(contact.Locator("#print-terms")).ToBeHiddenAsync();
        await Assertions.Expect(contact.Locator("#terms-prices")).ToBeVisibleAsync();
        await contact.PdfAsync(new PagePdfOptions { Path = Path.Combine(BrowserFixture.Artifacts, "support-terms.pdf") });
        await BrowserFixture.Screenshot(contact, "support-terms-print");
    }

    /// <summary>Next Monday's 08:00–18:00 in Berlin, as New York reads it.</summary>
    private static string NewYorkHoursOfBerlinDay()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var day = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, berlin).Date.AddDays(1);
        while (day.DayOfWeek != DayOfWeek.Monday)
        {
            day = day.AddDays(1);
        }

        string At(int hour) => TimeZoneInfo.ConvertTime(new DateTimeOffset(day.AddHours(hour), berlin.GetUtcOffset(day.AddHours(hour))), newYork).ToString("HH:mm", CultureInfo.InvariantCulture);
        return $"{At(8)}–{At(18)}";
    }

    [GeneratedRegex(@"^\s*due in \d")]
    private static partial Regex DueIn();
}
