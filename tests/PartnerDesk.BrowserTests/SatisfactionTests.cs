using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>
/// Customer satisfaction as people meet it: the requester takes the rating link from the resolution mail in its
/// mailbox, opens it without signing in, adds a comment and sends; the agent then sees the rating on the ticket.
/// </summary>
public sealed partial class SatisfactionTests(MailBrowserFixture browser) : IClassFixture<MailBrowserFixture>
{
    [GeneratedRegex(@"4 – [^:\n]+: (\S+/rate/\S+)")]
    private static partial Regex Satisfied();

    [Fact]
    public async Task A_rating_from_the_resolution_mail_reaches_the_ticket_page()
    {
        var mail = await MailServers.Instance;
        var support = MailServers.Address("support", "contoso-cloud.example");
        var customer = MailServers.Address("it", "adatum.example");
        var admin = await browser.App.ClientFor(Demo.ContosoAdmin);
        (await admin.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxRequest(support, isDefault: true))).EnsureSuccessStatusCode();
        await browser.App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.Where(c => c.Id == DemoWorld.Ids.AdatumIt).ExecuteUpdateAsync(c => c.SetProperty(x => x.Email, customer)));

        // The customer files a ticket; the agent resolves it; the outbox (running, as in production) mails the resolution.
        var contact = await browser.App.ClientFor(Demo.AdatumIt);
        var filed = await contact.PostAsJsonAsync("/api/v1/tickets", new { title = "OneDrive does not sync", description = "Files stay pending since Monday.", severity = "C", kind = "Incident" });
        filed.EnsureSuccessStatusCode();
        var ticketId = (await filed.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        using var resolve = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{ticketId}") { Content = JsonContent.Create(new { status = "Resolved" }) };
        (await admin.SendAsync(resolve)).EnsureSuccessStatusCode();
        var letters = await mail.Inbox(customer, 2, waitSeconds: 60);
        var resolution = Assert.Single(letters, l => (l.TextBody ?? "").Contains("marked your ticket", StringComparison.Ordinal));
        var link = Satisfied().Match(resolution.TextBody!).Groups[1].Value;
        Assert.StartsWith(browser.BaseUrl, link, StringComparison.Ordinal);

        // The requester opens the link from the mail, signed in nowhere: the partner's page, the score preselected.
        var context = await browser.NewContext();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(link);
        await Assertions.Expect(page.Locator("#survey-brand")).ToHaveTextAsync("Contoso Cloud Services");
        await Assertions.Expect(page.Locator("#rating-question")).ToContainTextAsync("How satisfied are you");
        await Assertions.Expect(page.Locator("#rating-score-4")).ToBeCheckedAsync();
        await page.FillAsync("#rating-comment", "Synced again after the reset. Thanks, Anna!");
        await BrowserFixture.Screenshot(page, "satisfaction-1-link");
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(page, "satisfaction-1-link-phone");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"),
            "The rating page scrolls sideways on a phone: " + await page.EvaluateAsync<string>("() => [...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')"));
        await page.SetViewportSizeAsync(1280, 800);

        await page.ClickAsync("#rating-send");
        await Assertions.Expect(page.Locator("#rating-thanks")).ToContainTextAsync("Thank you for your rating");
        await Assertions.Expect(page.Locator("#rating-given")).ToContainTextAsync("4 of 5");
        await BrowserFixture.Screenshot(page, "satisfaction-2-thanks");

        // The link was used: opened again, it shows the rating given and no form.
        await page.GotoAsync(link.Replace("score=4", "score=1", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#rating-already")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#rating-send")).ToHaveCountAsync(0);
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(page, "satisfaction-3-used-phone");

        // The agent sees the rating and the comment on the ticket.
        var agent = await browser.SignedIn(Demo.ContosoAdmin);
        await agent.GotoAsync($"/console/tickets/{ticketId}");
        await BrowserFixture.WaitForInteractive(agent, "ticket");
        var ratings = agent.Locator("#ticket-ratings");
        await Assertions.Expect(ratings).ToContainTextAsync("4/5");
        await Assertions.Expect(ratings).ToContainTextAsync("Synced again after the reset.");
        await Assertions.Expect(ratings).ToContainTextAsync("by mail");
        await BrowserFixture.Screenshot(agent, "satisfaction-4-ticket");
        await agent.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(agent, "satisfaction-4-ticket-phone");
    }
}
