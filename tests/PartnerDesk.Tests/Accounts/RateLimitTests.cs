using System.Net;
using System.Text.Json;
using PartnerDesk.Platform.Api;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Accounts;

/// <summary>A host whose API allows 3 calls per token and 5 per organisation (a minute, refilled one at a time every 20 and 12 s).</summary>
public sealed class LimitedApi : IAsyncLifetime
{
    public PartnerDeskApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:RateLimits:PerTokenPerMinute"] = "3",
            ["PartnerDesk:RateLimits:PerOrganisationPerMinute"] = "5",
        });
        App.CreateClient().Dispose();
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// The API's limits per token (an account signed in with a cookie: per account) and per organisation, and the
/// anonymous forms' limit per client address: 429 problems with Retry-After in whole seconds. Each test uses
/// organisations of its own, so the buckets one test empties are none another reads.
/// </summary>
public sealed class RateLimitTests(LimitedApi limited) : IClassFixture<LimitedApi>
{
    private PartnerDeskApp App => limited.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_over_its_limit_is_told_to_wait_while_another_organisations_token_goes_on()
    {
        var contoso = await App.ClientFor(Demo.ContosoAdmin);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await contoso.GetAsync("/api/v1/customers", Ct)).StatusCode);
        }

        var refused = await contoso.GetAsync("/api/v1/customers", Ct);
        var problem = await Refused(refused);
        Assert.Equal("Too many requests for this token.", problem.GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.OK, (await (await App.ClientFor(Demo.NorthwindAdmin)).GetAsync("/api/v1/customers", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_organisations_callers_share_its_limit()
    {
        var admin = await App.ClientFor(Demo.FabrikamAdmin);
        var helpdesk = await App.ClientFor(Demo.FabrikamHelpdesk);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/tickets?limit=1", Ct)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await helpdesk.GetAsync("/api/v1/tickets?limit=1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await helpdesk.GetAsync("/api/v1/tickets?limit=1", Ct)).StatusCode);

        // The helpdesk's token has a call left; Fabrikam has none.
        var problem = await Refused(await helpdesk.GetAsync("/api/v1/tickets?limit=1", Ct));
        Assert.Equal("Too many requests for this organisation.", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_account_signed_in_with_a_cookie_is_counted_as_one_caller()
    {
        var browser = await App.CookieClientFor(Demo.AlpineAgent);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/tickets?limit=1", Ct)).StatusCode);
        }

        var problem = await Refused(await browser.GetAsync("/api/v1/tickets?limit=1", Ct));
        Assert.Equal("Too many requests for this token.", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_anonymous_sign_in_form_is_capped_per_client_address()
    {
        await using var app = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:RateLimits:SignInPerMinute"] = "3",
        });
        using var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            // Turned away by the form's antiforgery check, but counted first.
            var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "signin", ["Form.Email"] = $"spray{i}@nowhere.example", ["Form.Password"] = "Summer2026!!" });
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.PostAsync("/signin", form, Ct)).StatusCode);
        }

        var problem = await Refused(await client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "signin" }), Ct));
        Assert.Equal("Too many sign-in attempts.", problem.GetProperty("title").GetString());

        // The invitation form counts with it: a password is set there.
        await Refused(await client.PostAsync($"/invite/{Guid.NewGuid():N}", new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "accept-invitation" }), Ct));
    }

    /// <summary>A 429 problem with type, title and detail, and Retry-After in whole seconds.</summary>
    internal static async Task<JsonElement> Refused(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.TryGetValues("Retry-After", out var values));
        var seconds = int.Parse(Assert.Single(values), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 60);
        var problem = await response.Problem(HttpStatusCode.TooManyRequests);
        Assert.Equal(RateLimits.ProblemType, problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
