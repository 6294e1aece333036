using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Features.Reports;
using PartnerDesk.Features.Satisfaction;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Reports;

/// <summary>
/// Tickets avoided by self-help: recorded by a contact through the API (the portal's "This solved my problem" calls
/// it), kept to its own customer and organisation; the deflection report and the satisfaction report over known
/// figures for Adatum in March 2025 (nothing else of the demo world is there).
/// </summary>
public sealed class DeflectionAndSatisfactionReportTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Period = "from=2025-03-03&to=2025-03-05";
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2025, 3, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_contact_records_that_a_known_issue_or_an_article_solved_it_and_no_ticket_is_filed()
    {
        var (issue, _, article, _) = await Answers();
        var anna = await App.ClientFor(Demo.AdatumAnna);
        var ticketsBefore = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.CountAsync(t => t.CustomerId == DemoWorld.Ids.Adatum, Ct));

        var byIssue = await (await anna.PostAsJsonAsync("/api/v1/self-help/deflections",
            new { issueId = issue, title = "Mails stuck in the outbox", service = "Exchange Online", severity = "B", kind = "Incident" }, Ct)).Read<SelfHelpDeflectionView>(HttpStatusCode.Created);
        var byArticle = await (await anna.PostAsJsonAsync("/api/v1/self-help/deflections", new { articleId = article }, Ct)).Read<SelfHelpDeflectionView>(HttpStatusCode.Created);

        Assert.Equal((DemoWorld.Ids.Adatum, issue, "Exchange Online", Severity.B, TicketKind.Incident), (byIssue.CustomerId, byIssue.IssueId!.Value, byIssue.Service, byIssue.Severity!.Value, byIssue.Kind!.Value));
        Assert.Equal((DemoWorld.Ids.Adatum, article, (Guid?)null), (byArticle.CustomerId, byArticle.ArticleId!.Value, byArticle.IssueId));
        var stored = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.SelfHelpDeflections.SingleAsync(d => d.Id == byIssue.Id, Ct));
        Assert.Equal((DemoWorld.Ids.Contoso, DemoWorld.Ids.Adatum, DemoWorld.Ids.AdatumAnna, "Mails stuck in the outbox"), (stored.OrganisationId, stored.CustomerId, stored.ContactId, stored.Title));
        Assert.Equal(ticketsBefore, await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.CountAsync(t => t.CustomerId == DemoWorld.Ids.Adatum, Ct)));

        // Today's report counts both for Adatum (the fake clock's today).
        var today = DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var report = await (await (await App.ClientFor(Demo.ContosoAdmin)).GetAsync($"/api/v1/reports/deflection?from={today}&to={today}&customerId={DemoWorld.Ids.Adatum}", Ct)).Read<DeflectionReport>();
        Assert.True(report.AvoidedByIncident >= 1 && report.AvoidedByArticle >= 1, $"{report.AvoidedByIncident} by an issue, {report.AvoidedByArticle} by an article");
    }

    [Fact]
    public async Task Contacts_record_only_for_their_own_customer_and_organisation_and_agents_do_not_record()
    {
        var (issue, otherCustomersIssue, article, internalArticle) = await Answers();

        // Litware's contact cannot name an issue of Adatum's tenant, nor a customer; what it records is Litware's.
        var litware = await App.ClientFor(Demo.LitwareIt);
        await (await litware.PostAsJsonAsync("/api/v1/self-help/deflections", new { issueId = issue }, Ct)).ProblemNaming("issueId");
        await (await litware.PostAsJsonAsync("/api/v1/self-help/deflections", new { issueId = otherCustomersIssue, customerId = DemoWorld.Ids.Adatum }, Ct)).ProblemNaming("customerId");
        var own = await (await litware.PostAsJsonAsync("/api/v1/self-help/deflections", new { issueId = otherCustomersIssue }, Ct)).Read<SelfHelpDeflectionView>(HttpStatusCode.Created);
        Assert.Equal(DemoWorld.Ids.Litware, own.CustomerId);

        // Another organisation's contact knows neither Contoso's issues nor its articles.
        var wideWorld = await App.ClientFor(Demo.WideWorldIt);
        await (await wideWorld.PostAsJsonAsync("/api/v1/self-help/deflections", new { issueId = issue }, Ct)).ProblemNaming("issueId");
        await (await wideWorld.PostAsJsonAsync("/api/v1/self-help/deflections", new { articleId = article }, Ct)).ProblemNaming("articleId");

        // A contact cannot name an internal article; agents do not record deflections.
        var anna = await App.ClientFor(Demo.AdatumAnna);
        await (await anna.PostAsJsonAsync("/api/v1/self-help/deflections", new { articleId = internalArticle }, Ct)).ProblemNaming("articleId");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoAdmin)).PostAsJsonAsync("/api/v1/self-help/deflections", new { issueId = issue }, Ct)).StatusCode);

        // Rows: Anna's and Litware's contact's stay with their customers; nothing was written for another organisation.
        var rows = await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.SelfHelpDeflections.CountAsync(Ct));
        Assert.Equal(0, rows);
    }

    [Theory]
    [InlineData("{}", "issueId")]
    [InlineData("{\"issueId\":\"0c0c0c0c-9999-7000-8000-000000000001\"}", "issueId")]
    [InlineData("{\"articleId\":\"0c0c0c0c-9999-7000-8000-000000000001\"}", "articleId")]
    [InlineData("{\"issueId\":\"nonsense\"}", "issueId")]
    [InlineData("{\"articleId\":\"ISSUE\",\"severity\":\"D\"}", "severity")]
    [InlineData("{\"articleId\":\"ISSUE\",\"kind\":\"Holiday\"}", "kind")]
    [InlineData("{\"articleId\":\"ISSUE\",\"title\":\"LONG\"}", "title")]
    [InlineData("{\"articleId\":\"ISSUE\",\"service\":\"LONG\"}", "service")]
    public async Task Bad_input_is_a_problem_naming_the_field(string body, string field)
    {
        var (issue, _, _, _) = await Answers();
        var anna = await App.ClientFor(Demo.AdatumAnna);
        var json = body.Replace("\"articleId\":\"ISSUE\"", $"\"issueId\":\"{issue}\"", StringComparison.Ordinal).Replace("LONG", new string('x', 300), StringComparison.Ordinal);
        var response = await anna.PostAsync("/api/v1/self-help/deflections", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);
        await response.ProblemNaming(field);
    }

    [Fact]
    public async Task The_deflection_report_counts_linked_and_avoided_tickets_per_day_service_issue_and_article()
    {
        var (i1, i2, article) = await ArrangeDeflections();
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var query = $"{Period}&customerId={DemoWorld.Ids.Adatum}";

        var report = await (await admin.GetAsync($"/api/v1/reports/deflection?{query}", Ct)).Read<DeflectionReport>();

        Assert.Equal((3, 2, 2, 1), (report.PortalTickets, report.LinkedTickets, report.AvoidedByIncident, report.AvoidedByArticle));
        Assert.Equal(
            [new DeflectionCount("2025-03-03", 2, 1, 0), new DeflectionCount("2025-03-04", 0, 1, 1), new DeflectionCount("2025-03-05", 0, 0, 0)],
            report.Days);
        Assert.Equal([new DeflectionCount("Exchange Online", 2, 2, 0), new DeflectionCount(TicketDeflection.NoService, 0, 0, 1)], report.Services);
        Assert.Equal([(i1, 2, 2), (i2, 1, 0)], report.Incidents.Select(i => (i.IssueId, i.LinkedTickets, i.Avoided)));
        Assert.Equal((article, 1), (Assert.Single(report.Articles).ArticleId, report.Articles[0].Avoided));

        var csv = await admin.GetStringAsync($"/api/v1/reports/deflection?{query}&format=csv", Ct);
        Assert.Equal("day,linked_tickets,avoided_by_incident,avoided_by_article,avoided\r\n2025-03-03,2,1,0,1\r\n2025-03-04,0,1,1,2\r\n2025-03-05,0,0,0,0\r\n", csv);

        // Filters: a service keeps its own; the email channel has no self-help; an agent has no avoided tickets.
        var exchange = await (await admin.GetAsync($"/api/v1/reports/deflection?{query}&service=Exchange%20Online", Ct)).Read<DeflectionReport>();
        Assert.Equal((2, 2, 0), (exchange.LinkedTickets, exchange.AvoidedByIncident, exchange.AvoidedByArticle));
        var email = await (await admin.GetAsync($"/api/v1/reports/deflection?{query}&channel=Email", Ct)).Read<DeflectionReport>();
        Assert.Equal((0, 1, 0), (email.PortalTickets, email.LinkedTickets, email.AvoidedByIncident + email.AvoidedByArticle));
        var agent = await (await admin.GetAsync($"/api/v1/reports/deflection?{query}&agentId={DemoWorld.Ids.ContosoHelpdesk}", Ct)).Read<DeflectionReport>();
        Assert.Equal(0, agent.AvoidedByIncident + agent.AvoidedByArticle);
    }

    [Fact]
    public async Task The_satisfaction_report_gives_count_average_distribution_and_low_share_per_customer_and_agent()
    {
        await ArrangeRatings();
        var admin = await App.ClientFor(Demo.ContosoAdmin);

        var report = await (await admin.GetAsync($"/api/v1/reports/satisfaction?{Period}&customerId={DemoWorld.Ids.Adatum}", Ct)).Read<SatisfactionReport>();

        Assert.Equal(2, report.LowAtOrBelow);
        Assert.Equal((4, 3.0, 2, 50.0), (report.All.Ratings, report.All.Average!.Value, report.All.Low, report.All.LowPercent!.Value));
        Assert.Equal([1, 1, 0, 1, 1], report.All.Scores);
        var helpdesk = Assert.Single(report.Agents, a => a.Id == DemoWorld.Ids.ContosoHelpdesk);
        Assert.Equal((2, 3.5, 1, 50.0), (helpdesk.Figures.Ratings, helpdesk.Figures.Average!.Value, helpdesk.Figures.Low, helpdesk.Figures.LowPercent!.Value));
        var nobody = Assert.Single(report.Agents, a => a.Id is null);
        Assert.Equal((1, 1.0, 1), (nobody.Figures.Ratings, nobody.Figures.Average!.Value, nobody.Figures.Low));
        Assert.Equal((DemoWorld.Ids.Adatum, 4), (Assert.Single(report.Customers).Id!.Value, report.Customers[0].Figures.Ratings));
        Assert.Equal(["Too slow", "Nobody answered"], report.LowRatings.Select(r => r.Comment));
        Assert.Equal([2, 1, 1], report.Days.Select(d => d.Ratings));

        // Without the customer filter Litware's rating joins; per agent, the admin's 4 and Litware's 3.
        var all = await (await admin.GetAsync($"/api/v1/reports/satisfaction?{Period}", Ct)).Read<SatisfactionReport>();
        Assert.Contains(all.Customers, c => c.Id == DemoWorld.Ids.Litware && c.Figures.Ratings == 1 && c.Figures.Average == 3);
        var byAdmin = await (await admin.GetAsync($"/api/v1/reports/satisfaction?{Period}&agentId={DemoWorld.Ids.ContosoAdmin}", Ct)).Read<SatisfactionReport>();
        Assert.Equal((2, 3.5), (byAdmin.All.Ratings, byAdmin.All.Average!.Value));

        var csv = await admin.GetStringAsync($"/api/v1/reports/satisfaction?{Period}&customerId={DemoWorld.Ids.Adatum}&format=csv&table=agents", Ct);
        Assert.Contains($"{DemoWorld.Ids.ContosoHelpdesk},", csv, StringComparison.Ordinal);
        Assert.Contains(",2,3.5,0,1,0,0,1,1,50\r\n", csv, StringComparison.Ordinal);
        var low = await admin.GetStringAsync($"/api/v1/reports/satisfaction?{Period}&customerId={DemoWorld.Ids.Adatum}&format=csv&table=low_ratings", Ct);
        Assert.StartsWith("rated_at,ticket_number,customer,agent,score,comment\r\n2025-03-03 12:00,", low, StringComparison.Ordinal);
        Assert.Contains("Nobody answered", low, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_new_reports_are_for_the_desks_admins_only_and_stay_inside_the_organisation()
    {
        await ArrangeDeflections();
        await ArrangeRatings();
        foreach (var slug in new[] { "deflection", "satisfaction" })
        {
            foreach (var who in new[] { Demo.AdatumIt, Demo.AdatumAnna, Demo.ContosoHelpdesk })
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(who)).GetAsync($"/api/v1/reports/{slug}?{Period}", Ct)).StatusCode);
            }

            var fabrikam = await App.ClientFor(Demo.FabrikamAdmin);
            await (await fabrikam.GetAsync($"/api/v1/reports/{slug}?{Period}&customerId={DemoWorld.Ids.Adatum}", Ct)).ProblemNaming("customerId");
            await (await fabrikam.GetAsync($"/api/v1/reports/{slug}?from=2025-03-05&to=2025-03-01", Ct)).ProblemNaming("from");
        }

        var fabrikamAdmin = await App.ClientFor(Demo.FabrikamAdmin);
        var deflection = await (await fabrikamAdmin.GetAsync($"/api/v1/reports/deflection?{Period}", Ct)).Read<DeflectionReport>();
        Assert.Equal((0, 0, 0), (deflection.LinkedTickets, deflection.AvoidedByIncident, deflection.AvoidedByArticle));
        var satisfaction = await (await fabrikamAdmin.GetAsync($"/api/v1/reports/satisfaction?{Period}", Ct)).Read<SatisfactionReport>();
        Assert.Equal(0, satisfaction.All.Ratings);
        Assert.Empty(satisfaction.LowRatings);
    }

    /// <summary>
    /// An active Exchange issue affecting Adatum, one affecting Litware only, and a public and an internal article of
    /// Contoso. Made once per test class (the class's tests share its database).
    /// </summary>
    private async Task<(Guid Issue, Guid OtherCustomersIssue, Guid Article, Guid InternalArticle)> Answers() =>
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
            {
                // xUnit makes a new instance per test; the class's tests run one after the other on one database.
                if (await db.ServiceHealthIssues.AnyAsync(i => i.MicrosoftId == "EX810001", Ct))
                {
                    var ids = await db.ServiceHealthIssues.Where(i => i.MicrosoftId == "EX810001" || i.MicrosoftId == "TM810002").OrderBy(i => i.MicrosoftId).Select(i => i.Id).ToListAsync(Ct);
                    var shown = await db.Articles.Where(a => a.Title == "Outlook keeps asking for the password").Select(a => a.Id).SingleAsync(Ct);
                    var kept = await db.Articles.Where(a => a.Title == "How we reset MFA (internal)").Select(a => a.Id).SingleAsync(Ct);
                    return (ids[0], ids[1], shown, kept);
                }

                var now = App.Clock.GetUtcNow();
                var adatum = Issue("EX810001", "Exchange Online", "Mails stay in the Outbox", now);
                var litware = Issue("TM810002", "Microsoft Teams", "Meetings cannot be joined", now);
                db.AddRange(adatum, litware);
                db.Add(new AffectedCustomer { OrganisationId = DemoWorld.Ids.Contoso, IssueId = adatum.Id, CustomerId = DemoWorld.Ids.Adatum, FirstSeenAt = now });
                db.Add(new AffectedCustomer { OrganisationId = DemoWorld.Ids.Contoso, IssueId = litware.Id, CustomerId = DemoWorld.Ids.Litware, FirstSeenAt = now });
                var article = Article("Outlook keeps asking for the password", ArticleVisibility.Public, now);
                var internalArticle = Article("How we reset MFA (internal)", ArticleVisibility.Internal, now);
                db.AddRange(article, internalArticle);
                await db.SaveChangesAsync(Ct);
                return (adatum.Id, litware.Id, article.Id, internalArticle.Id);
            });

    /// <summary>
    /// Adatum in March 2025: T1 (3rd, portal, Exchange) linked to I1; T2 (3rd, e-mail, Exchange, the helpdesk's) linked to
    /// I1 (confirmed) and I2; T3 (4th, portal, Teams) linked to I2 but dismissed; T4 (5th, portal) not linked. Avoided:
    /// D1 (3rd, I1, Exchange), D2 (4th, the article, no service), D3 (4th, I1 and the article, Exchange: counts under the
    /// issue), D4 (6th, after the period).
    /// </summary>
    private async Task<(Guid I1, Guid I2, Guid Article)> ArrangeDeflections() =>
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
            {
                if (await db.ServiceHealthIssues.AnyAsync(i => i.MicrosoftId == "EX820001", Ct))
                {
                    var ids = await db.ServiceHealthIssues.Where(i => i.MicrosoftId == "EX820001" || i.MicrosoftId == "TM820002").OrderBy(i => i.MicrosoftId).Select(i => i.Id).ToListAsync(Ct);
                    return (ids[0], ids[1], await db.Articles.Where(a => a.Title == "Clear the Outlook cache").Select(a => a.Id).SingleAsync(Ct));
                }

                var i1 = Issue("EX820001", "Exchange Online", "Delays in mail delivery", At(3, 8));
                var i2 = Issue("TM820002", "Microsoft Teams", "Chat messages are delayed", At(3, 8));
                var article = Article("Clear the Outlook cache", ArticleVisibility.Public, At(1, 8));
                db.AddRange(i1, i2, article);
                await db.SaveChangesAsync(Ct);
                var n = Random.Shared.NextInt64(100_000_000, 900_000_000);
                var t1 = await AddTicket(db, DemoWorld.Ids.Adatum, n, At(3, 9), Channel.Portal, null, "Exchange Online");
                var t2 = await AddTicket(db, DemoWorld.Ids.Adatum, n + 1, At(3, 11), Channel.Email, DemoWorld.Ids.ContosoHelpdesk, "Exchange Online");
                var t3 = await AddTicket(db, DemoWorld.Ids.Adatum, n + 2, At(4, 9), Channel.Portal, null, "Microsoft Teams");
                await AddTicket(db, DemoWorld.Ids.Adatum, n + 3, At(5, 9), Channel.Portal, null, null);
                db.AddRange(
                    Link(t1, i1, KnownIssueLinkState.Suggested), Link(t2, i1, KnownIssueLinkState.Confirmed), Link(t2, i2, KnownIssueLinkState.Suggested),
                    Link(t3, i2, KnownIssueLinkState.Dismissed));
                db.AddRange(
                    Deflection(At(3, 10), i1.Id, null, "Exchange Online"), Deflection(At(4, 10), null, article.Id, null),
                    Deflection(At(4, 11), i1.Id, article.Id, "Exchange Online"), Deflection(At(6, 10), i2.Id, null, "Microsoft Teams"));
                await db.SaveChangesAsync(Ct);
                return (i1.Id, i2.Id, article.Id);
            });

    /// <summary>
    /// Ratings in March 2025: Adatum 5 (3rd, helpdesk), 2 "Too slow" (3rd, helpdesk), 4 (4th, admin), 1 "Nobody answered"
    /// (5th, nobody), 1 (6th, after the period); Litware 3 (4th, admin).
    /// </summary>
    private async Task ArrangeRatings() =>
        await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
            {
                if (await db.SatisfactionRatings.AnyAsync(r => r.Comment == "Nobody answered", Ct))
                {
                    return 0;
                }

                var n = Random.Shared.NextInt64(100_000_000, 900_000_000);
                var helpdesk = DemoWorld.Ids.ContosoHelpdesk;
                var admin = DemoWorld.Ids.ContosoAdmin;
                var adatum = DemoWorld.Ids.Adatum;
                db.AddRange(
                    Rating(adatum, DemoWorld.Ids.AdatumAnna, await AddTicket(db, adatum, n, At(2, 9), Channel.Portal, helpdesk, null), At(3, 10), helpdesk, 5, "Quick, thanks"),
                    Rating(adatum, DemoWorld.Ids.AdatumAnna, await AddTicket(db, adatum, n + 1, At(2, 9), Channel.Portal, helpdesk, null), At(3, 12), helpdesk, 2, "Too slow"),
                    Rating(adatum, DemoWorld.Ids.AdatumIt, await AddTicket(db, adatum, n + 2, At(2, 9), Channel.Portal, admin, null), At(4, 12), admin, 4, null),
                    Rating(adatum, DemoWorld.Ids.AdatumIt, await AddTicket(db, adatum, n + 3, At(2, 9), Channel.Portal, null, null), At(5, 12), null, 1, "Nobody answered"),
                    Rating(adatum, DemoWorld.Ids.AdatumIt, await AddTicket(db, adatum, n + 4, At(2, 9), Channel.Portal, null, null), At(6, 12), null, 1, "After the period"),
                    Rating(DemoWorld.Ids.Litware, DemoWorld.Ids.LitwareIt, await AddTicket(db, DemoWorld.Ids.Litware, n + 5, At(2, 9), Channel.Portal, admin, null), At(4, 13), admin, 3, null));
                return await db.SaveChangesAsync(Ct);
            });

    private static ServiceHealthIssue Issue(string microsoftId, string service, string title, DateTimeOffset at) => new()
    {
        OrganisationId = DemoWorld.Ids.Contoso,
        MicrosoftId = microsoftId,
        Service = service,
        Feature = "Feature",
        Title = title,
        ImpactDescription = title + ".",
        Status = "serviceDegradation",
        Classification = IssueClassification.Incident,
        StartDateTime = at,
        LastModifiedDateTime = at,
        LatestPostAt = at,
        FirstSeenAt = at,
    };

    private static Article Article(string title, ArticleVisibility visibility, DateTimeOffset at) => new()
    {
        OrganisationId = DemoWorld.Ids.Contoso,
        Title = title,
        Body = title + ".",
        Visibility = visibility,
        UpdatedBy = "Admin",
        CreatedAt = at,
        UpdatedAt = at,
    };

    private static TicketIssueLink Link(Guid ticket, ServiceHealthIssue issue, KnownIssueLinkState state) => new()
    {
        OrganisationId = DemoWorld.Ids.Contoso,
        CustomerId = DemoWorld.Ids.Adatum,
        TicketId = ticket,
        IssueId = issue.Id,
        State = state,
        Score = 1,
        LinkedAt = issue.StartDateTime,
        LinkedBy = "Test",
    };

    private static SelfHelpDeflection Deflection(DateTimeOffset at, Guid? issue, Guid? article, string? service) => new()
    {
        OrganisationId = DemoWorld.Ids.Contoso,
        CustomerId = DemoWorld.Ids.Adatum,
        ContactId = DemoWorld.Ids.AdatumAnna,
        At = at,
        IssueId = issue,
        ArticleId = article,
        Service = service,
        Severity = Severity.C,
        Kind = TicketKind.Incident,
        Title = "Answered by self-help",
    };

    private static SatisfactionRating Rating(Guid customer, Guid contact, Guid ticket, DateTimeOffset at, Guid? agent, int score, string? comment) => new()
    {
        OrganisationId = DemoWorld.Ids.Contoso,
        CustomerId = customer,
        ContactId = contact,
        TicketId = ticket,
        ResolvedAt = at.AddHours(-1),
        AgentId = agent,
        Score = score,
        Comment = comment,
        Channel = RatingChannel.Mail,
        RatedAt = at,
    };

    private static async Task<Guid> AddTicket(PartnerDeskDb db, Guid customer, long number, DateTimeOffset created, Channel channel, Guid? assignee, string? service)
    {
        var ticket = new Ticket
        {
            OrganisationId = DemoWorld.Ids.Contoso,
            CustomerId = customer,
            Number = number,
            Title = $"Deflection ticket {number}",
            Description = "Known figures.",
            Kind = TicketKind.Incident,
            Severity = Severity.C,
            Channel = channel,
            Status = TicketStatus.Open,
            AssigneeAgentId = assignee,
            CreatedByUserId = DemoWorld.Ids.ContosoAdmin,
            CreatedAt = created,
            UpdatedAt = created,
            Service = service,
        };
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync(Ct);

        // The save gives a new ticket the clock's time; the report reads the filing time set here.
        await db.Tickets.Where(t => t.Id == ticket.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.CreatedAt, created), Ct);
        return ticket.Id;
    }
}
