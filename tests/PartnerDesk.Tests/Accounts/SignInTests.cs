using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using PartnerDesk.Features.Accounts;
using PartnerDesk.Features.Demo;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Accounts;

public sealed class SignInTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    [Fact]
    public async Task Unknown_account_and_wrong_password_answer_alike()
    {
        using var client = App.CreateClient();
        var unknown = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "nobody@nowhere.example", password = "whatever-it-is" });
        var wrong = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = Demo.TailspinIt, password = "whatever-it-is" });

        var a = await unknown.Problem(HttpStatusCode.Unauthorized);
        var b = await wrong.Problem(HttpStatusCode.Unauthorized);
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account()
    {
        using var client = App.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/v1/auth/token", new { email = Demo.NorthwindAdmin, password = "not-the-password" });
        }

        var right = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = Demo.NorthwindAdmin, password = TestDatabase.DemoPassword });
        await right.Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Api_without_a_valid_token_is_refused()
    {
        using var client = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/tickets")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "pd_not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/tickets")).StatusCode);
    }

    [Fact]
    public async Task Personal_access_token_works_shows_its_last_use_and_stops_when_revoked()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        // Over the API, with a (short-lived) session token, the password is asked again.
        await (await admin.PostAsJsonAsync("/api/v1/me/tokens", new { name = "PSA integration", expiresInDays = 30 })).ProblemNaming("password");
        await (await admin.PostAsJsonAsync("/api/v1/me/tokens", new { name = "PSA integration", expiresInDays = 30, password = "not my password" })).ProblemNaming("password");
        var created = await (await admin.PostAsJsonAsync("/api/v1/me/tokens", new { name = "PSA integration", expiresInDays = 30, password = TestDatabase.DemoPassword }))
            .Read<CreatedPersonalToken>(HttpStatusCode.Created);
        Assert.StartsWith("pd_", created.Token, StringComparison.Ordinal);

        using var integration = App.CreateClient();
        integration.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Token);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/tickets")).StatusCode);

        var listed = await (await admin.GetAsync("/api/v1/me/tokens")).Read<List<PersonalTokenView>>();
        var mine = Assert.Single(listed, t => t.Id == created.Id);
        Assert.NotNull(mine.LastUsedAt);
        Assert.DoesNotContain(created.Token, await (await admin.GetAsync("/api/v1/me/tokens")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/me/tokens/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetAsync("/api/v1/tickets")).StatusCode);
    }

    [Fact]
    public async Task An_account_without_a_password_confirms_a_new_token_with_its_authenticator_code_and_one_with_neither_cannot_over_the_api()
    {
        var helpdesk = await App.ClientFor(Demo.FabrikamHelpdesk);
        string key;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            // As an account made by Sign in with Microsoft: no password; its owner turned two-factor on.
            var users = scope.ServiceProvider.GetRequiredService<UserManager<UserAccount>>();
            var user = (await users.FindByEmailAsync(Demo.FabrikamHelpdesk))!;
            await users.RemovePasswordAsync(user);
            await users.ResetAuthenticatorKeyAsync(user);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        Task<int> Tokens() => App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.ApiTokens.CountAsync(t => t.Name == "Passwordless" && t.Kind == ApiTokenKind.Personal));
        await (await helpdesk.PostAsJsonAsync("/api/v1/me/tokens", new { name = "Passwordless", password = TestDatabase.DemoPassword })).ProblemNaming("twoFactorCode");
        await (await helpdesk.PostAsJsonAsync("/api/v1/me/tokens", new { name = "Passwordless", twoFactorCode = "000000" })).ProblemNaming("twoFactorCode");
        Assert.Equal(0, await Tokens());
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(App.Clock.GetUtcNow().UtcDateTime);
        await (await helpdesk.PostAsJsonAsync("/api/v1/me/tokens", new { name = "Passwordless", twoFactorCode = code })).Read<CreatedPersonalToken>(HttpStatusCode.Created);
        Assert.Equal(1, await Tokens());

        // Without an authenticator either, only a fresh Microsoft sign-in on the account page vouches.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<UserAccount>>();
            await users.SetTwoFactorEnabledAsync((await users.FindByEmailAsync(Demo.FabrikamHelpdesk))!, false);
        }

        await (await helpdesk.PostAsJsonAsync("/api/v1/me/tokens", new { name = "Passwordless", password = "anything at all" })).ProblemNaming("password");
        Assert.Equal(1, await Tokens());
    }

    [Fact]
    public async Task Token_expires_with_the_clock()
    {
        await using var app = await PartnerDeskApp.StartAsync();
        var client = await app.ClientFor(Demo.LitwareIt);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/tickets")).StatusCode);
        app.Clock.Advance(AccountEndpoints.SessionTokenLifetime + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/tickets")).StatusCode);

        // A day later, housekeeping removes the expired session token; personal tokens stay.
        Task<int> SessionTokens() => app.InDatabase(DemoWorld.Ids.Contoso, db => db.ApiTokens.CountAsync(t => t.UserId == DemoWorld.Ids.LitwareIt && t.Kind == ApiTokenKind.Session));
        Assert.Equal(1, await SessionTokens());
        app.Clock.Advance(TimeSpan.FromDays(1));
        // (The hourly timer runs on the moved clock too; calling it directly makes the test not wait for it.)
        await Housekeeping.RunOnce(app.Services.GetRequiredService<IServiceScopeFactory>(), app.Clock, CancellationToken.None);
        Assert.Equal(0, await SessionTokens());
    }

    [Fact]
    public async Task Two_factor_account_needs_a_valid_totp_code()
    {
        string key;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<UserAccount>>();
            var user = (await users.FindByIdAsync(DemoWorld.Ids.WoodgroveIt.ToString()))!;
            await users.ResetAuthenticatorKeyAsync(user);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        using var client = App.CreateClient();
        var without = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "it@woodgrovebank.example", password = TestDatabase.DemoPassword });
        Assert.Contains("two-factor", (await without.Problem(HttpStatusCode.Unauthorized)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var wrong = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "it@woodgrovebank.example", password = TestDatabase.DemoPassword, twoFactorCode = "000000" });
        await wrong.Problem(HttpStatusCode.Unauthorized);

        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(App.Clock.GetUtcNow().UtcDateTime);
        var right = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "it@woodgrovebank.example", password = TestDatabase.DemoPassword, twoFactorCode = code });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);

        // The same code does not work twice, however it is written.
        var replay = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "it@woodgrovebank.example", password = TestDatabase.DemoPassword, twoFactorCode = code });
        await replay.Problem(HttpStatusCode.Unauthorized);
        foreach (var disguised in new[] { "+" + code, "0" + code, "\t" + code })
        {
            var again = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "it@woodgrovebank.example", password = TestDatabase.DemoPassword, twoFactorCode = disguised });
            await again.Problem(HttpStatusCode.Unauthorized);
        }

        // The wrong code before does not linger towards a lock-out: the count is that of the four replays.
        await using var check = App.Services.CreateAsyncScope();
        var account = await check.ServiceProvider.GetRequiredService<UserManager<UserAccount>>().FindByIdAsync(DemoWorld.Ids.WoodgroveIt.ToString());
        Assert.Equal(4, account!.AccessFailedCount);
    }

    [Fact]
    public async Task Sign_in_attempts_are_capped_per_client()
    {
        await using var app = await PartnerDeskApp.StartAsync();
        using var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= SignInLimits.PerMinute; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/v1/auth/token", new { email = $"spray{i}@nowhere.example", password = "Summer2026!!" })).StatusCode);
        }

        Assert.All(statuses.Take(SignInLimits.PerMinute), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Sign_in_limits_count_an_ipv6_network_as_one_client(string address, string client) =>
        Assert.Equal(client, SignInLimits.Client(System.Net.IPAddress.Parse(address)));
}
