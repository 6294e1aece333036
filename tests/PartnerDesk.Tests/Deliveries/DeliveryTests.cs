using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Deliveries;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Infrastructure;
using PartnerDesk.Tests.ServiceHealth;

namespace PartnerDesk.Tests.Deliveries;

/// <summary>
/// The outbox keeps one organisation's fault its own: a mail server that accepts and never answers holds up only
/// its organisation's mail; every attempt has a deadline; what keeps failing is parked for an admin to send again.
/// </summary>
public sealed class DeliveryTests(SimulatedMicrosoft microsoft) : IClassFixture<SimulatedMicrosoft>
{
    private PartnerDeskApp App => microsoft.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_mail_server_that_never_answers_holds_up_only_its_own_organisation()
    {
        await using var hanging = new HangingServer();
        var outbox = App.Services.GetRequiredService<OutboxDispatcher>();
        await outbox.RunOnce(Ct); // whatever earlier tests left due
        var mailId = await FabrikamMailTo(App, hanging);

        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Teams calls drop", description = "Every call drops after a minute.", severity = "B", kind = "Incident", service = "Microsoft Teams" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);
        var escalation = await (await admin.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/escalations", new { category = "UndocumentedServiceIssue" }, Ct))
            .Read<EscalationView>(HttpStatusCode.Created);

        var round = outbox.RunOnce(Ct);
        await hanging.Connected.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        // Fabrikam's mail is in flight, held by its server; Contoso's escalation goes out meanwhile.
        EscalationState state;
        var waited = 0;
        do
        {
            await Task.Delay(50, Ct);
            state = (await (await admin.GetAsync($"/api/v1/escalations/{escalation.Id}", Ct)).Read<EscalationDetails>()).Escalation.State;
        }
        while (state == EscalationState.Queued && ++waited < 1200);

        Assert.Equal(EscalationState.Open, state);
        var held = await Message(App, mailId);
        Assert.Equal((null, 0), (held.SentAt, held.Attempts));
        Assert.False(round.IsCompleted);

        hanging.Release();
        await round;
        var failed = await Message(App, mailId);
        Assert.Null(failed.SentAt);
        Assert.Equal(1, failed.Attempts);
        Assert.NotNull(failed.LastError);
        Assert.True(failed.NextAttemptAt > App.Clock.GetUtcNow());
    }

    [Fact]
    public async Task An_attempt_has_a_deadline_and_what_keeps_failing_is_parked_for_an_admin_to_send_again()
    {
        await using var app = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:Outbox:AttemptDeadline"] = "00:00:01",
            ["PartnerDesk:Outbox:MaxAttempts"] = "2",
        });
        await using var hanging = new HangingServer();
        var outbox = app.Services.GetRequiredService<OutboxDispatcher>();
        var mailId = await FabrikamMailTo(app, hanging);

        await outbox.RunOnce(Ct);
        var first = await Message(app, mailId);
        Assert.Equal((null, null, 1), (first.SentAt, first.FailedAt, first.Attempts));
        Assert.Equal("The other side did not answer within 1 seconds.", first.LastError);

        var fabrikam = await app.ClientFor(Demo.FabrikamAdmin);
        var waiting = await (await fabrikam.GetAsync("/api/v1/deliveries?state=Waiting", Ct)).Read<Page<DeliveryView>>();
        Assert.Contains(waiting.Items, d => d.Id == mailId && d.NextAttemptAt is not null);
        await outbox.RunOnce(Ct);
        Assert.Equal(1, (await Message(app, mailId)).Attempts); // not due again yet

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await outbox.RunOnce(Ct);
        var parked = await Message(app, mailId);
        Assert.True(parked.Parked);
        Assert.NotNull(parked.FailedAt);
        Assert.StartsWith("Parked after 2 attempts: The other side did not answer", parked.LastError, StringComparison.Ordinal);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await outbox.RunOnce(Ct);
        Assert.Equal(2, (await Message(app, mailId)).Attempts); // parked: never tried again by itself

        var failed = await (await fabrikam.GetAsync("/api/v1/deliveries", Ct)).Read<Page<DeliveryView>>();
        var listed = Assert.Single(failed.Items, d => d.Id == mailId);
        Assert.True(listed.Parked);
        Assert.Equal(MailNotifier.Kind, listed.Kind);
        // Another organisation's admin does not see it, nor can send it; an agent who is no admin may not look.
        var contoso = await app.ClientFor(Demo.ContosoAdmin);
        Assert.DoesNotContain((await (await contoso.GetAsync("/api/v1/deliveries", Ct)).Read<Page<DeliveryView>>()).Items, d => d.Id == mailId);
        Assert.Equal(HttpStatusCode.NotFound, (await contoso.PostAsync($"/api/v1/deliveries/{mailId}/retry", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientFor(Demo.FabrikamHelpdesk)).GetAsync("/api/v1/deliveries", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fabrikam.GetAsync("/api/v1/deliveries?limit=0", Ct)).StatusCode);

        var again = await (await fabrikam.PostAsync($"/api/v1/deliveries/{mailId}/retry", null, Ct)).Read<DeliveryView>();
        Assert.Equal((0, false, (DateTimeOffset?)null), (again.Attempts, again.Parked, again.FailedAt));
        Assert.Equal(HttpStatusCode.Conflict, (await fabrikam.PostAsync($"/api/v1/deliveries/{mailId}/retry", null, Ct)).StatusCode);
        var due = await Message(app, mailId);
        Assert.Equal((null, false, 0), (due.FailedAt, due.Parked, due.Attempts));
    }

    /// <summary>Fabrikam sends from a mailbox whose SMTP server hangs; its customer's contact files a ticket, whose acknowledgement waits in the outbox.</summary>
    private static async Task<Guid> FabrikamMailTo(PartnerDeskApp app, HangingServer server)
    {
        var admin = await app.ClientFor(Demo.FabrikamAdmin);
        await (await admin.PostAsJsonAsync("/api/v1/mailboxes", new
        {
            address = "support@fabrikam-solutions.example",
            imapHost = "127.0.0.1",
            imapPort = server.Port,
            imapSecurity = "None",
            smtpHost = "127.0.0.1",
            smtpPort = server.Port,
            smtpSecurity = "None",
            login = "Password",
            userName = "support",
            password = "secret",
            isDefault = true,
        }, Ct)).Read<MailboxView>(HttpStatusCode.Created);
        app.Services.GetRequiredService<OutboundMailboxes>().Forget(DemoWorld.Ids.Fabrikam);
        var contact = await app.ClientFor(Demo.WideWorldIt);
        var ticket = await (await contact.PostAsJsonAsync("/api/v1/tickets", new { title = "Cannot sign in", description = "Since this morning.", severity = "C", kind = "Incident", service = "Exchange Online" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);
        return await app.InDatabase(DemoWorld.Ids.Fabrikam, db => db.OutboxMessages.Where(m => m.Kind == MailNotifier.Kind && m.Payload.Contains(ticket.Id.ToString())).Select(m => m.Id).SingleAsync(Ct));
    }

    private static Task<OutboxMessage> Message(PartnerDeskApp app, Guid id) =>
        app.InDatabase(DemoWorld.Ids.Fabrikam, db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, Ct));
}
