using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Satisfaction;

/// <summary>The resolution mail, through real Postfix and Dovecot: five signed links when the organisation asks, none when it does not.</summary>
public sealed partial class SatisfactionMailTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"(\d) – [^:\n]+: (\S+/rate/\S+)")]
    private static partial Regex Choice();

    [Fact]
    public async Task The_resolution_mail_carries_five_rating_links_in_the_requesters_language_and_none_when_surveys_are_off()
    {
        var mail = await MailServers.Instance;
        var support = MailServers.Address("support", "contoso-cloud.example");
        var customer = MailServers.Address("it", "adatum.example");
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        (await admin.PostAsJsonAsync("/api/v1/mailboxes", mail.MailboxRequest(support, isDefault: true), Ct)).EnsureSuccessStatusCode();
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.Where(c => c.Id == DemoWorld.Ids.AdatumIt)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.Email, customer).SetProperty(x => x.Language, "de"), Ct));
        App.Services.GetRequiredService<OutboundMailboxes>().Forget(DemoWorld.Ids.Contoso);
        var contact = await App.ClientFor(Demo.AdatumIt);

        async Task<Guid> FileAndResolve(string title)
        {
            var ticket = await (await contact.PostAsJsonAsync("/api/v1/tickets", new { title, description = "Mail arrives an hour late.", severity = "C", kind = "Incident" }, Ct))
                .Read<TicketDetails>(HttpStatusCode.Created);
            (await admin.PatchAsJsonAsync($"/api/v1/tickets/{ticket.Id}", new { status = "Resolved" })).EnsureSuccessStatusCode();
            await App.Services.GetRequiredService<OutboxDispatcher>().RunOnce(Ct);
            return ticket.Id;
        }

        await FileAndResolve("Postfach langsam");
        var letters = await mail.Inbox(customer, 2);
        var resolved = Assert.Single(letters, l => (l.TextBody ?? "").Contains("als gelöst markiert", StringComparison.Ordinal));
        Assert.Contains("Wie zufrieden sind Sie", resolved.TextBody, StringComparison.Ordinal);
        var choices = Choice().Matches(resolved.TextBody!).Select(m => (Score: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Url: m.Groups[2].Value)).ToList();
        Assert.Equal([1, 2, 3, 4, 5], choices.Select(c => c.Score));
        Assert.All(choices, c => Assert.Contains("culture=de", c.Url, StringComparison.Ordinal));
        Assert.Equal(5, Regex.Count(resolved.HtmlBody!, "data-score="));
        Assert.DoesNotContain(letters, l => l != resolved && (l.TextBody ?? "").Contains("/rate/", StringComparison.Ordinal)); // the acknowledgement asks nothing

        // The link opens the page in German, the score preselected, without signing in.
        var page = await App.CreateClient().GetStringAsync(new Uri(choices[4].Url).PathAndQuery, Ct);
        Assert.Contains("Wie zufrieden sind Sie", page, StringComparison.Ordinal);
        Assert.Contains("value=\"5\" checked", page, StringComparison.Ordinal);

        (await admin.PutAsJsonAsync("/api/v1/satisfaction/settings", new { enabled = false }, Ct)).EnsureSuccessStatusCode();
        try
        {
            await FileAndResolve("Kalender leer");
            var after = await mail.Inbox(customer, 4);
            var quiet = Assert.Single(after, l => l.Subject!.Contains("Kalender leer", StringComparison.Ordinal) && (l.TextBody ?? "").Contains("als gelöst markiert", StringComparison.Ordinal));
            Assert.DoesNotContain("/rate/", quiet.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("Wie zufrieden", quiet.TextBody, StringComparison.Ordinal);
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/v1/satisfaction/settings", new { enabled = true }, Ct)).EnsureSuccessStatusCode();
        }
    }
}
