using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Mail;
using PartnerDesk.Platform.Outbound;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Mail;

/// <summary>A host as production runs it: PartnerDesk:Outbound:AllowPrivateNetworks false.</summary>
public sealed class PrivateNetworksRefusedFixture : IAsyncLifetime
{
    public PartnerDeskApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string> { ["PartnerDesk:Outbound:AllowPrivateNetworks"] = "false" });
        App.CreateClient().Dispose();
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// The outbound-connections policy with private networks refused: a mailbox cannot be pointed at this machine or
/// the internal network, neither when saved nor (should one be stored) when connecting, and nothing connects.
/// </summary>
public sealed class OutboundPolicyTests(PrivateNetworksRefusedFixture fixture) : IClassFixture<PrivateNetworksRefusedFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Request(string address, string imapHost, string smtpHost) => new
    {
        address,
        imapHost,
        imapPort = 993,
        imapSecurity = "Tls",
        smtpHost,
        smtpPort = 587,
        smtpSecurity = "StartTls",
        userName = address,
        password = "secret",
    };

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("169.254.169.254")]
    [InlineData("10.0.0.5")]
    [InlineData("[::1]")]
    [InlineData("::ffff:192.168.0.1")]
    [InlineData("0.0.0.0")]
    public async Task A_mailbox_at_a_private_or_loopback_destination_is_refused_when_saved_naming_the_host(string host)
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var address = MailServers.Address("private", "contoso-cloud.example");

        var imap = await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Request(address, host, "8.8.8.8"), Ct)).Problem(HttpStatusCode.BadRequest);
        var smtp = await (await admin.PostAsJsonAsync("/api/v1/mailboxes", Request(address, "8.8.8.8", host), Ct)).Problem(HttpStatusCode.BadRequest);

        Assert.Equal(ConnectionProblems.NotAllowed, imap.GetProperty("errors").GetProperty("imapHost")[0].GetString());
        Assert.False(imap.GetProperty("errors").TryGetProperty("smtpHost", out _));
        Assert.Equal(ConnectionProblems.NotAllowed, smtp.GetProperty("errors").GetProperty("smtpHost")[0].GetString());
        Assert.False(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Mailboxes.AnyAsync(m => m.Address == address, Ct)));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task A_stored_mailbox_at_loopback_is_never_connected_to_and_the_admin_reads_the_category(string host)
    {
        // Something listens there (IPv4 and IPv6 loopback alike); a connection, were one made, would wait in its backlog.
        using var listener = new TcpListener(IPAddress.IPv6Any, 0);
        listener.Server.DualMode = true;
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var mailboxId = await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            // Stored as before the policy (or by hand): saving it now is refused, as the test above shows.
            var address = MailServers.Address("stored", "contoso-cloud.example");
            var mailbox = new Features.Mail.Mailbox
            {
                OrganisationId = DemoWorld.Ids.Contoso,
                Address = address,
                ImapHost = host,
                ImapPort = port,
                ImapSecurity = MailSecurity.None,
                SmtpHost = host,
                SmtpPort = port,
                SmtpSecurity = MailSecurity.None,
                UserName = address,
                ProtectedSecret = App.Services.GetRequiredService<MailConnections>().Protect("secret"),
            };
            db.Mailboxes.Add(mailbox);
            await db.SaveChangesAsync(Ct);
            return mailbox.Id;
        });
        var admin = await App.ClientFor(Demo.ContosoAdmin);

        var read = await (await admin.PostAsync($"/api/v1/mailboxes/{mailboxId}/read", null, Ct)).Problem(HttpStatusCode.BadGateway);
        await Assert.ThrowsAsync<DestinationNotAllowedException>(() => App.Services.GetRequiredService<MailboxWatcher>().ReadOnce(mailboxId, DemoWorld.Ids.Contoso, Ct));
        var stored = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Mailboxes.AsNoTracking().FirstAsync(m => m.Id == mailboxId, Ct));
        var letter = new MimeMessage();
        letter.From.Add(MailboxAddress.Parse(stored.Address));
        letter.To.Add(MailboxAddress.Parse("it@adatum.example"));
        letter.Body = new TextPart("plain") { Text = "Hello" };
        var sent = await App.Services.GetRequiredService<SendMailHandler>().Send(stored, letter, Ct);

        Assert.Equal(ConnectionProblems.NotAllowed, read.GetProperty("detail").GetString());
        var listed = Assert.Single(await (await admin.GetAsync("/api/v1/mailboxes", Ct)).Read<List<MailboxView>>(), m => m.Id == mailboxId);
        Assert.Equal(ConnectionProblems.NotAllowed, listed.LastError);
        Assert.Equal($"Sending failed: {ConnectionProblems.NotAllowed}", Assert.IsType<OutboxOutcome.RetryOutcome>(sent).Reason);
        Assert.False(listener.Pending(), "Something connected to the loopback listener.");
    }
}

/// <summary>
/// Connection failures as the admin reads them, with private networks allowed (the test servers are on loopback):
/// a category, never the socket's text.
/// </summary>
public sealed class MailConnectionProblemTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_closed_port_reads_as_a_refused_connection_in_the_api_and_on_the_mailbox()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now
        var mail = await MailServers.Instance;
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var address = MailServers.Address("closed", "contoso-cloud.example");
        var request = new { address, imapHost = "127.0.0.1", imapPort = port, imapSecurity = "None", smtpHost = "127.0.0.1", smtpPort = mail.SmtpPort, smtpSecurity = "None", userName = address, password = mail.Password };
        var mailbox = await (await admin.PostAsJsonAsync("/api/v1/mailboxes", request, Ct)).Read<MailboxView>(HttpStatusCode.Created);

        var response = await admin.PostAsync($"/api/v1/mailboxes/{mailbox.Id}/read", null, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var listed = await admin.GetStringAsync("/api/v1/mailboxes", Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(ConnectionProblems.Refused, System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        Assert.Equal(ConnectionProblems.Refused, Assert.Single(System.Text.Json.JsonSerializer.Deserialize<List<MailboxView>>(listed, ApiAssertions.Json)!, m => m.Id == mailbox.Id).LastError);
        Assert.DoesNotContain("Connection refused", body + listed, StringComparison.OrdinalIgnoreCase);
    }
}
