using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Isolation;

/// <summary>
/// The pages' side of isolation: every routable page with an id in its route, rendered for a person who
/// must not see the ticket behind that id, shows nothing of it. Pages found by reflection, so a page
/// added later is walked too.
/// </summary>
public sealed partial class EveryPageRefusesForeignIdsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    [Fact]
    public async Task No_page_shows_a_ticket_of_another_organisation_or_customer()
    {
        var contoso = await App.ClientFor(Demo.ContosoAdmin);
        var secret = $"Secret {Guid.NewGuid():N}";
        var ticket = await (await contoso.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Tailspin, title = secret, description = secret, severity = "B", kind = "Incident" }))
            .Read<TicketDetails>(HttpStatusCode.Created);

        var pages = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(RouteAttribute), false).Cast<RouteAttribute>())
            .Select(r => r.Template)
            .Where(t => t.Contains('{', StringComparison.Ordinal))
            .ToList();
        Assert.True(pages.Count >= 2, "No page with an id in its route was found: is the walk broken?");

        foreach (var email in new[] { Demo.FabrikamAdmin, Demo.ContosoHelpdesk, Demo.AdatumIt, Demo.AdatumAnna })
        {
            using var browser = await App.CookieClientFor(email);
            foreach (var template in pages)
            {
                var url = RouteParameter().Replace(template, ticket.Id.ToString());
                var html = await (await browser.GetAsync(url)).Content.ReadAsStringAsync();
                Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
            }
        }

        // And the walk can see: the admin who may, does.
        using var admin = await App.CookieClientFor(Demo.ContosoAdmin);
        Assert.Contains(secret, await admin.GetStringAsync($"/console/tickets/{ticket.Id}"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
