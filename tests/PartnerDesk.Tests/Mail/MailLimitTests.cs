using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Mail;
using PartnerDesk.Platform;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Mail;

/// <summary>A host with small limits, so that a test reaches them with a handful of messages.</summary>
public sealed class SmallMailLimitsFixture : IAsyncLifetime
{
    public PartnerDeskApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:Mail:SenderHourlyLimit"] = "3",
            ["PartnerDesk:Mail:MessageLimit"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        App.CreateClient().Dispose();
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// The inbound limits against real Dovecot: a sender over its hourly rate is quarantined without a ticket or an
/// acknowledgement; a message over the size limit keeps its headers only; triage and quarantine are deleted
/// after their retention.
/// </summary>
public sealed class MailLimitTests(SmallMailLimitsFixture fixture) : IClassFixture<SmallMailLimitsFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<MailRound> Read(Guid mailboxId) => App.Services.GetRequiredService<MailboxWatcher>().ReadOnce(mailboxId, DemoWorld.Ids.Contoso, Ct);

    private static byte[] Raw(string from, string subject, string body = "Please help.") =>
        Encoding.ASCII.GetBytes($"From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@test.example>\r\n\r\n{body}\r\n");

    /// <summary>A support mailbox of Contoso, and Adatum's IT contact at a fresh address, so no other test shares either.</summary>
    private async Task<(MailServers Mail, Guid MailboxId, string Support, string Customer)> Arrange()
    {
        var mail = await MailServers.Instance;
        var support = MailServers.Address("limits", "contoso-cloud.example");
        var customer = MailServers.Address("it", "adatum.example");
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var mailbox = await (await admin.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxRequest(support), Ct)).Read<MailboxView>(HttpStatusCode.Created);
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.Where(c => c.Id == DemoWorld.Ids.AdatumIt).ExecuteUpdateAsync(c => c.SetProperty(x => x.Email, customer), Ct));
        return (mail, mailbox.Id, support, customer);
    }

    [Fact]
    public async Task A_sender_over_its_hourly_rate_is_quarantined_with_the_reason_and_gets_no_ticket_and_no_acknowledgement()
    {
        var (mail, mailboxId, support, customer) = await Arrange();
        for (var i = 1; i <= 5; i++)
        {
            await mail.AppendRaw(support, Raw(customer, $"Request {i}"));
        }

        var colleague = MailServers.Address("colleague", "adatum.example");
        await mail.AppendRaw(support, Raw(colleague, "Another person, same hour"));

        var round = await Read(mailboxId);

        Assert.Equal((4, 2), (round.Tickets, round.Quarantined));
        var taken = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.InboundMails.AsNoTracking().Where(m => m.MailboxId == mailboxId).ToListAsync(Ct));
        var held = taken.Where(m => m.State == InboundMailState.Quarantined).ToList();
        Assert.Equal(["Request 4", "Request 5"], held.Select(m => m.Subject).Order());
        Assert.All(held, m =>
        {
            Assert.Contains("sent more than 3 mails within an hour", m.Reason, StringComparison.Ordinal);
            Assert.Null(m.TicketId);
            Assert.NotNull(m.Raw); // an agent can still make a ticket of it
        });
        Assert.Equal(InboundMailState.Ticket, Assert.Single(taken, m => m.FromAddress == colleague).State);

        // Acknowledgements go out for the tickets only: one each, none for what was held.
        var tickets = taken.Where(m => m.TicketId is not null).Select(m => m.TicketId!.Value.ToString()).ToList();
        var letters = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.OutboxMessages.AsNoTracking().Where(o => o.Kind == MailNotifier.Kind).Select(o => o.Payload).ToListAsync(Ct));
        Assert.Equal(4, tickets.Count);
        Assert.Equal(4, letters.Count(p => tickets.Any(t => p.Contains(t, StringComparison.OrdinalIgnoreCase))));
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_quarantined_with_its_headers_only_and_the_next_one_is_taken()
    {
        var (mail, mailboxId, support, customer) = await Arrange();
        var body = new StringBuilder("BODY-MARKER\r\n");
        while (body.Length < 2 * 1024 * 1024)
        {
            body.Append(new string('x', 76)).Append("\r\n");
        }

        await mail.AppendRaw(support, Raw(customer, "Too large", body.ToString()));
        await mail.AppendRaw(support, Raw(customer, "Small enough"));

        var round = await Read(mailboxId);

        Assert.Equal((1, 1), (round.Tickets, round.Quarantined));
        var large = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.InboundMails.AsNoTracking().SingleAsync(m => m.MailboxId == mailboxId && m.State == InboundMailState.Quarantined, Ct));
        var kept = Encoding.ASCII.GetString(large.Raw!);
        Assert.Contains("Subject: Too large", kept, StringComparison.Ordinal);
        Assert.DoesNotContain("BODY-MARKER", kept, StringComparison.Ordinal);
        Assert.True(large.Raw!.Length < 4096);
        Assert.Contains("over the limit of 1 MB", large.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Housekeeping_deletes_triage_and_quarantine_past_their_retention_and_keeps_recent_ones_and_the_record_of_tickets()
    {
        var (mail, mailboxId, support, customer) = await Arrange();
        await mail.AppendRaw(support, Raw(MailServers.Address("old", "stranger.example"), "Old stranger"));
        await mail.AppendRaw(support, Raw(MailServers.Address("new", "stranger.example"), "New stranger"));
        await mail.AppendRaw(support, Encoding.ASCII.GetBytes($"Subject: Old and unreadable\r\nMessage-ID: <{Guid.NewGuid():N}@test.example>\r\n\r\nNo sender.\r\n"));
        await mail.AppendRaw(support, Raw(customer, "Old ticket"));
        var round = await Read(mailboxId);
        Assert.Equal((2, 1, 1), (round.Triage, round.Quarantined, round.Tickets));
        var retention = App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MailOptions>>().Value.HeldFor;
        var aged = App.Clock.GetUtcNow() - retention - TimeSpan.FromHours(1);
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.InboundMails.Where(m => m.MailboxId == mailboxId && EF.Functions.Like(m.Subject!, "Old%"))
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.ReceivedAt, aged), Ct));

        await Housekeeping.RunOnce(App.Services.GetRequiredService<IServiceScopeFactory>(), App.Clock, Ct);

        var left = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.InboundMails.AsNoTracking().Where(m => m.MailboxId == mailboxId)
            .Select(m => new { m.Subject, m.State }).ToListAsync(Ct));
        Assert.Equal(["New stranger", "Old ticket"], left.Select(m => m.Subject).Order());
        Assert.Equal(InboundMailState.Ticket, left.Single(m => m.Subject == "Old ticket").State);
    }
}
