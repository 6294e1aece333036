using System.Net.Http.Json;
using MimeKit;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Mail;

/// <summary>Exactly once for real: the host reading a full mailbox is killed (SIGKILL) midway and started again.</summary>
public sealed class MailCrashTests
{
    private const int Count = 1000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_host_killed_while_reading_takes_every_message_once_after_restart()
    {
        var mail = await MailServers.Instance;
        var database = await TestDatabase.CreateAsync();
        var support = MailServers.Address("crash", "contoso-cloud.example");
        using (var imap = new MailKit.Net.Imap.ImapClient())
        {
            await imap.ConnectAsync(mail.Host, mail.ImapPort, MailKit.Security.SecureSocketOptions.None, Ct);
            await imap.AuthenticateAsync(support, mail.Password, Ct);
            var batch = Enumerable.Range(0, Count).Select(i =>
            {
                var m = new MimeMessage();
                m.From.Add(MailboxAddress.Parse(i % 2 == 0 ? $"user{i}@adatum.example" : $"user{i}@litware.example")); // one request each: no sender trips the loop guard
                m.To.Add(MailboxAddress.Parse(support));
                m.Subject = $"Crash request {i:D3}";
                m.Body = new TextPart("plain") { Text = $"Request number {i}." };
                return (MailKit.IAppendRequest)new MailKit.AppendRequest(m);
            }).ToList();
            await imap.Inbox.AppendAsync(batch, Ct);
        }

        var settings = new Dictionary<string, string>
        {
            ["PartnerDesk:Mail:Refresh"] = "00:00:00.200",
            ["PartnerDesk:Mail:Poll"] = "00:00:01",
            ["PartnerDesk:Mail:Batch"] = "10",
            ["PartnerDesk:Outbox:Enabled"] = "false",
            ["PartnerDesk:Escalations:Enabled"] = "false",
            ["PartnerDesk:Sla:Enabled"] = "false",
        };
        await using (var host = await HostProcess.Start(database, settings))
        {
            var admin = await host.ClientFor(Demo.ContosoAdmin);
            (await admin.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxRequest(support), Ct)).EnsureSuccessStatusCode();
            // The power goes while the reader is part-way through the mailbox.
            try
            {
                await Eventually(async () => await Taken(admin) >= 20, host);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{e.Message}\nThe host's output:\n{host.Output}", e);
            }

            host.Kill();
        }

        // Flags are set only after a batch commits: fewer than all means the power went with work left.
        Assert.True(await mail.SeenCount(support) < Count, "The reader finished before the kill: the test proves nothing.");

        await using (var host = await HostProcess.Start(database, settings))
        {
            try
            {
                await Finish(host);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{e.Message}\nThe host's output:\n{host.Output}", e);
            }
        }
    }

    /// <summary>After the restart: the reader goes on where the commits stopped, and every message is one ticket.</summary>
    private static async Task Finish(HostProcess host)
    {
        var admin = await host.ClientFor(Demo.ContosoAdmin);
        await Eventually(async () => await Taken(admin) == Count, host);

        var titles = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await admin.GetAsync($"/api/v1/tickets?q=Crash%20request&limit=100{(cursor is null ? "" : "&cursor=" + cursor)}", Ct)).Read<Page<TicketSummary>>();
            titles.AddRange(page.Items.Select(t => t.Title));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Count, titles.Count);
        Assert.Equal(Count, titles.Distinct().Count());
    }

    /// <summary>How many messages the host has recorded (every one makes a ticket here).</summary>
    private static async Task<int> Taken(HttpClient admin)
    {
        var total = 0;
        string? cursor = null;
        do
        {
            using var response = await admin.GetAsync($"/api/v1/mail/inbound?limit=200{(cursor is null ? "" : "&cursor=" + cursor)}");
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            var page = (await response.Content.ReadFromJsonAsync<Page<InboundMailView>>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } }))!;
            total += page.Items.Count;
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return total;
    }

    private static async Task Eventually(Func<Task<bool>> condition, HostProcess host)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The host did not get there in a minute. Its output:\n{host.Output}");
    }
}
