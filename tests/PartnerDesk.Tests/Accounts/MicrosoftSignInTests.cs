using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.People;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Simulator.Graph;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Accounts;

/// <summary>Sign in with Microsoft through the simulated Entra ID, with the real OpenID Connect handler.</summary>
public sealed class MicrosoftSignInTests(MicrosoftSignInWorld world) : IClassFixture<MicrosoftSignInWorld>
{
    private PartnerDeskApp App => world.App;

    [Fact]
    public async Task An_agent_signs_in_with_its_tenant_s_account_and_is_matched_by_object_id_from_then_on()
    {
        using var browser = world.Browser();
        Assert.Equal("/console", await world.SignIn(browser, Demo.ContosoHelpdesk, "/console"));
        var agents = await browser.GetAsync("/api/v1/agents");
        Assert.Equal(HttpStatusCode.OK, agents.StatusCode); // the cookie session is an agent's

        var oid = EntraDirectory.ObjectIdOf(Demo.ContosoHelpdesk);
        var linked = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Users.SingleAsync(u => u.Id == DemoWorld.Ids.ContosoHelpdesk));
        Assert.Equal(DemoWorld.Ids.Contoso, linked.EntraTenantId);
        Assert.Equal(oid, linked.EntraObjectId);
        Assert.NotNull(linked.LastSignInAt);

        // The agent's address changes in PartnerDesk: the object id still finds it.
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Agents.Where(a => a.Id == DemoWorld.Ids.ContosoHelpdesk)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Email, "diego.siciliani@contoso-cloud.example")));
        using var again = world.Browser();
        Assert.Equal("/", await world.SignIn(again, Demo.ContosoHelpdesk));
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/v1/agents")).StatusCode);
    }

    [Fact]
    public async Task A_customer_s_user_signs_in_with_its_tenant_and_lands_in_the_portal_of_its_customer()
    {
        using var browser = world.Browser();
        Assert.Equal("/portal", await world.SignIn(browser, Demo.AdatumAnna));
        var tickets = await browser.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/tickets");
        Assert.All(tickets.GetProperty("items").EnumerateArray(), t => Assert.Equal(DemoWorld.Ids.Adatum, t.GetProperty("customerId").GetGuid()));
        var contact = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.SingleAsync(c => c.Id == DemoWorld.Ids.AdatumAnna));
        Assert.Equal(EntraDirectory.ObjectIdOf(Demo.AdatumAnna), contact.DirectoryObjectId);
    }

    [Fact]
    public async Task A_tenant_nobody_serves_is_told_so_and_nothing_is_created()
    {
        var accounts = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Users.CountAsync());
        using var browser = world.Browser();
        Assert.Equal("/signin/refused?reason=UnknownTenant", await world.SignIn(browser, "someone@unknown.example"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/tickets")).StatusCode);
        Assert.Equal(accounts, await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Users.CountAsync()));

        var page = await browser.GetStringAsync("/signin/refused?reason=UnknownTenant");
        Assert.Contains("Your Microsoft organisation is not known here.", page, StringComparison.Ordinal);
        await PartnerDeskApp.SwitchLanguage(browser, "de");
        Assert.Contains("Ihre Microsoft-Organisation ist hier nicht bekannt.", await browser.GetStringAsync("/signin/refused?reason=UnknownTenant"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_colleague_who_is_no_agent_yet_and_a_deactivated_agent_are_refused()
    {
        using var browser = world.Browser();
        Assert.Equal("/signin/refused?reason=NotAnAgent", await world.SignIn(browser, "newhire@contoso-cloud.example"));

        await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.Agents.Where(a => a.Id == DemoWorld.Ids.FabrikamHelpdesk)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.IsActive, false)));
        Assert.Equal("/signin/refused?reason=AgentDisabled", await world.SignIn(browser, Demo.FabrikamHelpdesk));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/tickets")).StatusCode);
        await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.Agents.Where(a => a.Id == DemoWorld.Ids.FabrikamHelpdesk)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.IsActive, true)));
    }

    [Fact]
    public async Task A_customer_s_user_who_is_no_contact_gets_in_only_where_the_customer_allows_anyone_of_its_tenant()
    {
        using var browser = world.Browser();
        Assert.Equal("/signin/refused?reason=NotAContact", await world.SignIn(browser, "lena@litware.example"));
        Assert.False(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.AnyAsync(c => c.Email == "lena@litware.example")));

        var admin = await App.ClientFor(Demo.ContosoAdmin);
        (await admin.PutAsJsonAsync($"/api/v1/customers/{DemoWorld.Ids.Litware}/contact-sign-up", new { contactSignUp = "AnyoneInTenant" })).EnsureSuccessStatusCode();
        Assert.Equal("/portal", await world.SignIn(browser, "lena@litware.example"));
        var lena = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.SingleAsync(c => c.Email == "lena@litware.example"));
        Assert.Equal(DemoWorld.Ids.Litware, lena.CustomerId);
        Assert.Equal(ContactOrigin.SignedIn, lena.Origin);
        Assert.False(lena.IsCustomerAdmin);

        // A user the tenant disabled never gets a code from Entra ID; one the partner deactivated is told so.
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.Where(c => c.Id == lena.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.IsActive, false)));
        using var later = world.Browser();
        Assert.Equal("/signin/refused?reason=ContactDisabled", await world.SignIn(later, "lena@litware.example"));
    }

    [Fact]
    public async Task A_guest_of_a_customer_s_tenant_is_refused_even_where_anyone_of_the_tenant_may_sign_in()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        (await admin.PutAsJsonAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/contact-sign-up", new { contactSignUp = "AnyoneInTenant" })).EnsureSuccessStatusCode();
        using var browser = world.Browser();
        Assert.Equal("/signin/refused?reason=Guest", await world.SignIn(browser, "vendor_contoso-cloud.example#EXT#@adatum.onmicrosoft.com"));
        Assert.False(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.AnyAsync(c => c.CustomerId == DemoWorld.Ids.Adatum && c.DisplayName == "Guest Vendor")));
        (await admin.PutAsJsonAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/contact-sign-up", new { contactSignUp = "InvitedOnly" })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task An_invitation_is_personal_and_where_microsoft_is_required_it_is_accepted_only_with_microsoft()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var hire = world.NewColleague(DemoWorld.Ids.Contoso, "contoso-cloud.example");
        var invited = await (await admin.PostAsJsonAsync("/api/v1/invitations", new { email = hire, kind = "Agent" })).Read<CreatedInvitation>(HttpStatusCode.Created);
        var token = invited.Link[(invited.Link.LastIndexOf('/') + 1)..];

        // Sales' Megan opens the forwarded link and picks her own account: refused, nothing is linked.
        using var megan = world.Browser();
        var refused = await world.SignIn(megan, Demo.ContosoSales, invitation: token);
        Assert.StartsWith($"/invite/{token}?error=", refused, StringComparison.Ordinal);
        Assert.Contains(hire, Uri.UnescapeDataString(refused), StringComparison.Ordinal);
        Assert.Null(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Users.Where(u => u.Id == DemoWorld.Ids.ContosoSales).Select(u => u.EntraObjectId).SingleAsync()));

        // Contoso requires Microsoft: a password cannot accept an agent's invitation.
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Organisations.ExecuteUpdateAsync(s => s.SetProperty(o => o.RequireMicrosoftSignIn, true)));
        using var anonymous = App.CreateClient();
        var password = await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = "a long enough passphrase" });
        Assert.Contains("accept the invitation with your Microsoft work account", (await password.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var alex = world.Browser();
        Assert.Equal("/", await world.SignIn(alex, hire, invitation: token));
        await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Organisations.ExecuteUpdateAsync(s => s.SetProperty(o => o.RequireMicrosoftSignIn, false)));
    }

    [Theory]
    [InlineData(SignInFaultKind.WrongAudience)]
    [InlineData(SignInFaultKind.WrongIssuer)]
    [InlineData(SignInFaultKind.Expired)]
    [InlineData(SignInFaultKind.BadSignature)]
    [InlineData(SignInFaultKind.ReplayedNonce)]
    public async Task A_token_with_a_wrong_audience_issuer_lifetime_signature_or_nonce_is_refused(SignInFaultKind fault)
    {
        using var first = world.Browser();
        await world.SignIn(first, Demo.TailspinIt); // an earlier sign-in, whose nonce a replay reuses

        world.Simulator.SignIn.ArmFault(fault);
        using var browser = world.Browser();
        Assert.Equal("/signin/refused?reason=Token", await world.SignIn(browser, Demo.TailspinIt));
        Assert.Null(world.Simulator.SignIn.ArmedFault); // the fault was spent on this sign-in
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/tickets")).StatusCode);
    }

    [Fact]
    public async Task Rotated_signing_keys_are_fetched_when_a_token_names_a_new_one()
    {
        world.Simulator.SignIn.RotateKeys(retireOld: true);
        using var browser = world.Browser();
        Assert.Equal("/portal", await world.SignIn(browser, Demo.WideWorldIt));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/tickets")).StatusCode);
    }

    [Fact]
    public async Task An_admin_proves_the_organisation_s_tenant_by_linking_its_own_microsoft_account()
    {
        // Alpine names no tenant yet; its only agent is made an admin.
        await App.InDatabase(DemoWorld.Ids.Alpine, async db =>
        {
            await db.Agents.Where(a => a.Id == DemoWorld.Ids.AlpineAgent).ExecuteUpdateAsync(s => s.SetProperty(a => a.Role, AgentRole.AdminAgent));
            return await db.Organisations.ExecuteUpdateAsync(s => s.SetProperty(o => o.TenantId, (Guid?)null));
        });
        using var browser = world.Browser();
        await MicrosoftSignInWorld.PasswordSignIn(browser, Demo.AlpineAgent);
        var api = await App.ClientFor(Demo.AlpineAgent); // the API changes state for a bearer token only
        await (await api.PutAsJsonAsync("/api/v1/organisation/sign-in", new { useMyMicrosoftTenant = true })).ProblemNaming("useMyMicrosoftTenant");

        // Linking needs the ticket the account page gives for the password typed again: a made-up one is refused.
        var tickets = App.Services.GetRequiredService<MicrosoftLinkTickets>();
        Assert.Equal("/account?refused=PasswordNeeded", await world.SignIn(browser, Demo.AlpineAgent, link: "made-up"));
        Assert.Equal("/account?refused=PasswordNeeded", await world.SignIn(browser, Demo.AlpineAgent, link: tickets.Issue(DemoWorld.Ids.ContosoAdmin)));

        // A customer's tenant cannot be claimed: linking an Adatum account is refused.
        Assert.Equal("/account?refused=InvitationOtherTenant", await world.SignIn(browser, Demo.AdatumIt, link: tickets.Issue(DemoWorld.Ids.AlpineAgent)));
        Assert.Equal("/account?linked=microsoft", await world.SignIn(browser, Demo.AlpineAgent, link: tickets.Issue(DemoWorld.Ids.AlpineAgent)));
        var settings = await (await api.PutAsJsonAsync("/api/v1/organisation/sign-in", new { useMyMicrosoftTenant = true })).Read<SignInSettings>();
        Assert.Equal(DemoWorld.Ids.Alpine, settings.TenantId);
    }

    [Fact]
    public async Task An_admin_can_require_microsoft_sign_in_for_agents_after_using_it_once()
    {
        var admin = await App.ClientFor(Demo.NorthwindAdmin);
        var refused = await admin.PutAsJsonAsync("/api/v1/organisation/sign-in", new { requireMicrosoftSignIn = true });
        await refused.ProblemNaming("requireMicrosoftSignIn"); // never signed in with Microsoft: it would lock itself out

        // A colleague signed in with a password, before.
        var invited = await (await admin.PostAsJsonAsync("/api/v1/invitations", new { email = "ops@northwind-distribution.example", kind = "Agent" })).Read<CreatedInvitation>(HttpStatusCode.Created);
        using (var anonymousAccept = App.CreateClient())
        {
            (await anonymousAccept.PostAsJsonAsync("/api/v1/invitations/accept", new { token = invited.Link[(invited.Link.LastIndexOf('/') + 1)..], password = "a long enough passphrase" })).EnsureSuccessStatusCode();
        }

        using var colleague = App.CreateClient();
        var session = await (await colleague.PostAsJsonAsync("/api/v1/auth/token", new { email = "ops@northwind-distribution.example", password = "a long enough passphrase" })).Read<System.Text.Json.JsonElement>();
        colleague.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.OK, (await colleague.GetAsync("/api/v1/tickets")).StatusCode);

        using var browser = world.Browser();
        await world.SignIn(browser, Demo.NorthwindAdmin);
        var required = await admin.PutAsJsonAsync("/api/v1/organisation/sign-in", new { requireMicrosoftSignIn = true });
        Assert.True((await required.Read<SignInSettings>()).RequireMicrosoftSignIn);
        Assert.Equal(HttpStatusCode.Unauthorized, (await colleague.GetAsync("/api/v1/tickets")).StatusCode); // its password session ended

        // The right password no longer opens a session; the answer says why only to whoever knows it.
        using var anonymous = App.CreateClient();
        var password = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email = Demo.NorthwindAdmin, password = TestDatabase.DemoPassword });
        var problem = await password.Problem(HttpStatusCode.Unauthorized);
        Assert.Contains("requires Sign in with Microsoft", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email = Demo.NorthwindAdmin, password = "not-the-password-at-all" });
        Assert.DoesNotContain("Microsoft", (await wrong.Problem(HttpStatusCode.Unauthorized)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Microsoft sign-in still works.
        using var again = world.Browser();
        Assert.Equal("/", await world.SignIn(again, Demo.NorthwindAdmin));
        (await admin.PutAsJsonAsync("/api/v1/organisation/sign-in", new { requireMicrosoftSignIn = false })).EnsureSuccessStatusCode();
    }
}
