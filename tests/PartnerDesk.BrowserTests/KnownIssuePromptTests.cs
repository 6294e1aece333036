using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

public sealed class KnownIssuePromptTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_contact_writing_about_a_known_issue_is_told_before_sending_and_the_ticket_carries_it()
    {
        await browser.App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var issue = new ServiceHealthIssue
            {
                OrganisationId = DemoWorld.Ids.Contoso,
                MicrosoftId = "EX700001",
                Service = "Exchange Online",
                Feature = "Mail flow",
                Title = "Users may be unable to send email messages, which stay in the Outbox",
                ImpactDescription = "Users may be unable to send email messages from Outlook; affected messages stay in the Outbox or are delayed.",
                Status = "serviceDegradation",
                Classification = IssueClassification.Incident,
                StartDateTime = now.AddHours(-1),
                LastModifiedDateTime = now,
                LatestPostAt = now,
                FirstSeenAt = now,
            };
            db.Add(issue);
            db.Add(new ServiceHealthPost { OrganisationId = DemoWorld.Ids.Contoso, IssueId = issue.Id, CreatedDateTime = now, PostType = "regular", Text = "We're reverting a configuration change." });
            db.Add(new AffectedCustomer { OrganisationId = DemoWorld.Ids.Contoso, IssueId = issue.Id, CustomerId = DemoWorld.Ids.Adatum, FirstSeenAt = now });
            return await db.SaveChangesAsync();
        });
        var contact = await browser.SignedIn(Demo.AdatumAnna);
        await contact.GotoAsync("/portal/new");
        var prompt = contact.Locator("#known-issue-prompt");
        await Assertions.Expect(prompt).ToBeHiddenAsync();

        await contact.FillAsync("#title", "Emails stuck in the Outbox");
        await contact.FillAsync("#description", "Messages we send stay in the Outbox and never leave.");

        await Assertions.Expect(prompt).ToBeVisibleAsync();
        await Assertions.Expect(prompt).ToContainTextAsync("which stay in the Outbox");
        await Assertions.Expect(prompt).ToContainTextAsync("reverting a configuration change");
        await BrowserFixture.Screenshot(contact, "known-issue-prompt");

        await contact.ClickAsync("#submit-ticket");
        await contact.WaitForURLAsync(url => url.Contains("/portal/tickets/", StringComparison.Ordinal));
        await Assertions.Expect(contact.Locator(".known-issue[data-issue='EX700001']")).ToContainTextAsync("reverting a configuration change");

        // Words about something else clear the prompt.
        await contact.GotoAsync("/portal/new");
        await contact.FillAsync("#title", "Emails stuck in the Outbox");
        await Assertions.Expect(prompt).ToBeVisibleAsync();
        await contact.FillAsync("#title", "Order a new laptop");
        await contact.FillAsync("#description", "Please order a laptop for our new colleague.");
        await Assertions.Expect(prompt).ToBeHiddenAsync();
    }
}
