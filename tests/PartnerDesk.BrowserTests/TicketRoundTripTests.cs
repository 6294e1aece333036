using Microsoft.Playwright;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

public sealed class TicketRoundTripTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Contact_files_agent_sees_it_arrive_live_replies_and_contact_reads_the_reply()
    {
        // The agent's queue is open before the ticket exists.
        var agent = await browser.SignedIn(Demo.ContosoAdmin);
        await agent.GotoAsync("/console");
        await BrowserFixture.WaitForInteractive(agent, "queue");
        var before = await agent.Locator("#queue tbody tr").CountAsync();

        // The contact files a ticket in the portal; the title carries markup that must not run.
        var title = $"Teams calls drop <script>window.__pwned = true</script> {Guid.NewGuid():N}";
        var contact = await browser.SignedIn(Demo.AdatumAnna);
        await contact.GotoAsync("/portal/new");
        await contact.FillAsync("#title", title);
        await contact.FillAsync("#description", "Calls with externals drop after ten minutes.");
        await contact.SelectOptionAsync("#severity", "B");
        await contact.ClickAsync("#submit-ticket");
        await contact.WaitForURLAsync(url => url.Contains("/portal/tickets/", StringComparison.Ordinal));
        var ticketUrl = contact.Url;
        await Assertions.Expect(contact.Locator("h1")).ToContainTextAsync(title);

        // The agent's queue shows it without a reload.
        var row = agent.Locator("#queue tbody tr", new PageLocatorOptions { HasText = title });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        Assert.Equal(before + 1, await agent.Locator("#queue tbody tr").CountAsync());
        await BrowserFixture.Screenshot(agent, "1-queue-with-new-ticket");

        // The agent opens it and replies.
        await row.Locator("td:nth-child(2) a").ClickAsync();
        await agent.WaitForURLAsync(url => url.Contains("/console/tickets/", StringComparison.Ordinal));
        await BrowserFixture.WaitForInteractive(agent, "ticket");
        await agent.FillAsync("#reply-body", "Thanks Anna, we are looking at your Teams policy now.");
        await agent.ClickAsync("#send-reply");
        await Assertions.Expect(agent.Locator(".message.agent")).ToContainTextAsync("looking at your Teams policy");
        await Assertions.Expect(agent.Locator("#status")).ToHaveValueAsync("Open");
        await BrowserFixture.Screenshot(agent, "2-agent-replied");

        // The contact sees the reply.
        await contact.GotoAsync(ticketUrl);
        await Assertions.Expect(contact.Locator(".message.agent")).ToContainTextAsync("looking at your Teams policy");
        await BrowserFixture.Screenshot(contact, "3-contact-sees-reply");

        // At phone width both pages still show the ticket and its conversation, and the agent can still reply.
        await agent.SetViewportSizeAsync(390, 844);
        await contact.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(agent.Locator("#reply-body")).ToBeVisibleAsync();
        await Assertions.Expect(agent.Locator(".message.agent")).ToBeVisibleAsync();
        await Assertions.Expect(contact.Locator(".message.agent")).ToBeVisibleAsync();
        foreach (var page in new[] { agent, contact })
        {
            // Nothing is wider than the phone: the page never scrolls sideways (a wide table scrolls in its own box).
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), page.Url);
            // The conversation takes the width, not a sliver beside the properties.
            Assert.True(await page.Locator(".message.agent").EvaluateAsync<double>("e => e.getBoundingClientRect().width") > 300, page.Url);
        }

        await BrowserFixture.Screenshot(agent, "4-ticket-phone");
        await BrowserFixture.Screenshot(contact, "5-contact-ticket-phone");
        await agent.GotoAsync("/console");
        await BrowserFixture.WaitForInteractive(agent, "queue");
        await Assertions.Expect(agent.Locator("#queue tbody tr", new PageLocatorOptions { HasText = title })).ToHaveCountAsync(1);
        Assert.True(await agent.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the queue scrolls sideways");
        await BrowserFixture.Screenshot(agent, "6-queue-phone");

        // The markup in the title was shown as text and never ran, on either side.
        Assert.False(await contact.EvaluateAsync<bool>("() => window.__pwned === true"));
        Assert.False(await agent.EvaluateAsync<bool>("() => window.__pwned === true"));
    }
}
