using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.ServiceHealth;

/// <summary>The known-issue check on filing, and an incident's life reaching its linked tickets and their requesters.</summary>
public sealed class KnownIssueTests(SimulatedMicrosoft microsoft) : IClassFixture<SimulatedMicrosoft>
{
    private PartnerDeskApp App => microsoft.App;

    private const string OutboxTitle = "Users may be unable to send email messages, which stay in the Outbox";
    private const string OutboxImpact = "Users may be unable to send email messages from Outlook; affected messages stay in the Outbox or are delayed.";

    [Fact]
    public async Task An_incident_follows_its_linked_ticket_from_first_post_to_resolution()
    {
        // Demo ticket PD-1 of Adatum: "Outlook cannot send mail since this morning", filed by Anna.
        var anna = await App.ClientFor(Demo.AdatumAnna);
        var ticket = (await (await anna.GetAsync("/api/v1/tickets")).Read<Page<TicketSummary>>()).Items.Single(t => t.Title.StartsWith("Outlook cannot send", StringComparison.Ordinal));
        microsoft.Open("EX500001", "Exchange Online", OutboxTitle, OutboxImpact, DemoWorld.Ids.Adatum, DemoWorld.Ids.Litware);

        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum)).Succeeded);

        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var link = Assert.Single(await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}/known-issues")).Read<List<TicketKnownIssueView>>());
        Assert.Equal(("EX500001", KnownIssueLinkState.Suggested), (link.Issue.MicrosoftId, link.State));
        var history = await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}/history")).Read<List<TicketEventView>>();
        Assert.Contains(history, e => e.Change == "KnownIssue" && e.NewValue == "EX500001");

        microsoft.Post("EX500001", "<p>We're reverting a configuration change.</p>");
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum)).Succeeded);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Litware)).Succeeded); // the same post seen from a second tenant
        var update = Assert.Single(await (await anna.GetAsync("/api/v1/notifications")).Read<List<NotificationView>>(), n => n.TicketId == ticket.Id);
        Assert.Equal("IncidentUpdate", update.Kind);
        Assert.Contains("reverting a configuration change", update.Body, StringComparison.Ordinal);
        Assert.Contains("Contoso Cloud Services", update.Body, StringComparison.Ordinal);
        var notes = await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}/messages")).Read<List<TicketMessageView>>();
        Assert.Single(notes, m => m.Visibility == MessageVisibility.Internal && m.Body.Contains("reverting a configuration change", StringComparison.Ordinal));

        microsoft.Post("EX500001", "<p>The issue is resolved.</p>", resolve: true);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Litware)).Succeeded);
        var told = await (await anna.GetAsync("/api/v1/notifications")).Read<List<NotificationView>>();
        Assert.Equal(["IncidentResolved", "IncidentUpdate"], told.Where(n => n.TicketId == ticket.Id).Select(n => n.Kind));

        var issueId = link.Issue.IssueId;
        var resolved = await (await admin.PostAsJsonAsync($"/api/v1/service-health/issues/{issueId}/resolve-linked-tickets", new { })).Read<ResolvedTickets>();
        Assert.Equal(1, resolved.Resolved);
        var after = await (await anna.GetAsync($"/api/v1/tickets/{ticket.Id}")).Read<TicketDetails>();
        Assert.Equal(TicketStatus.Resolved, after.Status);
        var conversation = await (await anna.GetAsync($"/api/v1/tickets/{ticket.Id}/messages")).Read<List<TicketMessageView>>();
        Assert.Contains("EX500001", conversation[^1].Body, StringComparison.Ordinal);
        Assert.DoesNotContain(conversation, m => m.Visibility == MessageVisibility.Internal);
        Assert.Equal(0, (await (await admin.PostAsJsonAsync($"/api/v1/service-health/issues/{issueId}/resolve-linked-tickets", new { })).Read<ResolvedTickets>()).Resolved);
    }

    [Fact]
    public async Task A_sync_an_agent_starts_tells_the_linked_tickets_of_customers_that_agent_cannot_see()
    {
        // Tailspin gave the helpdesk no support role (DemoWorld): the helpdesk agent never sees its tickets.
        var tailspin = await App.ClientFor(Demo.TailspinIt);
        var ticket = await (await tailspin.PostAsJsonAsync("/api/v1/tickets", new { title = "Shared mailboxes do not open", description = "Nobody can open the shared mailboxes in Outlook.", severity = "B", kind = "Incident", service = "Exchange Online" }))
            .Read<TicketDetails>(HttpStatusCode.Created);
        microsoft.Open("EX500010", "Exchange Online", "Users may be unable to open shared mailboxes", "Shared mailboxes may not open in Outlook.", DemoWorld.Ids.Adatum, DemoWorld.Ids.Tailspin);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Tailspin)).Succeeded);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum, Demo.ContosoHelpdesk)).Succeeded);
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        Assert.Equal(HttpStatusCode.NotFound, (await helpdesk.GetAsync($"/api/v1/tickets/{ticket.Id}")).StatusCode);
        Assert.Single(await (await tailspin.GetAsync($"/api/v1/tickets/{ticket.Id}/known-issues")).Read<List<TicketKnownIssueView>>());

        microsoft.Post("EX500010", "<p>We're rolling back the update that caused it.</p>");
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum, Demo.ContosoHelpdesk)).Succeeded);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Tailspin)).Succeeded); // the post is handled by now: told once, not twice

        var update = Assert.Single(await (await tailspin.GetAsync("/api/v1/notifications")).Read<List<NotificationView>>(), n => n.TicketId == ticket.Id);
        Assert.Equal("IncidentUpdate", update.Kind);
        Assert.Contains("rolling back the update", update.Body, StringComparison.Ordinal);
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var notes = await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}/messages")).Read<List<TicketMessageView>>();
        Assert.Single(notes, m => m.Visibility == MessageVisibility.Internal && m.Body.Contains("rolling back the update", StringComparison.Ordinal));

        // Resolved, so that it is not suggested for the other tests' Adatum tickets (their order is not fixed).
        microsoft.Post("EX500010", "<p>The issue is resolved.</p>", resolve: true);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum)).Succeeded);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Tailspin)).Succeeded);
    }

    [Fact]
    public async Task A_ticket_filed_during_an_incident_is_linked_and_the_contact_was_shown_it_before_sending()
    {
        microsoft.Open("EX500002", "Exchange Online", "Users may experience delays receiving email messages", "Inbound email messages may be delayed.", DemoWorld.Ids.Litware);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Litware)).Succeeded);
        var contact = await App.ClientFor(Demo.LitwareIt);

        var shown = await (await contact.GetAsync("/api/v1/service-health/matches?title=Emails%20arrive%20late&description=Incoming%20email%20messages%20are%20delayed%20by%20an%20hour")).Read<List<KnownIssueView>>();
        var ticket = await (await contact.PostAsJsonAsync("/api/v1/tickets", new { title = "Emails arrive late", description = "Incoming email messages are delayed by an hour", severity = "B", kind = "Incident" }))
            .Read<TicketDetails>(HttpStatusCode.Created);

        Assert.Equal("EX500002", Assert.Single(shown).MicrosoftId);
        Assert.Contains("investigating EX500002", shown[0].LatestPost, StringComparison.Ordinal);
        var linked = Assert.Single(await (await contact.GetAsync($"/api/v1/tickets/{ticket.Id}/known-issues")).Read<List<TicketKnownIssueView>>());
        Assert.Equal("EX500002", linked.Issue.MicrosoftId);

        // Unrelated words match nothing.
        var nothing = await (await contact.GetAsync("/api/v1/service-health/matches?title=New%20laptop&description=Please%20order%20a%20laptop")).Read<List<KnownIssueView>>();
        Assert.Empty(nothing);
    }

    [Fact]
    public async Task An_agent_confirms_or_unlinks_and_an_unlinked_issue_is_not_linked_again()
    {
        microsoft.Open("EX500003", "Exchange Online", "Users may be unable to open shared calendars", "Shared calendars may not open in Outlook.", DemoWorld.Ids.Adatum);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum)).Succeeded);
        var it = await App.ClientFor(Demo.AdatumIt);
        var ticket = await (await it.PostAsJsonAsync("/api/v1/tickets", new { title = "Shared calendars do not open", description = "Nobody can open the shared calendars in Outlook.", severity = "C", kind = "Incident", service = "Exchange Online" }))
            .Read<TicketDetails>(HttpStatusCode.Created);
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        var link = Assert.Single(await (await helpdesk.GetAsync($"/api/v1/tickets/{ticket.Id}/known-issues")).Read<List<TicketKnownIssueView>>());

        var confirmed = await (await helpdesk.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/known-issues", new { issueId = link.Issue.IssueId })).Read<TicketKnownIssueView>();
        Assert.Equal(KnownIssueLinkState.Confirmed, confirmed.State);

        Assert.Equal(HttpStatusCode.NoContent, (await helpdesk.DeleteAsync($"/api/v1/tickets/{ticket.Id}/known-issues/{link.Issue.IssueId}")).StatusCode);
        microsoft.Post("EX500003", "<p>Still investigating.</p>");
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum)).Succeeded);

        var forAgent = Assert.Single(await (await helpdesk.GetAsync($"/api/v1/tickets/{ticket.Id}/known-issues")).Read<List<TicketKnownIssueView>>());
        Assert.Equal(KnownIssueLinkState.Dismissed, forAgent.State);
        Assert.Empty(await (await it.GetAsync($"/api/v1/tickets/{ticket.Id}/known-issues")).Read<List<TicketKnownIssueView>>());
        Assert.DoesNotContain(await (await it.GetAsync("/api/v1/notifications")).Read<List<NotificationView>>(), n => n.TicketId == ticket.Id);
        var history = await (await helpdesk.GetAsync($"/api/v1/tickets/{ticket.Id}/history")).Read<List<TicketEventView>>();
        Assert.Contains(history, e => e.Change == "KnownIssue" && e.NewValue == "unlinked");
    }

    [Fact]
    public async Task A_contact_sees_only_the_issues_and_messages_of_its_own_tenant()
    {
        microsoft.Open("EX500004", "Exchange Online", "Only Adatum", "Only Adatum is affected.", DemoWorld.Ids.Adatum);
        microsoft.Simulator.State.Apply(new Simulator.ScenarioStep
        {
            Action = "publishMessage",
            Tenants = [microsoft.TenantOf[DemoWorld.Ids.Adatum]],
            Message = new Simulator.Graph.ServiceUpdateMessage { Id = "MC500004", Title = "Only for Adatum", Category = "planForChange", Services = ["Exchange Online"] },
        });
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Adatum)).Succeeded);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Litware)).Succeeded);
        var adatum = await App.ClientFor(Demo.AdatumIt);
        var litware = await App.ClientFor(Demo.LitwareIt);

        var issue = (await (await adatum.GetAsync("/api/v1/service-health/issues")).Read<Page<IssueSummary>>()).Items.Single(i => i.MicrosoftId == "EX500004");
        Assert.Contains((await (await adatum.GetAsync("/api/v1/message-center/messages")).Read<Page<MessageCenterView>>()).Items, m => m.MicrosoftId == "MC500004");

        Assert.DoesNotContain((await (await litware.GetAsync("/api/v1/service-health/issues")).Read<Page<IssueSummary>>()).Items, i => i.MicrosoftId == "EX500004");
        Assert.DoesNotContain((await (await litware.GetAsync("/api/v1/message-center/messages")).Read<Page<MessageCenterView>>()).Items, m => m.MicrosoftId == "MC500004");
        Assert.Equal(HttpStatusCode.NotFound, (await litware.GetAsync($"/api/v1/service-health/issues/{issue.Id}")).StatusCode);
        var details = await (await adatum.GetAsync($"/api/v1/service-health/issues/{issue.Id}")).Read<IssueDetails>();
        Assert.Equal([DemoWorld.Ids.Adatum], details.AffectedCustomers.Select(c => c.CustomerId));
        Assert.Equal(0, await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.ServiceHealthIssues.CountAsync(i => i.MicrosoftId == "EX500004")));

        var adatumPage = await (await App.CookieClientFor(Demo.AdatumIt)).GetStringAsync("/portal/service-health");
        var litwarePage = await (await App.CookieClientFor(Demo.LitwareIt, "de")).GetStringAsync("/portal/service-health");
        var board = await (await App.CookieClientFor(Demo.ContosoAdmin)).GetStringAsync("/console/service-health");
        Assert.Contains("data-issue=\"EX500004\"", adatumPage, StringComparison.Ordinal);
        Assert.Contains("data-message=\"MC500004\"", adatumPage, StringComparison.Ordinal);
        Assert.Contains("Contoso Cloud Services", adatumPage, StringComparison.Ordinal);
        Assert.DoesNotContain("EX500004", litwarePage, StringComparison.Ordinal);
        Assert.Contains("Dienststatus", litwarePage, StringComparison.Ordinal);
        Assert.Contains("EX500004", board, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tickets_filed_just_after_a_sync_are_matched_against_what_it_brought_though_the_issues_are_kept_in_memory()
    {
        // Litware's issues are kept once a ticket has asked for them: none for Teams yet.
        var contact = await App.ClientFor(Demo.LitwareIt);
        async Task<List<TicketKnownIssueView>> FileAndLinks()
        {
            var ticket = await (await contact.PostAsJsonAsync("/api/v1/tickets", new { title = "Teams meetings drop callers", description = "Callers are dropped from Teams meetings after a minute.", severity = "B", kind = "Incident", service = "Microsoft Teams" }))
                .Read<TicketDetails>(HttpStatusCode.Created);
            return await (await contact.GetAsync($"/api/v1/tickets/{ticket.Id}/known-issues")).Read<List<TicketKnownIssueView>>();
        }

        Assert.Empty(await FileAndLinks());

        // The sync's commit (in a transaction of its own) makes the next ticket read the issues again.
        microsoft.Open("TM500020", "Microsoft Teams", "Users may be dropped from Teams meetings", "Callers may be dropped from Teams meetings after about a minute.", DemoWorld.Ids.Litware);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Litware)).Succeeded);
        Assert.Equal("TM500020", Assert.Single(await FileAndLinks()).Issue.MicrosoftId);
        var shown = await (await contact.GetAsync("/api/v1/service-health/matches?title=Teams%20meetings%20drop%20callers&description=Callers%20are%20dropped%20from%20Teams%20meetings&service=Microsoft%20Teams")).Read<List<KnownIssueView>>();
        Assert.Equal("TM500020", Assert.Single(shown).MicrosoftId);

        // Resolved by Microsoft: the next ticket is matched against nothing.
        microsoft.Post("TM500020", "<p>The issue is resolved.</p>", resolve: true);
        Assert.True((await microsoft.Sync(DemoWorld.Ids.Litware)).Succeeded);
        Assert.Empty(await FileAndLinks());

        // Any save that changes an issue counts, not only the sync's: one put back by hand, without a transaction of its own.
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var issue = await db.ServiceHealthIssues.SingleAsync(i => i.MicrosoftId == "TM500020");
            issue.IsResolved = false;
            return await db.SaveChangesAsync();
        });
        Assert.Equal("TM500020", Assert.Single(await FileAndLinks()).Issue.MicrosoftId);
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var issue = await db.ServiceHealthIssues.SingleAsync(i => i.MicrosoftId == "TM500020");
            issue.IsResolved = true;
            return await db.SaveChangesAsync();
        });
        Assert.Empty(await FileAndLinks());
    }

    [Fact]
    public async Task Issues_read_while_a_change_to_them_is_not_yet_committed_are_read_again_once_it_commits()
    {
        var active = App.Services.GetRequiredService<ActiveIssues>();
        Task<IReadOnlyList<PreparedIssue>> Read() =>
            App.InDatabase(DemoWorld.Ids.Contoso, db => active.Of(db, DemoWorld.Ids.Contoso, DemoWorld.Ids.Tailspin, TestContext.Current.CancellationToken).AsTask());
        var now = DateTimeOffset.UtcNow;
        var issue = new ServiceHealthIssue
        {
            OrganisationId = DemoWorld.Ids.Contoso,
            MicrosoftId = "PL500040",
            Title = "Planner boards may not load",
            Service = "Planner",
            Status = "serviceDegradation",
            ImpactDescription = "Users may be unable to load Planner boards.",
            StartDateTime = now,
            LastModifiedDateTime = now,
            FirstSeenAt = now,
        };
        Assert.DoesNotContain(await Read(), i => i.Id == issue.Id);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Platform.Tenancy.Caller>().ActAsSystem(DemoWorld.Ids.Contoso);
            var db = scope.ServiceProvider.GetRequiredService<Platform.Data.PartnerDeskDb>();
            await using var transaction = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            db.Add(issue);
            db.Add(new AffectedCustomer { OrganisationId = DemoWorld.Ids.Contoso, IssueId = issue.Id, CustomerId = DemoWorld.Ids.Tailspin, FirstSeenAt = now });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);

            // Another request reads before the commit: what it reads is the old state, and it is kept again.
            Assert.DoesNotContain(await Read(), i => i.Id == issue.Id);

            // A later save in the same transaction that changes no issue (as the sync's last saves) must not drop the note.
            db.Add(new ServiceHealthPost { OrganisationId = DemoWorld.Ids.Contoso, IssueId = issue.Id, CreatedDateTime = now, PostType = "investigating", Text = "Looking into it." });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        Assert.Contains(await Read(), i => i.Id == issue.Id);
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            (await db.ServiceHealthIssues.SingleAsync(i => i.Id == issue.Id)).IsResolved = true;
            return await db.SaveChangesAsync();
        });
        Assert.DoesNotContain(await Read(), i => i.Id == issue.Id);
    }
}
