using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

public sealed class EscalationTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_agent_escalates_a_ticket_to_microsoft_and_sees_microsofts_note_arrive()
    {
        var ticketId = await browser.App.InDatabase(DemoWorld.Ids.Contoso, db =>
            db.Tickets.Where(t => t.CustomerId == DemoWorld.Ids.Adatum && t.Title.StartsWith("Outlook cannot send")).Select(t => t.Id).SingleAsync());
        var agent = await browser.SignedIn(Demo.ContosoAdmin);
        await agent.GotoAsync($"/console/tickets/{ticketId}");
        await BrowserFixture.WaitForInteractive(agent, "ticket");

        await agent.ClickAsync("#open-escalation");
        await Assertions.Expect(agent.Locator("#escalation-description")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Adatum Corporation"));
        await agent.SelectOptionAsync("#escalation-category", "ServiceUnavailable");
        await BrowserFixture.Screenshot(agent, "escalation-1-form");
        await agent.ClickAsync("#send-escalation");
        await Assertions.Expect(agent.Locator(".escalation")).ToContainTextAsync("Queued");

        // The outbox files it with Partner Center; the page shows the service request without a reload.
        await browser.App.Services.GetRequiredService<OutboxDispatcher>().RunOnce(TestContext.Current.CancellationToken);
        var escalation = await browser.App.InDatabase(DemoWorld.Ids.Contoso, db => db.Escalations.SingleAsync(e => e.TicketId == ticketId));
        await Assertions.Expect(agent.Locator(".escalation .service-request")).ToHaveTextAsync(escalation.ServiceRequestId!);

        // Microsoft's engineer writes; the tracker brings the note to the ticket, live.
        browser.Simulator.PartnerCenter.Respond(escalation.ServiceRequestId!, "Microsoft engineer: we see the queue backlog in your tenant and are draining it.", "attention_needed");
        await browser.App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            await browser.App.Services.GetRequiredService<EscalationTracker>().Follow(db, escalation.Id, TestContext.Current.CancellationToken);
            return 0;
        });
        await Assertions.Expect(agent.Locator(".message.internal", new PageLocatorOptions { HasText = "draining it" })).ToHaveCountAsync(1);
        await Assertions.Expect(agent.Locator(".escalation")).ToContainTextAsync("Waiting for us");
        await BrowserFixture.Screenshot(agent, "escalation-2-microsoft-note");

        // The queue pins the ticket on top: Microsoft waits for the partner.
        await agent.GotoAsync("/console");
        await Assertions.Expect(agent.Locator("#attention")).ToContainTextAsync("Outlook cannot send");
    }
}
