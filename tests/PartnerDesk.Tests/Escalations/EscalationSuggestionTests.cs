using System.Net;
using System.Net.Http.Json;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Escalations;

public sealed class EscalationSuggestionTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(30);
    private static readonly HashSet<string> Nothing = [];

    private static TicketSignal Signal(Guid customer, string? service, int minutesAgo) =>
        new(Guid.NewGuid(), "PD-1", customer, service, Now.AddMinutes(-minutesAgo));

    private static readonly Guid A = Guid.NewGuid(), B = Guid.NewGuid(), C = Guid.NewGuid();

    [Fact]
    public void Three_customers_on_one_service_in_the_window_suggest_a_regional_multi_tenant_issue()
    {
        var suggestion = Assert.Single(EscalationSuggestions.Detect([Signal(A, "Exchange Online", 25), Signal(B, "Exchange Online", 10), Signal(C, "Exchange Online", 1), Signal(A, "Exchange Online", 2)], Nothing, Now, 3, Window));

        Assert.Equal((EscalationCategory.RegionalMultiTenantIssue, 3, 4), (suggestion.Category, suggestion.Customers, suggestion.Tickets.Count));
        Assert.Equal(Now.AddMinutes(-25), suggestion.Since);
    }

    [Fact]
    public void Fewer_customers_a_documented_issue_or_an_older_ticket_suggest_nothing()
    {
        Assert.Empty(EscalationSuggestions.Detect([Signal(A, "Exchange Online", 5), Signal(A, "Exchange Online", 4), Signal(B, "Exchange Online", 3)], Nothing, Now, 3, Window));
        Assert.Empty(EscalationSuggestions.Detect([Signal(A, "Exchange Online", 5), Signal(B, "Exchange Online", 4), Signal(C, "Exchange Online", 3)], new HashSet<string> { "Exchange Online" }, Now, 3, Window));
        Assert.Empty(EscalationSuggestions.Detect([Signal(A, "Exchange Online", 31), Signal(B, "Exchange Online", 4), Signal(C, "Exchange Online", 3)], Nothing, Now, 3, Window));
        Assert.Empty(EscalationSuggestions.Detect([Signal(A, null, 5), Signal(B, null, 4), Signal(C, null, 3)], Nothing, Now, 3, Window));
    }

    [Fact]
    public void Several_services_hit_at_once_suggest_one_widespread_network_outage()
    {
        var suggestion = Assert.Single(EscalationSuggestions.Detect(
            [Signal(A, "Exchange Online", 5), Signal(B, "Exchange Online", 4), Signal(C, "Exchange Online", 3),
             Signal(A, "Microsoft Teams", 5), Signal(B, "Microsoft Teams", 4), Signal(C, "Microsoft Teams", 2), Signal(C, "SharePoint Online", 1)],
            Nothing, Now, 3, Window));

        Assert.Equal(EscalationCategory.WidespreadNetworkOutage, suggestion.Category);
        Assert.Equal(["Exchange Online", "Microsoft Teams"], suggestion.Services);
        Assert.Equal(6, suggestion.Tickets.Count);
    }

    [Fact]
    public async Task Agents_are_offered_the_escalation_in_the_api_and_the_queue()
    {
        var app = fixture.App;
        app.Clock.Advance(TimeSpan.FromHours(1)); // the demo tickets fall out of the window
        app.ForgetTokens();
        var admin = await app.ClientFor(Demo.ContosoAdmin);
        foreach (var customer in new[] { DemoWorld.Ids.Adatum, DemoWorld.Ids.Litware, DemoWorld.Ids.Tailspin })
        {
            await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = customer, title = "Calls drop", description = "Every call drops after a minute.", severity = "B", kind = "Incident", service = "Microsoft Teams" }))
                .Read<TicketDetails>(HttpStatusCode.Created);
        }

        var suggestion = Assert.Single(await (await admin.GetAsync("/api/v1/escalations/suggestions")).Read<List<EscalationSuggestion>>());
        Assert.Equal((EscalationCategory.RegionalMultiTenantIssue, 3), (suggestion.Category, suggestion.Customers));
        var queue = await (await app.CookieClientFor(Demo.ContosoAdmin)).GetStringAsync("/console");
        Assert.Contains("Possible Microsoft issue", queue, StringComparison.Ordinal);
        Assert.Contains("?escalate=RegionalMultiTenantIssue", queue, StringComparison.Ordinal);
        var contact = await app.ClientFor(Demo.AdatumIt);
        Assert.Equal(HttpStatusCode.Forbidden, (await contact.GetAsync("/api/v1/escalations/suggestions")).StatusCode);
    }
}
