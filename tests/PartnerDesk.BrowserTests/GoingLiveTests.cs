using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PartnerDesk.Simulator.Graph;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>A partner's first day in production: an empty database, the first admin from the environment, mail and outbox running.</summary>
public sealed class GoingLiveFixture : BrowserFixture
{
    public const string Admin = "admin@tailwind-cloud.example";
    public static readonly Guid PartnerTenant = new("7a11d000-0000-7000-8000-000000000001");
    public static readonly Guid CustomerTenant = new("7a11d000-0001-7000-8000-000000000001");

    protected override Task<string> CreateDatabase() => TestDatabase.CreateEmptyAsync();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["PartnerDesk:DemoMode"] = "false",
        ["PartnerDesk:Admin:Organisation"] = "Tailwind Cloud",
        ["PartnerDesk:Admin:Email"] = Admin,
        ["PartnerDesk:Admin:Password"] = TestDatabase.DemoPassword,
        ["PartnerDesk:Admin:DisplayName"] = "Tomás Weller",
        ["PartnerDesk:Mail:Enabled"] = "true",
        ["PartnerDesk:Mail:Refresh"] = "00:00:01",
        ["PartnerDesk:Mail:Poll"] = "00:00:05",
        ["PartnerDesk:Outbox:Enabled"] = "true",
        ["PartnerDesk:Outbox:Tick"] = "00:00:01",
    };
}

public sealed class GoingLiveTests(GoingLiveFixture browser) : IClassFixture<GoingLiveFixture>
{
    [Fact]
    public async Task From_an_empty_database_the_first_admin_connects_partner_center_imports_sets_up_and_answers_a_customer()
    {
        // Microsoft knows the partner's tenant (its admin), one customer in Partner Center, and that customer's user.
        var mail = await MailServers.Instance;
        var customerUser = MailServers.Address("it", "fourthcoffee.example");
        browser.Simulator.Directory.Set(new DirectoryTenant
        {
            TenantId = GoingLiveFixture.PartnerTenant,
            DisplayName = "Tailwind Cloud",
            Users = [new EntraUser { DisplayName = "Tomás Weller", UserPrincipalName = GoingLiveFixture.Admin }],
        });
        browser.Simulator.Directory.Set(new DirectoryTenant
        {
            TenantId = GoingLiveFixture.CustomerTenant,
            DisplayName = "Fourth Coffee",
            Users = [new EntraUser { DisplayName = "Fourth Coffee IT", UserPrincipalName = customerUser }],
        });
        browser.Simulator.Customers.Set(GoingLiveFixture.PartnerTenant, [(GoingLiveFixture.CustomerTenant, "Fourth Coffee", "fourthcoffee.example")]);

        // 1. The first admin signs in and connects Partner Center from the checklist.
        var admin = await browser.SignedIn(GoingLiveFixture.Admin);
        await admin.GotoAsync("/console/setup");
        await Assertions.Expect(admin.Locator("li[data-step='partner-center']")).ToHaveAttributeAsync("data-state", "NotDone");
        await BrowserFixture.Screenshot(admin, "going-live-1-checklist");
        await admin.ClickAsync("#connect-partner-center");
        await admin.WaitForURLAsync("**/oauth2/v2.0/authorize**");
        await admin.ClickAsync($"button[name='user'][value='{GoingLiveFixture.Admin}']");
        await admin.WaitForURLAsync("**/console/setup?partnerCenter=connected");
        await Assertions.Expect(admin.Locator("#partner-center-outcome")).ToHaveTextAsync("Partner Center is connected.");
        await Assertions.Expect(admin.Locator("li[data-step='partner-center']")).ToHaveAttributeAsync("data-state", "Done");

        // 2. The customers come in from Partner Center.
        await admin.GotoAsync("/console/customers");
        await BrowserFixture.WaitForInteractive(admin, "customers");
        await admin.ClickAsync("#customer-import");
        await Assertions.Expect(admin.Locator("#customers")).ToContainTextAsync("Fourth Coffee");

        // 3. Service hours, a plan and Fourth Coffee's contract.
        await admin.GotoAsync("/console/calendars");
        await BrowserFixture.WaitForInteractive(admin, "calendars");
        await admin.ClickAsync("#calendar-new");
        await admin.FillAsync("#calendar-name", "Office hours");
        await admin.ClickAsync("#calendar-save");
        await Assertions.Expect(admin.Locator("#calendars tr[data-calendar='Office hours']")).ToHaveCountAsync(1);

        await admin.GotoAsync("/console/plans");
        await BrowserFixture.WaitForInteractive(admin, "plans");
        await admin.ClickAsync("#plan-new");
        await admin.FillAsync("#plan-name", "Standard Support");
        await admin.FillAsync("#plan-targets tr[data-severity='B'] input.target-first", "240");
        await admin.FillAsync("#plan-monthly", "350");
        await admin.ClickAsync("#plan-save");
        await Assertions.Expect(admin.Locator("#plans tr[data-plan='Standard Support']")).ToHaveCountAsync(1);
        await admin.ClickAsync("#contract-new");
        await admin.SelectOptionAsync("#contract-customer", new SelectOptionValue { Label = "Fourth Coffee" });
        await admin.FillAsync("#contract-seats", "40");
        await admin.ClickAsync("#contract-save");
        await Assertions.Expect(admin.Locator("#contracts tr[data-contract='Fourth Coffee']")).ToContainTextAsync("Standard Support");

        // 4. The support mailbox.
        var support = MailServers.Address("support", "tailwind-cloud.example");
        await admin.GotoAsync("/console/mail");
        await BrowserFixture.WaitForInteractive(admin, "mail");
        await admin.FillAsync("#mailbox-address", support);
        await admin.FillAsync("#mailbox-imap", mail.Host);
        await admin.FillAsync("#mailbox-imap-port", mail.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await admin.FillAsync("#mailbox-smtp", mail.Host);
        await admin.FillAsync("#mailbox-smtp-port", mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await admin.SelectOptionAsync("#mailbox-security", "None");
        await admin.FillAsync("#mailbox-user", support);
        await admin.FillAsync("#mailbox-password", mail.Password);
        await admin.ClickAsync("#mailbox-save");
        await Assertions.Expect(admin.Locator("main")).ToContainTextAsync(support);

        // 5. Anyone of Fourth Coffee's tenant may use the portal.
        var fourthCoffee = await browser.App.InDatabase(await OrganisationId(), db => db.Customers.SingleAsync(c => c.Name == "Fourth Coffee"));
        await admin.GotoAsync($"/console/customers/{fourthCoffee.Id}/people");
        await BrowserFixture.WaitForInteractive(admin, "customer-people");
        await admin.SelectOptionAsync("#contact-sign-up", "AnyoneInTenant");
        await Assertions.Expect(admin.Locator("#contact-sign-up")).ToHaveValueAsync("AnyoneInTenant");
        await admin.GotoAsync("/console/setup");
        await BrowserFixture.Screenshot(admin, "going-live-2-checklist-done");

        // 6. Fourth Coffee's user signs in with Microsoft and files a ticket; the admin answers it.
        var context = await browser.NewContext();
        var customer = await context.NewPageAsync();
        customer.SetDefaultTimeout(15_000);
        await customer.GotoAsync("/signin?returnUrl=%2Fportal%2Fnew");
        await customer.ClickAsync("#signin-microsoft");
        await customer.WaitForURLAsync("**/oauth2/v2.0/authorize**");
        await customer.ClickAsync($"button[name='user'][value='{customerUser}']");
        await customer.WaitForURLAsync("**/portal/new");
        var title = $"Cannot sign in to Teams {Guid.NewGuid():N}"[..36];
        await customer.FillAsync("#title", title);
        await customer.FillAsync("#description", "Since this morning nobody at the roastery can sign in to Teams.");
        await customer.SelectOptionAsync("#severity", "B");
        await customer.ClickAsync("#submit-ticket");
        await customer.WaitForURLAsync(url => url.Contains("/portal/tickets/", StringComparison.Ordinal));
        var ticketUrl = customer.Url;

        await admin.GotoAsync("/console");
        await BrowserFixture.WaitForInteractive(admin, "queue");
        var row = admin.Locator("#queue tbody tr", new PageLocatorOptions { HasText = title });
        await row.Locator("td:nth-child(2) a").ClickAsync();
        await admin.WaitForURLAsync(url => url.Contains("/console/tickets/", StringComparison.Ordinal));
        await BrowserFixture.WaitForInteractive(admin, "ticket");
        await admin.FillAsync("#reply-body", "We reset the conditional access policy that blocked Teams; please try again.");
        await admin.ClickAsync("#send-reply");
        await Assertions.Expect(admin.Locator(".message.agent")).ToContainTextAsync("conditional access policy");
        await BrowserFixture.Screenshot(admin, "going-live-3-answered");

        await customer.GotoAsync(ticketUrl);
        await Assertions.Expect(customer.Locator(".message.agent")).ToContainTextAsync("conditional access policy");

        // The answer also reaches the customer's mailbox, from the partner's support mailbox (after the acknowledgement of the ticket).
        var inbox = await mail.Inbox(customerUser, 2, waitSeconds: 30);
        var answer = Assert.Single(inbox, m => m.TextBody?.Contains("conditional access policy", StringComparison.Ordinal) == true);
        Assert.Equal(support, answer.From.Mailboxes.Single().Address);
        Assert.Equal("Tailwind Cloud", answer.From.Mailboxes.Single().Name);
    }

    private async Task<Guid> OrganisationId()
    {
        await using var scope = browser.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDesk.Platform.Data.PartnerDeskDb>();
        // The only organisation; its tenant is the one Partner Center's consent proved.
        return await db.Organisations.IgnoreQueryFilters().Where(o => o.TenantId == GoingLiveFixture.PartnerTenant).Select(o => o.Id).SingleAsync();
    }
}
