using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Simulator;
using PartnerDesk.Tests.Infrastructure;
using PartnerDesk.Tests.ServiceHealth;

namespace PartnerDesk.Tests.Escalations;

/// <summary>Escalation to Microsoft through Partner Center (the simulator), over HTTP, with the outbox and tracker run by the test.</summary>
public sealed class EscalationTests(SimulatedMicrosoft microsoft) : IClassFixture<SimulatedMicrosoft>
{
    private PartnerDeskApp App => microsoft.App;

    private Task<int> Outbox() => App.Services.GetRequiredService<OutboxDispatcher>().RunOnce(TestContext.Current.CancellationToken);

    private Task<int> Track()
    {
        App.Clock.Advance(ServiceRequestRules.PollEvery);
        return App.Services.GetRequiredService<EscalationTracker>().RunOnce(TestContext.Current.CancellationToken);
    }

    private static async Task<TicketDetails> NewTicket(HttpClient agent, Guid customerId, string title, string severity = "B", string service = "Exchange Online") =>
        await (await agent.PostAsJsonAsync("/api/v1/tickets", new { customerId, title, description = "Mail stays in the outbox for everyone.", severity, kind = "Incident", service }))
            .Read<TicketDetails>(HttpStatusCode.Created);

    [Fact]
    public async Task An_escalation_becomes_a_service_request_and_microsofts_answers_come_back_to_the_ticket()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await NewTicket(admin, DemoWorld.Ids.Adatum, "Outbox stuck for all users");
        var draft = await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}/escalations/draft")).Read<EscalationDraft>();
        Assert.Equal(("32444671", "moderate", EscalationTarget.Microsoft), (draft.SupportTopicId, draft.PartnerCenterSeverity, draft.Target));
        Assert.Contains("Adatum Corporation", draft.Description, StringComparison.Ordinal);

        var queued = await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { category = "UndocumentedServiceIssue" }))
            .Read<EscalationView>(HttpStatusCode.Created);
        Assert.Equal(EscalationState.Queued, queued.State);
        Assert.Equal(TicketStatus.Escalated, (await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}")).Read<TicketDetails>()).Status);

        var createdBefore = microsoft.Simulator.PartnerCenter.ServiceRequestsCreated;
        await Outbox();
        var sent = await (await admin.GetAsync($"/api/v1/escalations/{queued.Id}")).Read<EscalationDetails>();
        Assert.Equal(createdBefore + 1, microsoft.Simulator.PartnerCenter.ServiceRequestsCreated);
        Assert.Equal((EscalationState.Open, "open"), (sent.Escalation.State, sent.Escalation.ServiceRequestStatus));
        var serviceRequest = sent.Escalation.ServiceRequestId!;
        // Microsoft's clock counts: four hours (moderate) from the request's creation date in Partner Center.
        var filed = microsoft.Simulator.PartnerCenter.Get(DemoWorld.Ids.Contoso, serviceRequest)!.CreatedDate!.Value;
        Assert.Equal(filed.AddHours(4), sent.Escalation.FirstResponseDueAt!.Value, TimeSpan.FromMilliseconds(1));

        microsoft.Simulator.PartnerCenter.Respond(serviceRequest, "Please send the message trace of one affected message.", "attention_needed");
        await Track();
        var asked = await (await admin.GetAsync($"/api/v1/escalations/{queued.Id}")).Read<EscalationDetails>();
        Assert.Equal(EscalationState.AttentionNeeded, asked.Escalation.State);
        Assert.NotNull(asked.Escalation.FirstResponseAt);
        var notes = await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}/messages")).Read<List<TicketMessageView>>();
        Assert.Contains(notes, m => m.Visibility == MessageVisibility.Internal && m.Body.Contains("message trace of one affected message", StringComparison.Ordinal));
        Assert.True(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.AttentionNeeded).FirstAsync()));

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsJsonAsync($"/api/v1/escalations/{queued.Id}/notes", new { text = "Message trace attached: 7f3c…" })).StatusCode);
        await Outbox();
        Assert.Contains(microsoft.Simulator.PartnerCenter.Get(DemoWorld.Ids.Contoso, serviceRequest)!.Notes!, n => n.Text == "Message trace attached: 7f3c…");
        Assert.False(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.AttentionNeeded).FirstAsync()));
        await Track();
        var ownNotes = (await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}/messages")).Read<List<TicketMessageView>>()).Count(m => m.Body.Contains("7f3c", StringComparison.Ordinal));
        Assert.Equal(0, ownNotes); // our own note is not brought back as news from Microsoft

        microsoft.Simulator.PartnerCenter.Respond(serviceRequest, "Fixed by a configuration change.", "closed");
        await Track();
        var closed = await (await admin.GetAsync($"/api/v1/escalations/{queued.Id}")).Read<EscalationDetails>();
        Assert.Equal(EscalationState.Closed, closed.Escalation.State);
        Assert.Equal(TicketStatus.Open, (await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}")).Read<TicketDetails>()).Status);
        Assert.Equal(["Queued", "Sent", "MicrosoftNote", "Status", "NoteQueued", "NoteSent", "MicrosoftNote", "Status"], closed.History.Select(h => h.What));
        var list = await (await admin.GetAsync("/api/v1/escalations?status=Closed")).Read<Page<EscalationView>>();
        Assert.Contains(list.Items, e => e.Id == queued.Id);
    }

    [Fact]
    public async Task A_missed_first_response_is_marked_and_lifts_the_ticket()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await NewTicket(admin, DemoWorld.Ids.Litware, "Teams down for everyone", "A", "Microsoft Teams");
        var escalation = await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { category = "ServiceUnavailable" })).Read<EscalationView>(HttpStatusCode.Created);
        await Outbox();

        await Track();
        Assert.False((await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>()).Escalation.FirstResponseMissed);
        App.Clock.Advance(TimeSpan.FromHours(2));
        App.ForgetTokens();
        admin = await App.ClientFor(Demo.ContosoAdmin);
        await Track();

        var late = await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>();
        Assert.Equal("critical", late.Escalation.Severity);
        Assert.True(late.Escalation.FirstResponseMissed);
        Assert.Contains(late.History, h => h.What == "FirstResponseMissed");
        Assert.True(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.AttentionNeeded).FirstAsync()));
    }

    [Fact]
    public async Task An_outage_at_microsoft_keeps_the_escalation_queued_until_it_goes_through_once()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await NewTicket(admin, DemoWorld.Ids.Tailspin, "Mail flow stopped");
        var escalation = await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { category = "ServiceUnavailable" })).Read<EscalationView>(HttpStatusCode.Created);
        var created = microsoft.Simulator.PartnerCenter.ServiceRequestsCreated;
        microsoft.Simulator.State.AddFault(new Fault(FaultKind.Unavailable, DemoWorld.Ids.Contoso, Count: 50, RetryAfterSeconds: 0, PathContains: "/v1/servicerequests"));

        await Outbox();
        var waiting = await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>();
        microsoft.Simulator.State.ClearFaults();
        Assert.Equal(EscalationState.Queued, waiting.Escalation.State);
        Assert.Contains("503", waiting.Escalation.Problem, StringComparison.Ordinal);
        Assert.Equal(created, microsoft.Simulator.PartnerCenter.ServiceRequestsCreated);

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await Outbox();
        var through = await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>();
        Assert.Equal(EscalationState.Open, through.Escalation.State);
        Assert.Null(through.Escalation.Problem);
        Assert.Equal(created + 1, microsoft.Simulator.PartnerCenter.ServiceRequestsCreated);
        await Outbox();
        Assert.Equal(created + 1, microsoft.Simulator.PartnerCenter.ServiceRequestsCreated);
    }

    [Fact]
    public async Task A_request_microsoft_refuses_is_marked_for_an_agent_with_the_reason()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await NewTicket(admin, DemoWorld.Ids.Adatum, "Odd behaviour");
        var escalation = await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { category = "ServiceBugOrIrregularity", supportTopicId = "999" })).Read<EscalationView>(HttpStatusCode.Created);

        await Outbox();

        var refused = await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>();
        Assert.Equal(EscalationState.NeedsAgent, refused.Escalation.State);
        Assert.Contains("support topic 999 does not exist", refused.Escalation.Problem, StringComparison.Ordinal);
        Assert.Contains(refused.History, h => h.What == "Refused");
        await Outbox();
        Assert.Equal(1, await App.InDatabase(DemoWorld.Ids.Contoso, db => db.OutboxMessages.Where(m => m.SubjectId == escalation.Id).Select(m => m.Attempts).SingleAsync())); // refused for good: not tried again
        // The agent can escalate again with a valid topic.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { category = "ServiceBugOrIrregularity", supportTopicId = "32444671" })).StatusCode);
        await Outbox(); // nothing left queued for the other tests' counts
    }

    [Fact]
    public async Task A_status_microsoft_adds_later_is_recorded_and_changes_nothing_else()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await NewTicket(admin, DemoWorld.Ids.Adatum, "Calendar sharing broken");
        var escalation = await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { category = "ServiceBugOrIrregularity" })).Read<EscalationView>(HttpStatusCode.Created);
        await Outbox();
        var id = (await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>()).Escalation.ServiceRequestId!;

        microsoft.Simulator.PartnerCenter.Respond(id, null, "waiting_on_engineering");
        await Track();

        var after = await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>();
        Assert.Equal((EscalationState.Open, "waiting_on_engineering"), (after.Escalation.State, after.Escalation.ServiceRequestStatus));
        Assert.Contains(after.History, h => h.What == "Status" && h.Detail!.Contains("does not know", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answer_that_cannot_be_read_is_retried_and_the_agent_can_close_the_request()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await NewTicket(admin, DemoWorld.Ids.Litware, "Search returns nothing");
        var escalation = await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { category = "ServiceBugOrIrregularity" })).Read<EscalationView>(HttpStatusCode.Created);
        microsoft.Simulator.State.AddFault(new Fault(FaultKind.Malformed, DemoWorld.Ids.Contoso, Count: 1, PathContains: "/v1/servicerequests/en-US"));

        await Outbox();
        var waiting = await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>();
        Assert.Equal(EscalationState.Queued, waiting.Escalation.State);
        Assert.Contains("could not be read", waiting.Escalation.Problem, StringComparison.Ordinal);

        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await Outbox();
        var open = await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>();
        Assert.Equal(EscalationState.Open, open.Escalation.State);

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/v1/escalations/{escalation.Id}/close", null)).StatusCode);
        await Outbox();
        var closed = await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>();
        Assert.Equal((EscalationState.Closed, "closed"), (closed.Escalation.State, closed.Escalation.ServiceRequestStatus));
        Assert.Equal("closed", microsoft.Simulator.PartnerCenter.Get(DemoWorld.Ids.Contoso, open.Escalation.ServiceRequestId!)!.Status);
        await (await admin.PostAsync($"/api/v1/escalations/{escalation.Id}/close", null)).ProblemNaming("id");
    }

    [Fact]
    public async Task Bad_escalations_name_the_field_and_write_nothing()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await NewTicket(admin, DemoWorld.Ids.Litware, "Needs escalation");
        var url = $"/api/v1/tickets/{ticket.Id}/escalations";
        var before = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Escalations.CountAsync());

        await (await admin.PostAsJsonAsync(url, new { })).ProblemNaming("category");
        await (await admin.PostAsJsonAsync(url, new { category = "Whatever" })).ProblemNaming("category");
        await (await admin.PostAsJsonAsync(url, new { category = "ServiceUnavailable", target = "IndirectProvider" })).ProblemNaming("target");
        await (await admin.PostAsJsonAsync(url, new { category = "ServiceUnavailable", supportTopicId = "abc" })).ProblemNaming("supportTopicId");
        await (await admin.PostAsJsonAsync(url, new { category = "ServiceUnavailable", title = new string('x', 256) })).ProblemNaming("title");
        var reseller = await App.ClientFor(Demo.FabrikamAdmin);
        var fabrikamTicket = await NewTicket(reseller, DemoWorld.Ids.WoodgroveBank, "Reseller problem");
        await (await reseller.PostAsJsonAsync($"/api/v1/tickets/{fabrikamTicket.Id}/escalations", new { category = "ServiceUnavailable", target = "Microsoft" })).ProblemNaming("target");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/v1/tickets/{fabrikamTicket.Id}/escalations", new { category = "ServiceUnavailable" })).StatusCode);
        var contact = await App.ClientFor(Demo.LitwareIt);
        Assert.Equal(HttpStatusCode.Forbidden, (await contact.PostAsJsonAsync(url, new { category = "ServiceUnavailable" })).StatusCode);

        Assert.Equal(before, await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Escalations.CountAsync()));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(url, new { category = "ServiceUnavailable" })).StatusCode);
        await (await admin.PostAsJsonAsync(url, new { category = "ServiceUnavailable" })).ProblemNaming("ticketId");
        await Outbox(); // nothing left queued for the other tests' counts
    }
}
