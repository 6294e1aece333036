using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Mail;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Mail;

/// <summary>A host whose organisations take few mails an hour and keep little in triage and quarantine.</summary>
public sealed class SmallOrganisationLimitsFixture : IAsyncLifetime
{
    public const int Hourly = 4;
    public const int Quota = 2500;

    public PartnerDeskApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:Mail:OrganisationHourlyLimit"] = Hourly.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PartnerDesk:Mail:HeldBytesQuota"] = Quota.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        App.CreateClient().Dispose();
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// An organisation's limits: a flood past its hourly rate is quarantined, whoever sends it; past its quota, triage and
/// quarantine keep headers only. Each test uses an organisation of its own (both limits are per organisation).
/// </summary>
public sealed class MailFloodTests(SmallOrganisationLimitsFixture fixture) : IClassFixture<SmallOrganisationLimitsFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Raw(string from, string subject, string body) =>
        Encoding.ASCII.GetBytes($"From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@test.example>\r\n\r\n{body}\r\n");

    private async Task<(MailServers Mail, Guid MailboxId, string Support)> Mailbox(string admin, string domain)
    {
        var mail = await MailServers.Instance;
        var support = MailServers.Address("flood", domain);
        var client = await App.ClientFor(admin);
        var mailbox = await (await client.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxRequest(support), Ct)).Read<MailboxView>(HttpStatusCode.Created);
        return (mail, mailbox.Id, support);
    }

    [Fact]
    public async Task Mail_past_the_organisations_hourly_rate_is_quarantined_whoever_sends_it()
    {
        var (mail, mailboxId, support) = await Mailbox(Demo.ContosoAdmin, "contoso-cloud.example");
        for (var i = 1; i <= SmallOrganisationLimitsFixture.Hourly + 2; i++)
        {
            await mail.AppendRaw(support, Raw(MailServers.Address($"s{i}", "stranger.example"), $"Flood {i}", "Hi."));
        }

        var round = await App.Services.GetRequiredService<MailboxWatcher>().ReadOnce(mailboxId, DemoWorld.Ids.Contoso, Ct);

        Assert.Equal((SmallOrganisationLimitsFixture.Hourly, 2), (round.Triage, round.Quarantined));
        var held = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.InboundMails.AsNoTracking()
            .Where(m => m.MailboxId == mailboxId && m.State == InboundMailState.Quarantined).ToListAsync(Ct));
        Assert.Equal(["Flood 5", "Flood 6"], held.Select(m => m.Subject).Order());
        Assert.All(held, m => Assert.Contains($"received more than {SmallOrganisationLimitsFixture.Hourly} mails within an hour", m.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Past_the_quota_triage_keeps_the_headers_only_and_says_so()
    {
        var (mail, mailboxId, support) = await Mailbox(Demo.FabrikamAdmin, "fabrikam-solutions.example");
        var body = new string('b', 900);
        for (var i = 1; i <= 3; i++)
        {
            await mail.AppendRaw(support, Raw(MailServers.Address($"q{i}", "stranger.example"), $"Quota {i}", $"MARK-{i} {body}"));
        }

        var round = await App.Services.GetRequiredService<MailboxWatcher>().ReadOnce(mailboxId, DemoWorld.Ids.Fabrikam, Ct);

        Assert.Equal(3, round.Triage);
        var kept = await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.InboundMails.AsNoTracking()
            .Where(m => m.MailboxId == mailboxId).OrderBy(m => m.Subject).Select(m => new { m.Raw, m.Reason }).ToListAsync(Ct));
        Assert.Contains("MARK-1", Encoding.ASCII.GetString(kept[0].Raw!), StringComparison.Ordinal);
        Assert.Contains("MARK-2", Encoding.ASCII.GetString(kept[1].Raw!), StringComparison.Ordinal);
        Assert.DoesNotContain("MARK-3", Encoding.ASCII.GetString(kept[2].Raw!), StringComparison.Ordinal);
        Assert.Contains("Subject: Quota 3", Encoding.ASCII.GetString(kept[2].Raw!), StringComparison.Ordinal);
        Assert.Contains("only the headers are kept", kept[2].Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("only the headers are kept", kept[1].Reason, StringComparison.Ordinal);
    }
}
