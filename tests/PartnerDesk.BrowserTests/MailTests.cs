using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using MimeKit;
using PartnerDesk.Features.Demo;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>The host with its mailbox reader and outbox running, as in production.</summary>
public sealed class MailBrowserFixture : BrowserFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["PartnerDesk:Mail:Enabled"] = "true",
        ["PartnerDesk:Mail:Refresh"] = "00:00:01",
        ["PartnerDesk:Mail:Poll"] = "00:00:05",
        ["PartnerDesk:Outbox:Enabled"] = "true",
        ["PartnerDesk:Outbox:Tick"] = "00:00:01",
    };
}

public sealed class MailTests(MailBrowserFixture browser) : IClassFixture<MailBrowserFixture>
{
    [Fact]
    public async Task A_mail_to_the_support_mailbox_appears_in_the_queue_and_the_agents_reply_arrives_in_the_senders_mailbox()
    {
        var mail = await MailServers.Instance;
        var support = MailServers.Address("support", "contoso-cloud.example");
        var customer = MailServers.Address("it", "adatum.example");
        var admin = await browser.App.ClientFor(Demo.ContosoAdmin);
        (await admin.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxRequest(support, isDefault: true))).EnsureSuccessStatusCode();
        await browser.App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.Where(c => c.Id == DemoWorld.Ids.AdatumIt).ExecuteUpdateAsync(c => c.SetProperty(x => x.Email, customer)));

        var agent = await browser.SignedIn(Demo.ContosoAdmin);
        await agent.GotoAsync("/console");
        await BrowserFixture.WaitForInteractive(agent, "queue");

        // The customer writes from its own mail client.
        var subject = $"Shared mailbox not visible {Guid.NewGuid():N}"[..40];
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Adatum IT", customer));
        message.To.Add(MailboxAddress.Parse(support));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "The shared mailbox 'sales' vanished from Outlook for everyone." };
        await mail.Send(message);

        // The background reader takes it (IDLE); the queue shows it without a reload.
        var row = agent.Locator("#queue tbody tr", new PageLocatorOptions { HasText = subject });
        await Assertions.Expect(row).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
        await BrowserFixture.Screenshot(agent, "mail-1-queue");

        await row.Locator("td:nth-child(2) a").ClickAsync();
        await agent.WaitForURLAsync(url => url.Contains("/console/tickets/", StringComparison.Ordinal));
        await BrowserFixture.WaitForInteractive(agent, "ticket");
        await Assertions.Expect(agent.Locator(".message.description")).ToContainTextAsync("vanished from Outlook");
        await agent.FillAsync("#reply-body", "We re-added your permission on 'sales'; it reappears within the hour.");
        await agent.ClickAsync("#send-reply");
        await Assertions.Expect(agent.Locator(".message.agent")).ToContainTextAsync("re-added your permission");
        await BrowserFixture.Screenshot(agent, "mail-2-replied");

        // The outbox sends the acknowledgement and the reply; both land in the customer's mailbox, threaded.
        var inbox = await mail.Inbox(customer, 2, waitSeconds: 30);
        var reply = Assert.Single(inbox, m => m.TextBody?.Contains("re-added your permission", StringComparison.Ordinal) == true);
        Assert.Contains(subject, reply.Subject, StringComparison.Ordinal);
        Assert.Equal(message.MessageId, reply.References.FirstOrDefault());
        Assert.Equal("Contoso Cloud Services", reply.From.Mailboxes.Single().Name);
    }
}
