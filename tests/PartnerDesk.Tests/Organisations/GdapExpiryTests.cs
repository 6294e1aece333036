using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Organisations;

/// <summary>GDAP relationships that end soon or have ended: shown to agents with what they affect; admins told once per threshold.</summary>
public sealed class GdapExpiryTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DelegatedAdminRelationshipStatus.Active, 40.0, null)]
    [InlineData(DelegatedAdminRelationshipStatus.Active, 29.0, GdapThreshold.EndsSoon)]
    [InlineData(DelegatedAdminRelationshipStatus.Active, -1.0, GdapThreshold.Expired)]
    [InlineData(DelegatedAdminRelationshipStatus.Expired, 100.0, GdapThreshold.Expired)]
    [InlineData(DelegatedAdminRelationshipStatus.Terminated, -1.0, null)]
    public void A_relationship_reaches_a_threshold_by_its_end(DelegatedAdminRelationshipStatus status, double daysLeft, GdapThreshold? expected)
    {
        var now = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(expected, GdapExpiry.Of(status, now.AddDays(daysLeft), now, TimeSpan.FromDays(30)));
    }

    [Fact]
    public async Task Ending_relationships_are_listed_with_their_open_tickets_and_admins_are_told_once_per_threshold()
    {
        var now = App.Clock.GetUtcNow();
        var relationship = await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var r = await db.DelegatedAdminRelationships.FirstAsync(r => r.CustomerId == DemoWorld.Ids.Litware, Ct);
            r.EndDateTime = now.AddDays(10);
            await db.SaveChangesAsync(Ct);
            return r.Id;
        });
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Litware, title = "Mailbox full", description = "d", severity = "C", kind = "Incident" }, Ct);

        var expiring = await (await admin.GetAsync("/api/v1/gdap/expiring", Ct)).Read<List<ExpiringRelationship>>();
        var litware = Assert.Single(expiring, e => e.RelationshipId == relationship);
        Assert.Equal((GdapThreshold.EndsSoon, "Litware Inc."), (litware.Threshold, litware.CustomerName));
        Assert.True(litware.OpenTickets >= 1);

        // The agents' start page says so, before anyone opens a ticket of that customer.
        var startPage = await (await App.CookieClientFor(Demo.ContosoAdmin)).GetStringAsync("/console", Ct);
        Assert.Contains("id=\"gdap-expiring\"", startPage, StringComparison.Ordinal);
        Assert.Contains($"data-relationship=\"{relationship}\"", startPage, StringComparison.Ordinal);

        var job = App.Services.GetRequiredService<GdapExpiryJob>();
        await job.RunOnce(Ct);
        await job.RunOnce(Ct); // told once, not every hour
        int Alerts(string kind) => App.InDatabase(DemoWorld.Ids.Contoso, db => db.AgentAlerts.CountAsync(a => a.Kind == kind && a.Text.Contains("Litware"), Ct)).GetAwaiter().GetResult();
        Assert.Equal(1, Alerts("GdapEndsSoon"));

        // It ends: a second threshold, a second notice.
        App.Clock.Advance(TimeSpan.FromDays(11));
        App.ForgetTokens();
        await job.RunOnce(Ct);
        Assert.Equal(1, Alerts("GdapExpired"));
        var alerts = await (await (await App.ClientFor(Demo.ContosoAdmin)).GetAsync("/api/v1/alerts", Ct)).Read<List<AgentAlertView>>();
        Assert.Contains(alerts, a => a.Text.Contains("has ended", StringComparison.Ordinal) && a.ForYou);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumIt)).GetAsync("/api/v1/gdap/expiring", Ct)).StatusCode);
    }
}
