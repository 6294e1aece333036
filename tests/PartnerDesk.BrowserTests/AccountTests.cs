using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>The account page asks again who is there before a lasting way in or a protection taken away; the CSP holds.</summary>
public sealed class AccountTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_personal_access_token_and_turning_two_factor_off_need_the_password_again()
    {
        var page = await browser.SignedIn(Demo.ContosoHelpdesk);
        await page.GotoAsync("/account");
        try
        {
            await BrowserFixture.WaitForInteractive(page, "account");
        }
        catch (TimeoutException)
        {
            await BrowserFixture.Screenshot(page, "account-not-interactive");
            throw new InvalidOperationException($"The account page did not become interactive at {page.Url}: {await page.ContentAsync()}\n{string.Join("\n", browser.App.Failures)}");
        }

        Task<int> Tokens() => browser.App.InDatabase(DemoWorld.Ids.Contoso, db => db.ApiTokens.CountAsync(t => t.Name == "PSA sync" && t.Kind == ApiTokenKind.Personal));

        await page.FillAsync("#token-name", "PSA sync");
        await page.FillAsync("#token-days", "365");
        await page.ClickAsync("#create-token");
        await Assertions.Expect(page.Locator("#token-error")).ToHaveTextAsync("Confirm with your password.");
        await page.FillAsync("#token-confirm", "not my password");
        await page.ClickAsync("#create-token");
        await Assertions.Expect(page.Locator("#token-error")).ToHaveTextAsync("The password is not correct.");
        Assert.Equal(0, await Tokens());
        await Assertions.Expect(page.Locator("#new-token")).ToHaveCountAsync(0);

        await page.FillAsync("#token-confirm", TestDatabase.DemoPassword);
        await page.ClickAsync("#create-token");
        await Assertions.Expect(page.Locator("#new-token")).ToContainTextAsync("pd_");
        Assert.Equal(1, await Tokens());
        await Assertions.Expect(page.Locator("#token-confirm")).ToHaveValueAsync(""); // not kept for the next one

        // Two-factor on (set up as the page would), then off: only with the password.
        Task<bool> TwoFactorOn() => WithUser(async (users, user) => user.TwoFactorEnabled);
        await WithUser(async (users, user) =>
        {
            // Both calls renew the security stamp, which ends the browser's session; the page would have kept it.
            var stamp = user.SecurityStamp;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            user.SecurityStamp = stamp;
            return (await users.UpdateAsync(user)).Succeeded;
        });
        await page.GotoAsync("/account");
        await BrowserFixture.WaitForInteractive(page, "account");
        await page.ClickAsync("#twofactor-off");
        await Assertions.Expect(page.Locator("#twofactor-error")).ToHaveTextAsync("Confirm with your password.");
        await page.FillAsync("#twofactor-off-confirm", "not my password");
        await page.ClickAsync("#twofactor-off");
        await Assertions.Expect(page.Locator("#twofactor-error")).ToHaveTextAsync("The password is not correct.");
        Assert.True(await TwoFactorOn());

        await page.FillAsync("#twofactor-off-confirm", TestDatabase.DemoPassword);
        await page.ClickAsync("#twofactor-off");
        await Assertions.Expect(page.Locator("#setup-2fa")).ToBeVisibleAsync();
        Assert.False(await TwoFactorOn());
        await BrowserFixture.Screenshot(page, "account-reconfirmed");
    }

    [Fact]
    public async Task What_the_content_security_policy_blocks_is_blocked_and_fails_the_test_that_saw_it()
    {
        var context = await browser.NewContext();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.appendChild(s); }");

        var test = TestContext.Current.Test!.UniqueID;
        IReadOnlyList<string> seen = [];
        for (var i = 0; i < 100 && seen.Count == 0; i++)
        {
            await Task.Delay(100); // the report comes back over Playwright's binding; a wait, not an assertion
            seen = CspViolations.Take(test);
        }

        Assert.Contains(seen, v => v.StartsWith("script-src-elem blocked inline", StringComparison.Ordinal));
        Assert.False(await page.EvaluateAsync<bool>("() => window.injected === true"));
        await context.DisposeAsync();
    }

    private async Task<T> WithUser<T>(Func<UserManager<UserAccount>, UserAccount, Task<T>> work)
    {
        await using var scope = browser.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<UserAccount>>();
        return await work(users, (await users.FindByEmailAsync(Demo.ContosoHelpdesk))!);
    }
}
