using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Tickets;
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
