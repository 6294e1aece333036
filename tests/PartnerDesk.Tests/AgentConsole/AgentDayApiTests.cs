using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.AgentConsole;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.AgentConsole;

/// <summary>The agent's day through the API: canned replies, saved queue views and bulk changes, with their isolation.</summary>
public sealed class AgentDayApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<TicketDetails> File(HttpClient agent, Guid customerId, string title) =>
        await (await agent.PostAsJsonAsync("/api/v1/tickets",
            new { customerId, title, description = "Users cannot sign in.", severity = "C", kind = "Incident", service = "Exchange Online" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);

    [Fact]
    public async Task Admins_write_canned_replies_agents_fill_them_in_the_contacts_language_and_others_see_none()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var reply = await (await admin.PostAsJsonAsync("/api/v1/canned-replies", new
        {
            title = "Password reset done",
            bodyEn = "Hello {contact}, we reset the password for {customer} ({ticket}). {agent}",
            bodyDe = "Hallo {contact}, wir haben das Kennwort für {customer} zurückgesetzt ({ticket}). {agent}",
        }, Ct)).Read<CannedReplyView>(HttpStatusCode.Created);

        // Anna reads German: the ticket she filed gets the German body.
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.Where(c => c.Email == Demo.AdatumAnna).ExecuteUpdateAsync(s => s.SetProperty(c => c.Language, "de"), Ct));
        var anna = await App.ClientFor(Demo.AdatumAnna);
        var ticket = await File(anna, DemoWorld.Ids.Adatum, "Kennwort vergessen");
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        var filled = await (await helpdesk.GetAsync($"/api/v1/canned-replies/{reply.Id}/for-ticket/{ticket.Id}", Ct)).Read<FilledReply>();
        Assert.Equal("de", filled.Language);
        Assert.Equal($"Hallo Anna Becker, wir haben das Kennwort für Adatum Corporation zurückgesetzt ({ticket.Number}). Diego Siciliani", filled.Body);

        // Change, list, delete.
        var changed = await (await admin.PutAsJsonAsync($"/api/v1/canned-replies/{reply.Id}", new { title = "Password reset", bodyEn = "Done, {contact}.", bodyDe = "Erledigt, {contact}." }, Ct))
            .Read<CannedReplyView>();
        Assert.Equal("Password reset", changed.Title);
        Assert.Contains(await (await helpdesk.GetAsync("/api/v1/canned-replies", Ct)).Read<List<CannedReplyView>>(), r => r.Id == reply.Id && r.BodyEn == "Done, {contact}.");

        // Agents read, only admins write; contacts and other organisations see nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.PostAsJsonAsync("/api/v1/canned-replies", new { title = "t", bodyEn = "b", bodyDe = "b" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync("/api/v1/canned-replies", Ct)).StatusCode);
        var fabrikam = await App.ClientFor(Demo.FabrikamAdmin);
        Assert.DoesNotContain(await (await fabrikam.GetAsync("/api/v1/canned-replies", Ct)).Read<List<CannedReplyView>>(), r => r.Id == reply.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.GetAsync($"/api/v1/canned-replies/{reply.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.PutAsJsonAsync($"/api/v1/canned-replies/{reply.Id}", new { title = "x", bodyEn = "x", bodyDe = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.DeleteAsync($"/api/v1/canned-replies/{reply.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/canned-replies/{reply.Id}/for-ticket/{Guid.NewGuid()}", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/canned-replies/{reply.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/canned-replies/{reply.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Bad_canned_replies_name_their_field()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        await (await admin.PostAsJsonAsync("/api/v1/canned-replies", new { title = "", bodyEn = "b", bodyDe = "b" }, Ct)).ProblemNaming("title");
        await (await admin.PostAsJsonAsync("/api/v1/canned-replies", new { title = "t", bodyDe = "b" }, Ct)).ProblemNaming("bodyEn");
        await (await admin.PostAsJsonAsync("/api/v1/canned-replies", new { title = "t", bodyEn = "b", bodyDe = "Hallo {vorname}" }, Ct)).ProblemNaming("bodyDe");
        await (await admin.PostAsJsonAsync("/api/v1/canned-replies", new { title = new string('t', 121), bodyEn = "b", bodyDe = "b" }, Ct)).ProblemNaming("title");
        await (await admin.PostAsJsonAsync("/api/v1/canned-replies", new { title = "t", bodyEn = new string('b', 8001), bodyDe = "b" }, Ct)).ProblemNaming("bodyEn");
    }

    [Fact]
    public async Task Saved_views_are_each_agents_own_and_bad_ones_name_their_field()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var view = await (await admin.PostAsJsonAsync("/api/v1/queue-views",
            new { name = "Adatum, severity A", status = "Open", severity = "A", customerId = DemoWorld.Ids.Adatum, assignee = "unassigned", sort = "DueSoonest" }, Ct))
            .Read<SavedQueueViewView>(HttpStatusCode.Created);
        Assert.Equal(QueueSort.DueSoonest, view.Sort);

        var renamed = await (await admin.PutAsJsonAsync($"/api/v1/queue-views/{view.Id}",
            new { name = "Adatum A", status = "Open", severity = "A", customerId = DemoWorld.Ids.Adatum, assignee = "unassigned", sort = "DueSoonest" }, Ct)).Read<SavedQueueViewView>();
        Assert.Equal("Adatum A", renamed.Name);
        Assert.Equal(DemoWorld.Ids.Adatum, renamed.CustomerId);

        await (await admin.PostAsJsonAsync("/api/v1/queue-views", new { name = "Adatum A" }, Ct)).ProblemNaming("name");
        await (await admin.PostAsJsonAsync("/api/v1/queue-views", new { name = "" }, Ct)).ProblemNaming("name");
        await (await admin.PostAsJsonAsync("/api/v1/queue-views", new { name = "x", status = "Sleeping" }, Ct)).ProblemNaming("status");
        await (await admin.PostAsJsonAsync("/api/v1/queue-views", new { name = "x", assignee = "someone" }, Ct)).ProblemNaming("assignee");
        await (await admin.PostAsJsonAsync("/api/v1/queue-views", new { name = "x", sort = "Sideways" }, Ct)).ProblemNaming("sort");
        // A customer of another organisation is not one to filter by.
        await (await admin.PostAsJsonAsync("/api/v1/queue-views", new { name = "x", customerId = DemoWorld.Ids.WideWorldImporters }, Ct)).ProblemNaming("customerId");

        // A colleague in the same organisation, and another organisation's admin, neither see nor change it.
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        Assert.DoesNotContain(await (await helpdesk.GetAsync("/api/v1/queue-views", Ct)).Read<List<SavedQueueViewView>>(), v => v.Id == view.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await helpdesk.PutAsJsonAsync($"/api/v1/queue-views/{view.Id}", new { name = "Mine now" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await helpdesk.DeleteAsync($"/api/v1/queue-views/{view.Id}", Ct)).StatusCode);
        var fabrikam = await App.ClientFor(Demo.FabrikamAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await fabrikam.DeleteAsync($"/api/v1/queue-views/{view.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumIt)).GetAsync("/api/v1/queue-views", Ct)).StatusCode);

        // The same name is free for a colleague.
        await (await helpdesk.PostAsJsonAsync("/api/v1/queue-views", new { name = "Adatum A" }, Ct)).Read<SavedQueueViewView>(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/queue-views/{view.Id}", Ct)).StatusCode);
        Assert.DoesNotContain(await (await admin.GetAsync("/api/v1/queue-views", Ct)).Read<List<SavedQueueViewView>>(), v => v.Id == view.Id);
    }

    [Fact]
    public async Task Bulk_changes_follow_the_single_rules_report_each_ticket_and_leave_history()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var adatum = await File(admin, DemoWorld.Ids.Adatum, "Bulk one");
        var litware = await File(admin, DemoWorld.Ids.Litware, "Bulk two");
        var tailspin = await File(admin, DemoWorld.Ids.Tailspin, "Bulk three");
        var foreign = await File(await App.ClientFor(Demo.FabrikamAdmin), DemoWorld.Ids.WideWorldImporters, "Not Contoso's");

        // The helpdesk agent has no GDAP role at Tailspin: assigning that ticket to it is refused, the others are done.
        var response = await (await admin.PostAsJsonAsync("/api/v1/tickets/bulk",
            new { ticketIds = new[] { adatum.Id, litware.Id, tailspin.Id, foreign.Id }, assigneeId = DemoWorld.Ids.ContosoHelpdesk, severity = "B" }, Ct))
            .Read<BulkTicketResponse>();
        Assert.Equal(2, response.Changed);
        Assert.Equal(BulkTicketOutcome.Changed, response.Results.Single(r => r.TicketId == adatum.Id).Outcome);
        var refused = response.Results.Single(r => r.TicketId == tailspin.Id);
        Assert.Equal(BulkTicketOutcome.Refused, refused.Outcome);
        Assert.Equal(tailspin.Number, refused.Number);
        Assert.Contains(refused.Reasons, r => r.Contains("may not work on this ticket", StringComparison.Ordinal));
        Assert.Equal(BulkTicketOutcome.NotFound, response.Results.Single(r => r.TicketId == foreign.Id).Outcome); // another organisation's ticket is not found

        var read = await (await admin.GetAsync($"/api/v1/tickets/{adatum.Id}", Ct)).Read<TicketDetails>();
        Assert.Equal((Severity.B, TicketStatus.Open, DemoWorld.Ids.ContosoHelpdesk), (read.Severity, read.Status, read.AssigneeId)); // taking a new ticket opens it
        var history = await (await admin.GetAsync($"/api/v1/tickets/{adatum.Id}/history", Ct)).Read<List<TicketEventView>>();
        Assert.Contains(history, e => e.Change == "Assignee" && e.NewValue == "Diego Siciliani");
        Assert.Contains(history, e => e.Change == "Severity" && e.NewValue == "B");
        var untouched = await (await admin.GetAsync($"/api/v1/tickets/{tailspin.Id}", Ct)).Read<TicketDetails>();
        Assert.Equal((Severity.C, (Guid?)null), (untouched.Severity, untouched.AssigneeId)); // refused as a whole, severity included

        // The helpdesk agent takes what it sees; Tailspin's ticket is not found for it.
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        var mine = await (await helpdesk.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { litware.Id, tailspin.Id }, assignToMe = true, status = "PendingCustomer" }, Ct))
            .Read<BulkTicketResponse>();
        Assert.Equal(BulkTicketOutcome.Changed, mine.Results.Single(r => r.TicketId == litware.Id).Outcome);
        Assert.Equal(BulkTicketOutcome.NotFound, mine.Results.Single(r => r.TicketId == tailspin.Id).Outcome);

        // A rule of the single change: no way back to New.
        var back = await (await admin.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { adatum.Id }, status = "New" }, Ct)).Read<BulkTicketResponse>();
        Assert.Equal(BulkTicketOutcome.Refused, Assert.Single(back.Results).Outcome);

        // Contacts cannot call it; bad requests name their field.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumIt)).PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { adatum.Id }, status = "Closed" }, Ct)).StatusCode);
        await (await admin.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = Array.Empty<Guid>(), status = "Open" }, Ct)).ProblemNaming("ticketIds");
        await (await admin.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = Enumerable.Range(0, 101).Select(_ => Guid.NewGuid()) }, Ct)).ProblemNaming("ticketIds");
        await (await admin.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { adatum.Id } }, Ct)).ProblemNaming("status");
        await (await admin.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { adatum.Id }, assignToMe = true, unassign = true }, Ct)).ProblemNaming("assigneeId");
        await (await admin.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { adatum.Id }, status = "Sleeping" }, Ct)).ProblemNaming("status");
    }
}
