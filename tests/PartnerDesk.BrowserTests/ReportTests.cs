using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Features.Satisfaction;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>A report in the console with its chart and table, its CSV link and print; the customer's service report in the portal.</summary>
public sealed class ReportTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_admin_opens_a_report_and_sees_its_chart_and_table()
    {
        await SelfHelpAndRatingsToday();
        var admin = await browser.SignedIn(Demo.ContosoAdmin);
        await admin.GotoAsync("/console/reports");
        await Assertions.Expect(admin.Locator("h1")).ToContainTextAsync("Created and resolved");
        var chart = admin.Locator("figure.report-chart svg.chart").First;
        await Assertions.Expect(chart).ToBeVisibleAsync();
        Assert.True(await chart.Locator("rect.bar").CountAsync() > 0, "The chart has no bars: the demo world files tickets today.");
        await Assertions.Expect(chart.Locator("title").First).ToContainTextAsync("Created and resolved per day");
        await Assertions.Expect(admin.Locator("#table-days tbody tr").First).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("a[data-csv=days]")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/api/v1/reports/volume.*format=csv&table=days$"));
        await BrowserFixture.Screenshot(admin, "report-volume");

        // Another report through the picker, narrowed by a filter: the form is a GET, the address keeps it.
        await admin.ClickAsync("a[data-report-link=response-times]");
        await Assertions.Expect(admin.Locator("h1")).ToContainTextAsync("Response times and SLA");
        await admin.SelectOptionAsync("#report-severity", "B");
        await admin.ClickAsync("#report-show");
        await Assertions.Expect(admin).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/reports/response-times\\?.*severity=B"));
        await Assertions.Expect(admin.Locator("#table-times tbody tr")).ToHaveCountAsync(4);
        await BrowserFixture.Screenshot(admin, "report-response-times");
        // On a phone (390 px) no report page scrolls sideways: the chart scrolls in its own box and opens on the newest
        // days; a table scrolls in its own box with its first column held.
        await admin.SetViewportSizeAsync(390, 844);
        foreach (var slug in new[] { "volume", "response-times", "escalations", "workload", "billing", "deflection", "satisfaction" })
        {
            await admin.GotoAsync($"/console/reports/{slug}");
            await Assertions.Expect(admin.Locator("figure.report-chart").First).ToBeVisibleAsync();
            Assert.True(await admin.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390, $"The {slug} report scrolls sideways on a phone.");
        }

        await admin.GotoAsync("/console/reports/volume");
        // The newest day's bars are inside the chart's box as it opens (the box starts at its right end).
        const string NewestInView = """
            () => {
                const box = document.querySelector('figure.report-chart .chart-scroll');
                const bars = [...box.querySelectorAll('rect.bar')];
                const frame = box.getBoundingClientRect();
                const right = Math.max(...bars.map(b => b.getBoundingClientRect().right));
                return bars.length > 0 && right <= frame.right + 1 && right > frame.left && frame.right <= window.innerWidth;
            }
            """;
        Assert.True(await admin.EvaluateAsync<bool>(NewestInView), "The newest day's bars are off-screen on a phone.");
        await Assertions.Expect(admin.Locator("#table-days tbody tr td").First).ToHaveCSSAsync("position", "sticky");
        await BrowserFixture.Screenshot(admin, "report-volume-phone");
        await admin.GotoAsync("/console/reports/response-times");
        await BrowserFixture.Screenshot(admin, "report-response-times-phone");
        await admin.GotoAsync("/console/reports/deflection");
        await BrowserFixture.Screenshot(admin, "report-deflection-phone");
        await admin.GotoAsync("/console/reports/satisfaction");
        await BrowserFixture.Screenshot(admin, "report-satisfaction-phone");
        await admin.SetViewportSizeAsync(1280, 800);
        await admin.GotoAsync("/console/reports/deflection");
        await Assertions.Expect(admin.Locator("h1")).ToContainTextAsync("Known issues and self-help");
        await Assertions.Expect(admin.Locator("#table-days")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(admin, "report-deflection");
        await admin.GotoAsync("/console/reports/satisfaction");
        await Assertions.Expect(admin.Locator("#table-agents")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(admin, "report-satisfaction");

        // Ids are the CSV's: the page's tables open on the name.
        await admin.GotoAsync("/console/reports/workload");
        await Assertions.Expect(admin.Locator("#table-agents thead th").First).ToHaveTextAsync("Agent");
        await Assertions.Expect(admin.Locator("#table-agents tbody tr").First).ToBeVisibleAsync();
        await admin.GotoAsync("/console/reports/volume");

        // Printed, the navigation and the filters go; charts and tables stay.
        await admin.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Assertions.Expect(admin.Locator("#report-filters")).ToBeHiddenAsync();
        await Assertions.Expect(admin.Locator("#console-nav")).ToBeHiddenAsync();
        await Assertions.Expect(admin.Locator("figure.report-chart svg.chart").First).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(admin, "report-volume-print");

        // A bad period is said beside the form, not a failure.
        await admin.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Screen });
        await admin.GotoAsync("/console/reports/volume?from=2025-03-05&to=2025-03-01");
        await Assertions.Expect(admin.Locator("#report-errors li[data-field=from]")).ToBeVisibleAsync();

        var contact = await browser.SignedIn(Demo.AdatumIt);
        await contact.GotoAsync("/portal/report");
        await Assertions.Expect(contact.Locator("figure.report-chart svg.chart").First).ToBeVisibleAsync();
        await Assertions.Expect(contact.Locator("#table-targets")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(contact, "report-portal");
        await contact.SetViewportSizeAsync(390, 844);
        await contact.ReloadAsync();
        Assert.True(await contact.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390, "The service report scrolls sideways on a phone.");
        await BrowserFixture.Screenshot(contact, "report-portal-phone");
    }

    /// <summary>A few tickets avoided by self-help and a few ratings today, so that the two newer reports have figures to draw.</summary>
    private Task<int> SelfHelpAndRatingsToday() => browser.App.InDatabase(DemoWorld.Ids.Contoso, async db =>
    {
        var now = DateTimeOffset.UtcNow;
        var issue = new ServiceHealthIssue
        {
            OrganisationId = DemoWorld.Ids.Contoso,
            MicrosoftId = "EX790001",
            Service = "Exchange Online",
            Feature = "Mail flow",
            Title = "Mail delivery delays",
            ImpactDescription = "Mail may be delayed.",
            Status = "serviceDegradation",
            Classification = IssueClassification.Incident,
            StartDateTime = now.AddHours(-2),
            LastModifiedDateTime = now,
            LatestPostAt = now,
            FirstSeenAt = now,
        };
        db.Add(issue);
        foreach (var (hours, service) in new[] { (1, "Exchange Online"), (2, "Exchange Online"), (3, "Microsoft Teams") })
        {
            db.Add(new SelfHelpDeflection
            {
                OrganisationId = DemoWorld.Ids.Contoso,
                CustomerId = DemoWorld.Ids.Adatum,
                ContactId = DemoWorld.Ids.AdatumAnna,
                At = now.AddHours(-hours),
                IssueId = service == "Exchange Online" ? issue.Id : null,
                Service = service,
                Title = "Answered by self-help",
            });
        }

        var tickets = await db.Tickets.Where(t => t.CustomerId == DemoWorld.Ids.Adatum).OrderBy(t => t.Number).Select(t => new { t.Id, t.AssigneeAgentId }).Take(4).ToListAsync();
        var scores = new[] { 5, 4, 2, 1 };
        for (var i = 0; i < tickets.Count; i++)
        {
            db.Add(new SatisfactionRating
            {
                OrganisationId = DemoWorld.Ids.Contoso,
                CustomerId = DemoWorld.Ids.Adatum,
                ContactId = DemoWorld.Ids.AdatumAnna,
                TicketId = tickets[i].Id,
                ResolvedAt = now.AddDays(-1).AddMinutes(i),
                AgentId = tickets[i].AssigneeAgentId,
                Score = scores[i],
                Comment = scores[i] <= 2 ? "The answer took two days." : null,
                Channel = RatingChannel.Mail,
                RatedAt = now.AddMinutes(-i),
            });
        }

        return await db.SaveChangesAsync();
    });
}
