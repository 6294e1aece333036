using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Ui;

/// <summary>Security headers on every answer, HTTPS in production only, and an API that changes state for bearer tokens only.</summary>
public sealed class WebSecurityTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static void AssertHardened(HttpResponseMessage response, string referrerPolicy = "strict-origin-when-cross-origin")
    {
        var what = $"{response.RequestMessage?.RequestUri} ({(int)response.StatusCode})";
        var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
        foreach (var directive in new[] { "default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "connect-src 'self'", "img-src 'self' data:" })
        {
            Assert.True(csp.Contains(directive, StringComparison.Ordinal), $"{what}: CSP without {directive}: {csp}");
        }

        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal(referrerPolicy, string.Join(",", response.Headers.GetValues("Referrer-Policy")));
        Assert.Contains("camera=()", string.Join(",", response.Headers.GetValues("Permissions-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers_pages_api_errors_and_files()
    {
        using var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var path in new[] { "/signin", "/api/v1/tickets", "/no-such-page", "/_framework/blazor.web.js", "/health/live", "/console" })
        {
            AssertHardened(await client.GetAsync(path));
        }

        // A 500 too: the exception handler clears what was set before it.
        AssertHardened(await client.PostAsync("/api/v1/auth/token", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")));

        // An invitation's secret is in its address: no referrer at all, not even to this site's own scripts.
        AssertHardened(await client.GetAsync("/invite/not-a-real-invitation"), "no-referrer");
    }

    [Fact]
    public async Task The_demo_stays_on_plain_http_without_hsts()
    {
        using var http = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://support.contoso.test/") });
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/signin")).StatusCode);
        using var https = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://support.contoso.test/") });
        Assert.False((await https.GetAsync("/signin")).Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task In_production_http_is_redirected_to_https_and_https_answers_with_hsts()
    {
        await using var production = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:DemoMode"] = "false",
            ["https_port"] = "443", // Kestrel tells its https port itself; the test server has none
        });
        using var http = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://support.contoso.test/") });
        var redirected = await http.GetAsync("/signin?returnUrl=%2Fconsole");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
        Assert.Equal("https://support.contoso.test/signin?returnUrl=%2Fconsole", redirected.Headers.Location?.ToString());
        Assert.False(redirected.Headers.Contains("Strict-Transport-Security")); // never over http (RFC 6797)
        // Load balancers probe inside the network, over http.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        using var https = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://support.contoso.test/") });
        var page = await https.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("max-age=31536000", string.Join(",", page.Headers.GetValues("Strict-Transport-Security")));
        AssertHardened(page);

        // Behind a TLS-terminating proxy (ASPNETCORE_FORWARDEDHEADERS_ENABLED), the proxy's scheme counts: no redirect loop.
        await using var proxied = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:DemoMode"] = "false",
            ["https_port"] = "443",
            ["FORWARDEDHEADERS_ENABLED"] = "true",
        });
        using var behindProxy = proxied.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://support.contoso.test/") });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        request.Headers.Add("X-Forwarded-Proto", "https");
        var forwarded = await behindProxy.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.True(forwarded.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task The_sign_in_cookie_reads_the_api_but_changes_nothing_a_bearer_token_does()
    {
        using var browser = await App.CookieClientFor(Demo.AdatumIt);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/tickets")).StatusCode);
        var title = $"Cookie ticket {Guid.NewGuid():N}";

        var refused = await browser.PostAsJsonAsync("/api/v1/tickets", new { title, description = "d", severity = "C", kind = "Incident" });
        var problem = await refused.Problem(HttpStatusCode.Forbidden);
        Assert.Equal("A bearer token is required.", problem.GetProperty("title").GetString());
        Assert.False(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.AnyAsync(t => t.Title == title)));
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.DeleteAsync($"/api/v1/me/tokens/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync($"/api/v1/notifications/{Guid.NewGuid()}/read", null)).StatusCode);

        var bearer = await App.ClientFor(Demo.AdatumIt);
        await (await bearer.PostAsJsonAsync("/api/v1/tickets", new { title, description = "d", severity = "C", kind = "Incident" })).Read<TicketDetails>(HttpStatusCode.Created);
        Assert.True(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Tickets.AnyAsync(t => t.Title == title)));
    }
}
