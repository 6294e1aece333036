using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Satisfaction;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Satisfaction;

/// <summary>
/// Customer satisfaction over HTTP on a real database: the requester rates a resolution once, in the portal (API) or
/// through the signed link of the resolution mail; a low score alerts the agents; other customers and organisations
/// reach nothing; a link that was tampered with, expired, or names another organisation records nothing.
/// </summary>
public sealed partial class SatisfactionTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Anna (not a customer admin) files a ticket; Contoso's admin assigns it to the helpdesk agent and resolves it.</summary>
    private async Task<(Guid Id, DateTimeOffset ResolvedAt)> Resolved(string title = "Teams calls drop")
    {
        var anna = await App.ClientFor(Demo.AdatumAnna);
        var ticket = await (await anna.PostAsJsonAsync("/api/v1/tickets", new { title, description = "Calls drop after a minute.", severity = "B", kind = "Incident" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        (await admin.PatchAsJsonAsync($"/api/v1/tickets/{ticket.Id}", new { assigneeId = DemoWorld.Ids.ContosoHelpdesk, status = "Resolved" })).EnsureSuccessStatusCode();
        var resolvedAt = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.ResolvedAt!.Value).FirstAsync(Ct));
        return (ticket.Id, resolvedAt);
    }

    private Task<List<SatisfactionRating>> Ratings(Guid ticketId) =>
        App.InDatabase(DemoWorld.Ids.Contoso, db => db.SatisfactionRatings.AsNoTracking().Where(r => r.TicketId == ticketId).ToListAsync(Ct));

    private SurveyLinks Links => App.Services.GetRequiredService<SurveyLinks>();

    private HttpClient Browser() => App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>Opens a rating link as a browser does, then sends its form with this score and comment.</summary>
    private static async Task<(string Opened, string Sent)> OpenAndSend(HttpClient browser, string url, int? score, string? comment = null, string? antiforgery = null)
    {
        var opened = await browser.GetStringAsync(url, Ct);
        antiforgery ??= Antiforgery().Match(opened).Groups[1].Value;
        var fields = new Dictionary<string, string> { ["_handler"] = "rate", ["__RequestVerificationToken"] = antiforgery };
        if (score is { } s)
        {
            fields["Form.Score"] = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (comment is not null)
        {
            fields["Form.Comment"] = comment;
        }

        var sent = await browser.PostAsync(url, new FormUrlEncodedContent(fields), Ct);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        return (opened, await sent.Content.ReadAsStringAsync(Ct));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [Fact]
    public async Task The_requester_rates_a_resolved_ticket_once_in_the_portal_and_the_agents_see_it()
    {
        var (id, resolvedAt) = await Resolved();
        var anna = await App.ClientFor(Demo.AdatumAnna);
        var before = await (await anna.GetAsync($"/api/v1/tickets/{id}/satisfaction", Ct)).Read<TicketSatisfactionView>();
        Assert.True(before.CanRate);
        Assert.Empty(before.Ratings);

        var rating = await (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 5, comment = "  Fixed within the hour.  " }, Ct)).Read<RatingView>(HttpStatusCode.Created);
        Assert.Equal((5, "Fixed within the hour.", RatingChannel.Portal), (rating.Score, rating.Comment, rating.Channel));

        // Once per resolution: a second rating is refused and the first stays.
        var again = await (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 1 }, Ct)).Problem(HttpStatusCode.Conflict);
        Assert.Contains("rated already", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var stored = Assert.Single(await Ratings(id));
        Assert.Equal((5, DemoWorld.Ids.AdatumAnna, DemoWorld.Ids.ContosoHelpdesk, resolvedAt.UtcTicks), (stored.Score, stored.ContactId, stored.AgentId, stored.ResolvedAt.UtcTicks));

        foreach (var agent in new[] { Demo.ContosoAdmin, Demo.ContosoHelpdesk })
        {
            var seen = await (await (await App.ClientFor(agent)).GetAsync($"/api/v1/tickets/{id}/satisfaction", Ct)).Read<TicketSatisfactionView>();
            var shown = Assert.Single(seen.Ratings);
            Assert.Equal((5, "Fixed within the hour."), (shown.Score, shown.Comment));
            Assert.StartsWith("Anna", shown.ContactName, StringComparison.Ordinal);
            Assert.False(seen.CanRate);
        }

        var history = await (await (await App.ClientFor(Demo.ContosoAdmin)).GetAsync($"/api/v1/tickets/{id}/history", Ct)).Read<List<TicketEventView>>();
        Assert.Contains(history, e => e.Change == "Rated" && e.NewValue == "5/5");
    }

    [Fact]
    public async Task The_portal_ticket_page_asks_the_requester_and_records_the_rating_sent_from_it()
    {
        var (id, _) = await Resolved("Portal rating");
        var anna = await App.CookieClientFor(Demo.AdatumAnna);
        var page = await anna.GetStringAsync($"/portal/tickets/{id}", Ct);
        Assert.Contains("id=\"rating-question\"", page, StringComparison.Ordinal);
        var sent = await anna.PostAsync($"/portal/tickets/{id}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "rate-ticket",
            ["__RequestVerificationToken"] = Antiforgery().Match(page).Groups[1].Value,
            ["Form.Score"] = "2",
            ["Form.Comment"] = "Needed three replies.",
        }), Ct);
        var after = await sent.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Thank you for your rating!", after, StringComparison.Ordinal); // redirected to the page, which thanks
        Assert.DoesNotContain("id=\"rating-question\"", after, StringComparison.Ordinal);
        var rating = Assert.Single(await Ratings(id));
        Assert.Equal((2, "Needed three replies.", RatingChannel.Portal), (rating.Score, rating.Comment, rating.Channel));

        // The customer admin sees the ticket and its rating, but is not asked.
        var colleague = await App.CookieClientFor(Demo.AdatumIt);
        var seen = await colleague.GetStringAsync($"/portal/tickets/{id}", Ct);
        Assert.Contains("Needed three replies.", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"rating-question\"", seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reopened_and_again_resolved_ticket_may_be_rated_again()
    {
        var (id, _) = await Resolved("Printer mapping lost");
        var anna = await App.ClientFor(Demo.AdatumAnna);
        (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 2 }, Ct)).EnsureSuccessStatusCode();
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        (await admin.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { status = "Open" })).EnsureSuccessStatusCode();
        await (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 4 }, Ct)).Problem(HttpStatusCode.Conflict); // open: nothing to rate
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        (await admin.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { status = "Resolved" })).EnsureSuccessStatusCode();

        (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 4 }, Ct)).EnsureSuccessStatusCode();

        Assert.Equal([2, 4], (await Ratings(id)).OrderBy(r => r.RatedAt).Select(r => r.Score));
    }

    [Fact]
    public async Task Bad_ratings_are_400_problems_naming_the_field()
    {
        var (id, _) = await Resolved("Validation");
        var anna = await App.ClientFor(Demo.AdatumAnna);
        await (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 0 }, Ct)).ProblemNaming("score");
        await (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 6 }, Ct)).ProblemNaming("score");
        await (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { comment = "No score" }, Ct)).ProblemNaming("score");
        await (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 3, comment = new string('x', 2001) }, Ct)).ProblemNaming("comment");
        await (await anna.PostAsync($"/api/v1/tickets/{id}/satisfaction", new StringContent("{\"score\":\"five\"}", System.Text.Encoding.UTF8, "application/json"), Ct)).ProblemNaming("score");
        Assert.Empty(await Ratings(id));
    }

    [Fact]
    public async Task Only_the_requester_rates_and_other_customers_and_organisations_see_nothing()
    {
        var (id, _) = await Resolved("Isolation");

        // Adatum's customer admin sees the ticket but did not ask: refused.
        var colleague = await App.ClientFor(Demo.AdatumIt);
        Assert.False((await (await colleague.GetAsync($"/api/v1/tickets/{id}/satisfaction", Ct)).Read<TicketSatisfactionView>()).CanRate);
        await (await colleague.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 1 }, Ct)).Problem(HttpStatusCode.Conflict);

        // Another customer's contact and another organisation's people: the ticket does not exist for them.
        foreach (var stranger in new[] { Demo.LitwareIt, Demo.WideWorldIt, Demo.FabrikamAdmin })
        {
            var client = await App.ClientFor(stranger);
            await (await client.GetAsync($"/api/v1/tickets/{id}/satisfaction", Ct)).Problem(HttpStatusCode.NotFound);
            var post = await client.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 1 }, Ct);
            Assert.True(post.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{stranger}: {(int)post.StatusCode}");
        }

        // Agents do not rate for the customer.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoAdmin)).PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 5 }, Ct)).StatusCode);
        Assert.Empty(await Ratings(id));

        // A rating given is seen by the same people only.
        (await (await App.ClientFor(Demo.AdatumAnna)).PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 3 }, Ct)).EnsureSuccessStatusCode();
        Assert.Single((await (await colleague.GetAsync($"/api/v1/tickets/{id}/satisfaction", Ct)).Read<TicketSatisfactionView>()).Ratings);
        Assert.Empty(await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.SatisfactionRatings.Where(r => r.TicketId == id).ToListAsync(Ct)));
    }

    [Fact]
    public async Task A_low_rating_alerts_the_assigned_agent_and_the_admins()
    {
        var (id, _) = await Resolved("Low rating");
        var anna = await App.ClientFor(Demo.AdatumAnna);
        (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 1, comment = "Took three days." }, Ct)).EnsureSuccessStatusCode();

        var forAgent = Assert.Single(await (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync("/api/v1/alerts", Ct)).Read<List<AgentAlertView>>(), a => a.TicketId == id);
        Assert.Equal("LowRating", forAgent.Kind);
        Assert.True(forAgent.ForYou);
        Assert.Contains("1/5", forAgent.Text, StringComparison.Ordinal);
        Assert.Contains("Took three days.", forAgent.Text, StringComparison.Ordinal);
        var forAdmin = Assert.Single(await (await (await App.ClientFor(Demo.ContosoAdmin)).GetAsync("/api/v1/alerts", Ct)).Read<List<AgentAlertView>>(), a => a.TicketId == id);
        Assert.False(forAdmin.ForYou);
        Assert.DoesNotContain(await (await (await App.ClientFor(Demo.FabrikamAdmin)).GetAsync("/api/v1/alerts", Ct)).Read<List<AgentAlertView>>(), a => a.TicketId == id);

        // A good score alerts nobody.
        var (good, _) = await Resolved("Good rating");
        (await anna.PostAsJsonAsync($"/api/v1/tickets/{good}/satisfaction", new { score = 3 }, Ct)).EnsureSuccessStatusCode();
        Assert.DoesNotContain(await (await (await App.ClientFor(Demo.ContosoAdmin)).GetAsync("/api/v1/alerts", Ct)).Read<List<AgentAlertView>>(), a => a.TicketId == good);
    }

    [Fact]
    public async Task Settings_are_the_admins_and_surveys_off_refuse_ratings()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var current = await (await admin.GetAsync("/api/v1/satisfaction/settings", Ct)).Read<SurveySettingsView>();
        Assert.True(current.Enabled); // the demo's Contoso asks
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync("/api/v1/satisfaction/settings", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumIt)).PutAsJsonAsync("/api/v1/satisfaction/settings", new { enabled = false }, Ct)).StatusCode);
        await (await admin.PutAsJsonAsync("/api/v1/satisfaction/settings", new { enabled = true, alertAtOrBelow = 5 }, Ct)).ProblemNaming("alertAtOrBelow");
        await (await admin.PutAsJsonAsync("/api/v1/satisfaction/settings", new { enabled = true, questionDe = new string('x', 301) }, Ct)).ProblemNaming("questionDe");
        await (await admin.PutAsJsonAsync("/api/v1/satisfaction/settings", new { alertAtOrBelow = 1 }, Ct)).ProblemNaming("enabled");

        // Fabrikam has its own settings: off by default, and Contoso's change does not touch them.
        Assert.False((await (await (await App.ClientFor(Demo.FabrikamAdmin)).GetAsync("/api/v1/satisfaction/settings", Ct)).Read<SurveySettingsView>()).Enabled);

        var (id, resolvedAt) = await Resolved("Surveys off");
        var off = await (await admin.PutAsJsonAsync("/api/v1/satisfaction/settings", new { enabled = false, alertAtOrBelow = 1, questionEn = "How did we do?", thanksDe = "Danke!" }, Ct)).Read<SurveySettingsView>();
        try
        {
            Assert.Equal((false, 1, "How did we do?", "Danke!"), (off.Enabled, off.AlertAtOrBelow, off.QuestionEn, off.ThanksDe));
            var anna = await App.ClientFor(Demo.AdatumAnna);
            Assert.False((await (await anna.GetAsync($"/api/v1/tickets/{id}/satisfaction", Ct)).Read<TicketSatisfactionView>()).CanRate);
            var refused = await (await anna.PostAsJsonAsync($"/api/v1/tickets/{id}/satisfaction", new { score = 4 }, Ct)).Problem(HttpStatusCode.Conflict);
            Assert.Contains("turned off", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

            // The mailed link refuses too, and nothing is offered to a mail.
            var url = $"/rate/{Links.Token(DemoWorld.Ids.Contoso, id, DemoWorld.Ids.AdatumAnna, resolvedAt)}?score=4";
            var (_, sent) = await OpenAndSend(Browser(), url, 4);
            Assert.Contains("Satisfaction surveys are turned off.", sent, StringComparison.Ordinal);
            Assert.Null(await App.InDatabase(DemoWorld.Ids.Contoso, db => SurveyInvitation.ForResolution(db, Links, id, "en", Ct)));
            Assert.Empty(await Ratings(id));
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/v1/satisfaction/settings", new { enabled = true, alertAtOrBelow = 2 }, Ct)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Opening_a_mailed_link_records_nothing_sending_it_records_score_and_comment_once()
    {
        var (id, resolvedAt) = await Resolved("Link once");
        var offer = await App.InDatabase(DemoWorld.Ids.Contoso, db => SurveyInvitation.ForResolution(db, Links, id, "en", Ct));
        Assert.NotNull(offer);
        Assert.Equal([1, 2, 3, 4, 5], offer.Choices.Select(c => c.Score));
        var url = new Uri(offer.Choices.Single(c => c.Score == 4).Url).PathAndQuery;
        var browser = Browser();

        // A mail scanner opens every link: nothing is recorded by opening.
        foreach (var choice in offer.Choices)
        {
            var page = await browser.GetAsync(new Uri(choice.Url).PathAndQuery, Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        Assert.Empty(await Ratings(id));

        // The person sends the preselected score with a comment: one use, both recorded.
        var (opened, sent) = await OpenAndSend(browser, url, 4, "Quick and friendly.");
        Assert.Contains("value=\"4\" checked", opened, StringComparison.Ordinal);
        Assert.Contains("Thank you for your rating!", sent, StringComparison.Ordinal);
        var rating = Assert.Single(await Ratings(id));
        Assert.Equal((4, "Quick and friendly.", RatingChannel.Mail, resolvedAt.UtcTicks), (rating.Score, rating.Comment, rating.Channel, rating.ResolvedAt.UtcTicks));

        // A second use shows the rating given and changes nothing.
        var antiforgery = Antiforgery().Match(opened).Groups[1].Value;
        var (reopened, resent) = await OpenAndSend(browser, new Uri(offer.Choices[0].Url).PathAndQuery, 1, "Changed my mind", antiforgery);
        Assert.Contains("rated already", reopened, StringComparison.Ordinal);
        Assert.Contains("rated already", resent, StringComparison.Ordinal);
        Assert.Equal(4, Assert.Single(await Ratings(id)).Score);
        Assert.Null(await App.InDatabase(DemoWorld.Ids.Contoso, db => SurveyInvitation.ForResolution(db, Links, id, "en", Ct))); // rated: the next mail asks no more
    }

    [Fact]
    public async Task A_link_with_a_bad_score_or_comment_says_so_and_records_nothing()
    {
        var (id, resolvedAt) = await Resolved("Link validation");
        var url = $"/rate/{Links.Token(DemoWorld.Ids.Contoso, id, DemoWorld.Ids.AdatumAnna, resolvedAt)}?score=9";
        var browser = Browser();
        var (opened, sent) = await OpenAndSend(browser, url, 9);
        Assert.DoesNotContain("checked", opened, StringComparison.Ordinal); // an out-of-range score preselects nothing
        Assert.Contains("The score must be a whole number from 1 to 5.", sent, StringComparison.Ordinal);
        (_, sent) = await OpenAndSend(browser, url, null);
        Assert.Contains("The score field is required.", sent, StringComparison.Ordinal);
        (_, sent) = await OpenAndSend(browser, url, 3, new string('x', 2001));
        Assert.Contains("The comment field must be at most 2000 characters long.", sent, StringComparison.Ordinal);
        Assert.Empty(await Ratings(id));
    }

    [Fact]
    public async Task A_tampered_expired_foreign_or_reopened_link_records_nothing()
    {
        var (id, resolvedAt) = await Resolved("Bad links");
        var token = Links.Token(DemoWorld.Ids.Contoso, id, DemoWorld.Ids.AdatumAnna, resolvedAt);
        var browser = Browser();

        // Tampered: one character changed, or cut short.
        var tampered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        foreach (var bad in new[] { tampered, token[..^4], "not-a-token" })
        {
            var (opened, sent) = await OpenAndSend(browser, $"/rate/{bad}?score=5", 5);
            Assert.Contains("This rating link is not valid.", opened, StringComparison.Ordinal);
            Assert.Contains("This rating link is not valid.", sent, StringComparison.Ordinal);
        }

        // Expired: made 31 days ago.
        var past = new FakeTimeProvider(App.Clock.GetUtcNow() - TimeSpan.FromDays(31));
        var old = new SurveyLinks(
            App.Services.GetRequiredService<IDataProtectionProvider>(), App.Services.GetRequiredService<SiteAddress>(), past).Token(DemoWorld.Ids.Contoso, id, DemoWorld.Ids.AdatumAnna, resolvedAt);
        var (_, expired) = await OpenAndSend(browser, $"/rate/{old}?score=5", 5);
        Assert.Contains("This rating link has expired.", expired, StringComparison.Ordinal);

        // Signed, but naming another organisation, or a contact of another customer: reaches nothing.
        foreach (var foreign in new[]
                 {
                     Links.Token(DemoWorld.Ids.Fabrikam, id, DemoWorld.Ids.AdatumAnna, resolvedAt),
                     Links.Token(DemoWorld.Ids.Contoso, id, DemoWorld.Ids.LitwareIt, resolvedAt),
                     Links.Token(DemoWorld.Ids.Fabrikam, id, DemoWorld.Ids.WideWorldIt, resolvedAt),
                 })
        {
            var (_, sent) = await OpenAndSend(browser, $"/rate/{foreign}?score=5", 5);
            Assert.Contains("This rating link is not valid.", sent, StringComparison.Ordinal);
        }

        // The ticket was reopened after the mail: that resolution is over.
        (await (await App.ClientFor(Demo.ContosoAdmin)).PatchAsJsonAsync($"/api/v1/tickets/{id}", new { status = "Open" })).EnsureSuccessStatusCode();
        var (_, reopened) = await OpenAndSend(browser, $"/rate/{token}?score=5", 5);
        Assert.Contains("reopened", reopened, StringComparison.Ordinal);
        Assert.Empty(await Ratings(id));
        Assert.Empty(await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.SatisfactionRatings.ToListAsync(Ct)));
    }
}
