using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
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

    [Fact]
    public async Task A_contact_whose_problem_the_known_issue_or_an_article_answers_says_so_and_files_nothing()
    {
        var issueId = await browser.App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var issue = new ServiceHealthIssue
            {
                OrganisationId = DemoWorld.Ids.Contoso,
                MicrosoftId = "SP700002",
                Service = "SharePoint Online",
                Feature = "Sync",
                Title = "Users may see OneDrive sync stalled on Processing changes",
                ImpactDescription = "OneDrive sync clients may stall on Processing changes and not upload files.",
                Status = "serviceDegradation",
                Classification = IssueClassification.Incident,
                StartDateTime = now.AddHours(-1),
                LastModifiedDateTime = now,
                LatestPostAt = now,
                FirstSeenAt = now,
            };
            db.Add(issue);
            db.Add(new AffectedCustomer { OrganisationId = DemoWorld.Ids.Contoso, IssueId = issue.Id, CustomerId = DemoWorld.Ids.Adatum, FirstSeenAt = now });
            await db.SaveChangesAsync();
            return issue.Id;
        });
        var agent = await browser.App.ClientFor(Demo.ContosoHelpdesk);
        var written = await agent.PostAsJsonAsync("/api/v1/articles", new { title = "OneDrive sync stalled: reset the client", body = "Run `onedrive.exe /reset`.", service = "SharePoint Online", visibility = "Public" });
        var articleId = (await written.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        var before = await Count(issueId, articleId);

        var contact = await browser.SignedIn(Demo.AdatumAnna);
        await contact.GotoAsync("/portal/new");
        await contact.FillAsync("#title", "OneDrive sync stalled");
        await contact.FillAsync("#description", "OneDrive sync stays on Processing changes and files do not upload.");
        var solved = contact.Locator("#known-issue-prompt .known-issue[data-issue='SP700002'] button.solved");
        await Assertions.Expect(solved).ToBeVisibleAsync();
        await Assertions.Expect(contact.Locator($"#self-help button.solved[data-solved='{articleId}']")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(contact, "deflection-offered");

        // "This solved my problem" beside the known issue: recorded with what the form held, the form goes, no ticket.
        await solved.ClickAsync();
        await Assertions.Expect(contact.Locator("#deflected")).ToBeVisibleAsync();
        await Assertions.Expect(contact.Locator("#new-ticket-form")).ToBeHiddenAsync();
        await BrowserFixture.Screenshot(contact, "deflection-recorded");
        var afterIssue = await Count(issueId, articleId);
        Assert.Equal((before.Issue + 1, before.Article, before.Tickets), (afterIssue.Issue, afterIssue.Article, afterIssue.Tickets));
        var row = await browser.App.InDatabase(DemoWorld.Ids.Contoso, db => db.SelfHelpDeflections.Where(d => d.IssueId == issueId).OrderByDescending(d => d.At).FirstAsync());
        Assert.Equal((DemoWorld.Ids.Adatum, DemoWorld.Ids.AdatumAnna, "OneDrive sync stalled"), (row.CustomerId, row.ContactId, row.Title));

        // The same beside the suggested article, on a phone.
        await contact.SetViewportSizeAsync(390, 844);
        await contact.GotoAsync("/portal/new");
        await contact.FillAsync("#title", "OneDrive sync stalled");
        await contact.FillAsync("#description", "OneDrive sync stays on Processing changes and files do not upload.");
        var byArticle = contact.Locator($"#self-help button.solved[data-solved='{articleId}']");
        await Assertions.Expect(byArticle).ToBeVisibleAsync();
        Assert.True(await contact.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390, "The new-ticket page scrolls sideways on a phone.");
        await BrowserFixture.Screenshot(contact, "deflection-offered-phone");
        await byArticle.ClickAsync();
        await Assertions.Expect(contact.Locator("#deflected")).ToBeVisibleAsync();
        var afterArticle = await Count(issueId, articleId);
        Assert.Equal((before.Article + 1, before.Tickets), (afterArticle.Article, afterArticle.Tickets));
    }

    private Task<(int Issue, int Article, int Tickets)> Count(Guid issueId, Guid articleId) => browser.App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        (await db.SelfHelpDeflections.CountAsync(d => d.IssueId == issueId), await db.SelfHelpDeflections.CountAsync(d => d.ArticleId == articleId && d.IssueId == null),
            await db.Tickets.CountAsync(t => t.CustomerId == DemoWorld.Ids.Adatum)));
}
