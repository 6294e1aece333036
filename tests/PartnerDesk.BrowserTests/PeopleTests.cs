using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>Sign in with Microsoft through the simulated Entra ID, and a new agent's first day: invited, accepted, at work.</summary>
public sealed class PeopleTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private async Task<IPage> NewPage(string locale = "en-US")
    {
        var context = await browser.NewContext(locale);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    /// <summary>On the simulator's account picker, as on Microsoft's: one click on the account.</summary>
    private static async Task PickAccount(IPage page, string upn, string? screenshot = null)
    {
        await page.WaitForURLAsync("**/oauth2/v2.0/authorize**");
        if (screenshot is not null)
        {
            await BrowserFixture.Screenshot(page, screenshot);
        }

        await page.ClickAsync($"button[name='user'][value='{upn}']");
    }

    [Fact]
    public async Task An_agent_signs_in_with_microsoft_and_lands_in_the_console()
    {
        var page = await NewPage();
        await page.GotoAsync("/signin?returnUrl=%2Fconsole");
        await BrowserFixture.Screenshot(page, "signin");
        await page.ClickAsync("#signin-microsoft");
        await PickAccount(page, Demo.ContosoHelpdesk);
        await page.WaitForURLAsync("**/console");
        await Assertions.Expect(page.Locator(".who")).ToHaveTextAsync("Diego Siciliani");
    }

    [Fact]
    public async Task A_customer_s_user_signs_in_with_microsoft_and_lands_in_the_portal()
    {
        var page = await NewPage();
        await page.GotoAsync("/signin");
        await page.ClickAsync("#signin-microsoft");
        await PickAccount(page, Demo.AdatumAnna, "entra-account-picker");
        await page.WaitForURLAsync("**/portal");
        await Assertions.Expect(page.Locator(".who")).ToHaveTextAsync("Anna Becker");

        // Someone of a tenant nobody serves is told so, in their language.
        var stranger = await NewPage("de-DE");
        await stranger.GotoAsync("/signin");
        await stranger.ClickAsync("#language-de");
        await Assertions.Expect(stranger.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await stranger.ClickAsync("#signin-microsoft");
        await PickAccount(stranger, "someone@unknown.example");
        await stranger.WaitForURLAsync("**/signin/refused?reason=UnknownTenant");
        await Assertions.Expect(stranger.Locator("#refusal")).ToContainTextAsync("Ihre Microsoft-Organisation ist hier nicht bekannt.");
        await BrowserFixture.Screenshot(stranger, "signin-refused-de");
    }

    [Fact]
    public async Task An_admin_invites_an_agent_who_accepts_with_microsoft_and_works_a_ticket()
    {
        var admin = await browser.SignedIn(Demo.ContosoAdmin);
        await admin.GotoAsync("/console/people");
        await BrowserFixture.WaitForInteractive(admin, "people");
        await admin.FillAsync("#invite-email", "newhire@contoso-cloud.example");
        await admin.FillAsync("#invite-name", "Alex Wilber");
        await admin.SelectOptionAsync("#invite-role", "AdminAgent");
        await admin.ClickAsync("#invite-send");
        var link = await admin.Locator("#invitation-link code").InnerTextAsync();
        await Assertions.Expect(admin.Locator("#invitations")).ToContainTextAsync("newhire@contoso-cloud.example");
        await BrowserFixture.Screenshot(admin, "people");
        await admin.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(admin, "people-phone");
        Assert.True(await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "The people page scrolls sideways on a phone.");

        // Alex opens the link and accepts with the Microsoft account of Contoso's tenant.
        var alex = await NewPage();
        await alex.GotoAsync(link);
        await Assertions.Expect(alex.Locator("#invitation-who")).ToContainTextAsync("Adele Vance invites you to work at Contoso Cloud Services's support desk as Admin agent.");
        await BrowserFixture.Screenshot(alex, "invitation");
        await alex.ClickAsync("#accept-microsoft");
        await PickAccount(alex, "newhire@contoso-cloud.example");
        await alex.WaitForURLAsync("**/console");
        await Assertions.Expect(alex.Locator(".who")).ToHaveTextAsync("Alex Wilber");

        // At work: opens a ticket of the queue and answers it.
        await alex.Locator("#queue a[href^='/console/tickets/']").First.ClickAsync();
        await BrowserFixture.WaitForInteractive(alex, "ticket");
        await alex.FillAsync("#reply-body", "Hello, this is Alex from Contoso. I am looking into it now.");
        await alex.ClickAsync("#send-reply");
        await Assertions.Expect(alex.Locator(".conversation")).ToContainTextAsync("I am looking into it now.");

        // The admin sees Alex as an active agent who signed in with Microsoft; the link is spent.
        await admin.SetViewportSizeAsync(1280, 900);
        await admin.ReloadAsync();
        await BrowserFixture.WaitForInteractive(admin, "people");
        var row = admin.Locator("#agents tr[data-agent='newhire@contoso-cloud.example']");
        await Assertions.Expect(row).ToContainTextAsync("Microsoft");
        await Assertions.Expect(row).ToContainTextAsync("Active");
        var reuse = await NewPage();
        await reuse.GotoAsync(link);
        await Assertions.Expect(reuse.Locator("#invitation-refused")).ToContainTextAsync("used already");
    }

    [Fact]
    public async Task A_customer_s_admin_invites_a_colleague_in_the_portal_and_the_agent_sees_the_customer_s_contacts()
    {
        var it = await browser.SignedIn(Demo.AdatumIt);
        await it.GotoAsync("/portal/people");
        await BrowserFixture.WaitForInteractive(it, "portal-people");
        await it.FillAsync("#contact-email", "pat@adatum.example");
        await it.FillAsync("#contact-name", "Pat Rivera");
        await it.ClickAsync("#contact-invite-send");
        await Assertions.Expect(it.Locator("#contacts-message")).ToHaveTextAsync("pat@adatum.example is invited.");
        await Assertions.Expect(it.Locator("#contacts tr[data-contact]")).ToHaveCountAsync(2); // it@ and anna@
        await Assertions.Expect(it.Locator("#contact-invitations tr[data-invitation='pat@adatum.example']")).ToContainTextAsync("Open");
        await it.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(it, "portal-people-phone");
        Assert.True(await it.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "The portal's people page scrolls sideways on a phone.");

        var agent = await browser.SignedIn(Demo.ContosoHelpdesk);
        await agent.GotoAsync($"/console/customers/{DemoWorld.Ids.Adatum}/people");
        await BrowserFixture.WaitForInteractive(agent, "customer-people");
        await Assertions.Expect(agent.Locator("#contacts tr[data-contact='anna@adatum.example']")).ToContainTextAsync("Anna Becker");
        await agent.Locator("#contacts tr[data-contact='anna@adatum.example'] .customer-admin").CheckAsync();
        await Assertions.Expect(agent.Locator("#contacts-message")).ToHaveTextAsync("Anna Becker is saved.");
        await BrowserFixture.Screenshot(agent, "customer-contacts");
        await agent.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(agent, "customer-contacts-phone");
        Assert.True(await agent.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "The customer's contacts page scrolls sideways on a phone.");
    }

    [Fact]
    public async Task An_admin_sees_what_is_left_to_do_before_going_live()
    {
        var admin = await browser.SignedIn(Demo.FabrikamAdmin);
        await admin.GotoAsync("/console/setup");
        await Assertions.Expect(admin.Locator("#setup-steps li[data-step]")).ToHaveCountAsync(9);
        await Assertions.Expect(admin.Locator("li[data-step='plans']")).ToHaveAttributeAsync("data-state", "Done");
        await Assertions.Expect(admin.Locator("li[data-step='mailbox']")).ToHaveAttributeAsync("data-state", "NotDone");
        await BrowserFixture.Screenshot(admin, "setup");
        await admin.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(admin, "setup-phone");
        Assert.True(await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "The setup page scrolls sideways on a phone.");
    }

    [Fact]
    public async Task A_signed_in_agent_links_its_microsoft_account_after_typing_its_password_again()
    {
        var page = await browser.SignedIn(Demo.NorthwindAdmin);
        await page.GotoAsync("/account");
        await page.WaitForSelectorAsync("[data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await page.FillAsync("#link-password", "not the password");
        await page.ClickAsync("#link-microsoft");
        await Assertions.Expect(page.Locator("#microsoft-account .error")).ToContainTextAsync("The password is not correct.");

        await page.FillAsync("#link-password", TestDatabase.DemoPassword);
        await page.ClickAsync("#link-microsoft");
        await PickAccount(page, Demo.NorthwindAdmin);
        await page.WaitForURLAsync("**/account?linked=microsoft");
        await Assertions.Expect(page.Locator("#microsoft-account")).ToContainTextAsync("Your Microsoft account is linked");
        await BrowserFixture.Screenshot(page, "account-linked");
    }
}
