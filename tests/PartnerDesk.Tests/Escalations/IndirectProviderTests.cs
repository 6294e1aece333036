using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Escalations;

/// <summary>An indirect reseller hands a problem to its indirect provider (DESIGN R2).</summary>
public sealed class IndirectProviderTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private Task<int> Outbox() => App.Services.GetRequiredService<OutboxDispatcher>().RunOnce(TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_resellers_escalation_becomes_a_linked_ticket_in_the_providers_queue_with_only_what_was_shared()
    {
        var reseller = await App.ClientFor(Demo.FabrikamHelpdesk);
        var ticket = await (await reseller.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.WoodgroveBank, title = "Licences not assigned", description = "New users get no licence.", severity = "B", kind = "Incident", service = "Microsoft 365" }))
            .Read<TicketDetails>(HttpStatusCode.Created);
        await reseller.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/messages", new { body = "Checked group-based licensing: fine.", visibility = "Internal" });
        await reseller.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/messages", new { body = "Customer is annoyed, handle gently.", visibility = "Internal" });
        var draft = await (await reseller.GetAsync($"/api/v1/tickets/{ticket.Id}/escalations/draft")).Read<EscalationDraft>();
        Assert.Equal(EscalationTarget.IndirectProvider, draft.Target);

        var escalation = await (await reseller.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { shareInternalNotes = true }))
            .Read<EscalationView>(HttpStatusCode.Created);
        await Outbox();
        await Outbox(); // a second round changes nothing

        var sent = await (await reseller.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>();
        Assert.Equal(EscalationState.Open, sent.Escalation.State);
        var providerNumber = sent.Escalation.LinkedTicketNumber!;
        var provider = await App.ClientFor(Demo.NorthwindAdmin);
        var queue = await (await provider.GetAsync("/api/v1/tickets?limit=50")).Read<Page<TicketSummary>>();
        var linked = Assert.Single(queue.Items, t => t.Number == providerNumber);
        Assert.StartsWith("[Fabrikam Solutions ", linked.Title, StringComparison.Ordinal);
        Assert.Equal((Channel.Reseller, "Woodgrove Bank (Fabrikam Solutions)"), (linked.Channel, linked.CustomerName));
        var conversation = await (await provider.GetAsync($"/api/v1/tickets/{linked.Id}/messages")).Read<List<TicketMessageView>>();
        Assert.Equal(2, conversation.Count(m => m.Visibility == MessageVisibility.Internal && m.AuthorName.StartsWith("Fabrikam Solutions: ", StringComparison.Ordinal)));

        // Each side sees its own ticket only.
        Assert.Equal(HttpStatusCode.NotFound, (await reseller.GetAsync($"/api/v1/tickets/{linked.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await provider.GetAsync($"/api/v1/tickets/{ticket.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await provider.GetAsync($"/api/v1/escalations/{escalation.Id}")).StatusCode);
        Assert.Equal(1, await App.InDatabase(DemoWorld.Ids.Northwind, db => db.ResellerLinks.CountAsync(l => l.ResellerEscalationId == escalation.Id)));
    }

    [Fact]
    public async Task Replies_status_and_microsofts_news_flow_between_provider_and_reseller()
    {
        var reseller = await App.ClientFor(Demo.FabrikamAdmin);
        var ticket = await (await reseller.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.WoodgroveBank, title = "Teams calls drop", description = "All calls drop after a minute.", severity = "B", kind = "Incident", service = "Microsoft Teams" }))
            .Read<TicketDetails>(HttpStatusCode.Created);
        var escalation = await (await reseller.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { })).Read<EscalationView>(HttpStatusCode.Created);
        await Outbox();
        var number = (await (await reseller.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>()).Escalation.LinkedTicketNumber;
        var provider = await App.ClientFor(Demo.NorthwindAdmin);
        var linked = (await (await provider.GetAsync("/api/v1/tickets?limit=50")).Read<Page<TicketSummary>>()).Items.Single(t => t.Number == number);

        // Reseller → provider: a note on the escalation arrives as the reseller's message on the provider's ticket.
        Assert.Equal(HttpStatusCode.Accepted, (await reseller.PostAsJsonAsync($"/api/v1/escalations/{escalation.Id}/notes", new { text = "It happens in the Zurich office only." })).StatusCode);
        await Outbox();
        var providerConversation = await (await provider.GetAsync($"/api/v1/tickets/{linked.Id}/messages")).Read<List<TicketMessageView>>();
        Assert.Contains(providerConversation, m => m is { AuthorIsAgent: false, AuthorName: "Fabrikam Solutions" } && m.Body.Contains("Zurich", StringComparison.Ordinal));

        // Provider → reseller: a public reply and a status change come back as notes and history; the reseller's customer sees nothing.
        await provider.PostAsJsonAsync($"/api/v1/tickets/{linked.Id}/messages", new { body = "We have asked Microsoft about the Zurich media relay.", visibility = "Public" });
        await provider.PostAsJsonAsync($"/api/v1/tickets/{linked.Id}/messages", new { body = "Provider-internal remark.", visibility = "Internal" });
        await Outbox();
        var resellerConversation = await (await reseller.GetAsync($"/api/v1/tickets/{ticket.Id}/messages")).Read<List<TicketMessageView>>();
        Assert.Contains(resellerConversation, m => m.Visibility == MessageVisibility.Internal && m.Body.Contains("Zurich media relay", StringComparison.Ordinal));
        Assert.DoesNotContain(resellerConversation, m => m.Body.Contains("Provider-internal", StringComparison.Ordinal));
        var customer = await App.ClientFor("it@woodgrovebank.example");
        Assert.DoesNotContain(await (await customer.GetAsync($"/api/v1/tickets/{ticket.Id}/messages")).Read<List<TicketMessageView>>(), m => m.Body.Contains("Zurich media relay", StringComparison.Ordinal));

        // The provider escalates on to Microsoft; the reseller sees Microsoft's status.
        await (await provider.PostAsJsonAsync($"/api/v1/tickets/{linked.Id}/escalations", new { category = "ServiceBugOrIrregularity", supportTopicId = "32444672" })).Read<EscalationView>(HttpStatusCode.Created);
        await Outbox(); // Partner Center is not reachable here: the provider's escalation waits, and says so
        await App.InDatabase(DemoWorld.Ids.Northwind, async db =>
        {
            var providerEscalation = await db.Escalations.SingleAsync(e => e.TicketId == linked.Id);
            providerEscalation.ServiceRequestId = "616122290000042";
            providerEscalation.ServiceRequestStatus = "open";
            db.EscalationEvents.Add(new EscalationEvent { OrganisationId = db.Caller.OrganisationId!.Value, CustomerId = providerEscalation.CustomerId, EscalationId = providerEscalation.Id, At = App.Clock.GetUtcNow(), Actor = "Partner Center", What = "Status", Detail = "open → attention_needed" });
            return await db.SaveChangesAsync();
        });
        await Outbox();
        var resellerHistory = (await (await reseller.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>()).History;
        Assert.Contains(resellerHistory, h => h.What == "Microsoft" && h.Detail!.Contains("attention_needed", StringComparison.Ordinal));

        await provider.PatchAsJsonAsync($"/api/v1/tickets/{linked.Id}", new { status = "Resolved" });
        await Outbox();
        var closed = await (await reseller.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>();
        Assert.Equal(EscalationState.Closed, closed.Escalation.State);
        Assert.Contains(closed.History, h => h.What == "ProviderStatus" && h.Detail!.Contains("Resolved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_sharing_the_internal_notes_stay_with_the_reseller()
    {
        var reseller = await App.ClientFor(Demo.FabrikamAdmin);
        var ticket = await (await reseller.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.WideWorldImporters, title = "Sync errors", description = "OneDrive sync fails.", severity = "C", kind = "Incident" }))
            .Read<TicketDetails>(HttpStatusCode.Created);
        await reseller.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/messages", new { body = "Internal only.", visibility = "Internal" });
        var escalation = await (await reseller.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { })).Read<EscalationView>(HttpStatusCode.Created);

        await Outbox();

        var number = (await (await reseller.GetAsync($"/api/v1/escalations/{escalation.Id}")).Read<EscalationDetails>()).Escalation.LinkedTicketNumber;
        var provider = await App.ClientFor(Demo.NorthwindAdmin);
        var linked = (await (await provider.GetAsync("/api/v1/tickets?limit=50")).Read<Page<TicketSummary>>()).Items.Single(t => t.Number == number);
        Assert.Empty(await (await provider.GetAsync($"/api/v1/tickets/{linked.Id}/messages")).Read<List<TicketMessageView>>());
    }
}
