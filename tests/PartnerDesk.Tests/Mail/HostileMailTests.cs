using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Mail;

/// <summary>
/// Hostile and broken messages, put into a real Dovecot byte for byte: none stops the reader, each ends as a
/// ticket (its text clean) or in quarantine with the reason and its raw bytes, and the mail after them is read too.
/// </summary>
public sealed class HostileMailTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Customer = "it@adatum.example";

    private static byte[] Raw(string text) => Encoding.Latin1.GetBytes(text.ReplaceLineEndings("\r\n"));

    public static TheoryData<string, string> Messages() => new()
    {
        {
            "broken boundary", """
            From: it@adatum.example
            Subject: Broken boundary
            Message-ID: <broken-boundary@adatum.example>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="abc"

            --abc
            Content-Type: text/plain

            The text before the boundary breaks.
            --ab
            Content-Type: application/octet-stream; name="x.bin"

            AAAA
            """
        },
        {
            "unknown charset", """
            From: it@adatum.example
            Subject: =?x-no-such-charset?Q?Umlaute_=E4=F6=FC?=
            Message-ID: <unknown-charset@adatum.example>
            MIME-Version: 1.0
            Content-Type: text/plain; charset="x-no-such-charset"

            Grüße aus München
            """
        },
        {
            "wrong charset", """
            From: it@adatum.example
            Subject: Wrong charset
            Message-ID: <wrong-charset@adatum.example>
            MIME-Version: 1.0
            Content-Type: text/plain; charset="utf-8"

            Latin-1 bytes in a UTF-8 part: München
            """
        },
        {
            "missing from", """
            Subject: Nobody sent this
            Message-ID: <missing-from@adatum.example>

            Who am I?
            """
        },
        {
            "missing message-id", """
            From: it@adatum.example
            Subject: No Message-ID here

            Still a request.
            """
        },
        {
            "header injection", """
            From: it@adatum.example
            Subject: =?utf-8?Q?Help=0D=0ABcc:_victim@evil.example=0D=0A=0D=0Abody?=
            Message-ID: <header-injection@adatum.example>

            Injected.
            """
        },
        {
            "script in html", """
            From: it@adatum.example
            Subject: HTML with a script
            Message-ID: <script-html@adatum.example>
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8

            <html><body><p>Please look</p><script>alert(document.cookie)</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">here</a></body></html>
            """
        },
        {
            "long sender", $"""
            From: "{new string('N', 250)}" <{new string('x', 290)}@adatum.example>
            Subject: A very long sender
            Message-ID: <long-sender@adatum.example>

            Names and addresses longer than their columns are cut, not a failed save.
            """
        },
        { "not a message", "\u0001\u0002 garbage without headers" }, // (no NUL: Dovecot stores it as 0x80)
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task A_hostile_message_ends_as_a_clean_ticket_or_in_quarantine_and_the_next_mail_is_read_too(string name, string text)
    {
        var mail = await MailServers.Instance;
        var support = MailServers.Address("hostile", "contoso-cloud.example");
        var mailboxId = await Mailbox(mail, support);
        await mail.AppendRaw(support, Raw(text));
        await mail.AppendRaw(support, Raw($"From: {Customer}\nSubject: After {name}\nMessage-ID: <after-{Guid.NewGuid():N}@adatum.example>\n\nThe next mail.\n"));

        var round = await App.Services.GetRequiredService<MailboxWatcher>().ReadOnce(mailboxId, DemoWorld.Ids.Contoso, Ct);

        Assert.Equal(2, round.Total);
        var records = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.InboundMails.AsNoTracking().Where(m => m.MailboxId == mailboxId).OrderBy(m => m.Uid).ToListAsync(Ct));
        Assert.Equal(2, records.Count);
        var hostile = records[0];
        Assert.Equal(InboundMailState.Ticket, records[1].State);
        Assert.Contains(hostile.State, (InboundMailState[])[InboundMailState.Ticket, InboundMailState.Quarantined]);
        if (hostile.State == InboundMailState.Quarantined)
        {
            Assert.False(string.IsNullOrWhiteSpace(hostile.Reason));
            Assert.Equal(Raw(text), hostile.Raw);
        }
        else
        {
            var ticket = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.AsNoTracking().FirstAsync(t => t.Id == hostile.TicketId, Ct));
            Assert.DoesNotContain("<script", ticket.Description, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("onerror", ticket.Description, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("javascript:", ticket.Description, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain('\r', ticket.Title);
            Assert.DoesNotContain('\n', ticket.Title);
            Assert.All(ticket.Description, c => Assert.True(c is '\n' or '\t' || !char.IsControl(c)));
        }

        var expected = name switch
        {
            "missing from" or "not a message" => InboundMailState.Quarantined,
            _ => InboundMailState.Ticket,
        };
        Assert.Equal(expected, hostile.State);
        Assert.Equal(2, await mail.SeenCount(support));
    }

    [Fact]
    public async Task A_20_MB_attachment_is_kept_byte_for_byte()
    {
        var mail = await MailServers.Instance;
        var support = MailServers.Address("large", "contoso-cloud.example");
        var mailboxId = await Mailbox(mail, support);
        var payload = new byte[20 * 1024 * 1024];
        new Random(7).NextBytes(payload);
        var message = new StringBuilder($"From: {Customer}\r\nSubject: Large log\r\nMessage-ID: <large-{Guid.NewGuid():N}@adatum.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe log is attached.\r\n--b\r\nContent-Type: application/zip; name=\"log.zip\"\r\nContent-Disposition: attachment; filename=\"log.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        message.Append(Convert.ToBase64String(payload, Base64FormattingOptions.InsertLineBreaks)).Append("\r\n--b--\r\n");
        await mail.AppendRaw(support, Encoding.ASCII.GetBytes(message.ToString()));

        Assert.Equal(1, (await App.Services.GetRequiredService<MailboxWatcher>().ReadOnce(mailboxId, DemoWorld.Ids.Contoso, Ct)).Tickets);

        var stored = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.TicketAttachments.AsNoTracking()
            .Where(a => db.Set<InboundMail>().Any(m => m.MailboxId == mailboxId && m.TicketId == a.TicketId)).Select(a => new { a.FileName, a.Size, a.Content }).SingleAsync(Ct));
        Assert.Equal(("log.zip", (long)payload.Length), (stored.FileName, stored.Size));
        Assert.Equal(payload, stored.Content);
    }

    private async Task<Guid> Mailbox(MailServers mail, string support)
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        return (await (await admin.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxRequest(support), Ct)).Read<MailboxView>(System.Net.HttpStatusCode.Created)).Id;
    }
}
