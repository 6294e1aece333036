using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Mail;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Bench;

/// <summary>
/// Inbound mail (issue 6): 10,000 messages put into a real Dovecot mailbox, then read by the running host in
/// one pass (POST /api/v1/mailboxes/{id}/read, its background reader off so nothing competes for the UIDs).
/// The mix: new requests from known contacts, replies threaded by In-Reply-To, strangers (triage),
/// auto-replies, and one message in a hundred delivered twice. Checked afterwards: every message recorded
/// once, the duplicates only once, every message flagged \Seen.
/// </summary>
public static class MailWorkload
{
    public sealed record MailFigures(int Messages, int Duplicates, double Append, double Read, double PerSecond, int Tickets, int Replies, int Triage, int Ignored, int Quarantined, int Seen, int Acknowledged);

    public sealed record MailServer(string Host, int ImapPort, int SmtpPort, string Password);

    private static readonly string[] Contacts = ["it@adatum.example", "anna@adatum.example", "it@litware.example", "it@tailspintoys.example"];

    public static async Task<MailFigures> Run(BenchDatabase database, HostUnderTest host, MailServer server, int count)
    {
        var support = $"support-{Guid.NewGuid():N}"[..20] + "@contoso-cloud.example";
        var duplicates = 0;
        var messages = new List<MimeMessage>(count);
        for (var i = 0; i < count; i++)
        {
            if (i % 100 == 99)
            {
                messages.Add(messages[i - 50]); // delivered twice: same Message-ID
                duplicates++;
                continue;
            }

            var message = new MimeMessage();
            var stranger = i % 20 == 7;
            message.From.Add(MailboxAddress.Parse(stranger ? $"person{i}@stranger{i % 13}.example" : Contacts[i % Contacts.Length]));
            message.To.Add(MailboxAddress.Parse(support));
            message.MessageId = $"bench-{i}-{Guid.NewGuid():N}@bench.example";
            message.Subject = $"Request {i}: Outlook profile {i % 37} does not load";
            message.Body = new TextPart("plain") { Text = $"Hello,\n\nsince this morning profile {i % 37} fails with error 0x{i:X8}.\nWe tried a repair.\n\nRegards" };
            if (i % 5 == 4 && !stranger && messages[i - 4].From.Mailboxes.First().Address == message.From.Mailboxes.First().Address)
            {
                message.InReplyTo = messages[i - 4].MessageId; // the same sender writes again on its thread
                message.Subject = "Re: " + messages[i - 4].Subject;
            }

            if (i % 50 == 11)
            {
                message.Headers.Add(HeaderId.AutoSubmitted, "auto-replied");
            }

            messages.Add(message);
        }

        var watch = Stopwatch.StartNew();
        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync(server.Host, server.ImapPort, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync(support, server.Password);
            foreach (var batch in messages.Chunk(500))
            {
                await imap.Inbox.AppendAsync(batch.Select(m => (IAppendRequest)new AppendRequest(m)).ToList());
            }

            await imap.DisconnectAsync(true);
        }

        var append = watch.Elapsed.TotalSeconds;

        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(20) };
        using (var token = await http.PostAsJsonAsync("/api/v1/auth/token", new { email = "admin@contoso-cloud.example", password = BenchDatabase.DemoPassword }))
        {
            token.EnsureSuccessStatusCode();
            http.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        }

        using var created = await http.PostAsJsonAsync("/api/v1/mailboxes", new
        {
            address = support,
            imapHost = server.Host,
            imapPort = server.ImapPort,
            imapSecurity = "None",
            smtpHost = server.Host,
            smtpPort = server.SmtpPort,
            smtpSecurity = "None",
            login = "Password",
            userName = support,
            password = server.Password,
            isDefault = true,
        });
        var mailboxId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        watch.Restart();
        using var read = await http.PostAsync($"/api/v1/mailboxes/{mailboxId}/read", null);
        var seconds = watch.Elapsed.TotalSeconds;
        var round = await read.Content.ReadFromJsonAsync<JsonElement>();
        if (!read.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Reading failed: {round}");
        }

        // None lost, none twice: every message recorded once, and flagged only after that.
        var caller = new Caller();
        caller.ActAsSystem(DemoWorld.Ids.Contoso);
        await using var db = database.NewContext(caller);
        var recorded = await db.InboundMails.CountAsync(m => m.MailboxId == mailboxId);
        var distinct = await db.InboundMails.Where(m => m.MailboxId == mailboxId).Select(m => m.MessageKey).Distinct().CountAsync();
        int seen;
        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync(server.Host, server.ImapPort, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync(support, server.Password);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            seen = (await imap.Inbox.SearchAsync(SearchQuery.Seen)).Count;
        }

        if (recorded != count - duplicates || distinct != recorded || seen != count || round.GetProperty("duplicates").GetInt32() != duplicates)
        {
            throw new InvalidOperationException($"Lost or doubled: {recorded} recorded ({distinct} distinct) of {count - duplicates} distinct messages, {seen} of {count} flagged, round {round}.");
        }

        // The acknowledgements the outbox sent meanwhile (it keeps running while the reader works).
        await Task.Delay(TimeSpan.FromSeconds(5));
        var acknowledged = await db.OutboxMessages.CountAsync(m => m.Kind == MailNotifier.Kind && m.SentAt != null);
        return new MailFigures(
            count, duplicates, append, seconds, count / seconds,
            round.GetProperty("tickets").GetInt32(), round.GetProperty("replies").GetInt32(), round.GetProperty("triage").GetInt32(),
            round.GetProperty("ignored").GetInt32(), round.GetProperty("quarantined").GetInt32(), seen, acknowledged);
    }
}
