using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.People;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Simulator.Graph;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.People;

/// <summary>The people of a desk: invitations, agents and contacts, and a customer's users read from its tenant.</summary>
public sealed class PeopleTests(MicrosoftSignInWorld world) : IClassFixture<MicrosoftSignInWorld>
{
    private PartnerDeskApp App => world.App;

    private static async Task<CreatedInvitation> Invite(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/invitations", request);
        return await response.Read<CreatedInvitation>(HttpStatusCode.Created);
    }

    private async Task<HttpClient> SignedIn(string email, string password)
    {
        using var anonymous = App.CreateClient();
        var token = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.Read<JsonElement>()).GetProperty("accessToken").GetString());
        return client;
    }

    private static string TokenOf(CreatedInvitation created) => created.Link[(created.Link.LastIndexOf('/') + 1)..];

    [Fact]
    public async Task An_admin_invites_an_agent_who_accepts_with_a_password_and_works_a_ticket()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var created = await Invite(admin, new { email = "kim@contoso-cloud.example", kind = "Agent", role = "HelpdeskAgent", displayName = "Kim Akers" });
        Assert.Equal("Open", created.Invitation.State);
        Assert.StartsWith("http://localhost/invite/", created.Link, StringComparison.Ordinal);

        // The link is mailed through the outbox, protected: the database alone does not hold it.
        var mail = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.OutboxMessages.SingleAsync(m => m.SubjectId == created.Invitation.Id));
        Assert.Equal(Invitations.MailKind, mail.Kind);
        Assert.DoesNotContain(TokenOf(created), mail.Payload, StringComparison.Ordinal);

        using var anonymous = App.CreateClient();
        var accepted = await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token = TokenOf(created), password = "a long enough passphrase" });
        var account = await accepted.Read<AcceptedInvitation>();
        Assert.Equal("Agent", account.Kind);

        // Used once.
        var again = await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token = TokenOf(created), password = "a long enough passphrase" });
        Assert.Contains("used already", (await again.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Kim works a ticket: the new agent is in the list, signs in, and takes and answers a ticket of the queue.
        var agents = await (await admin.GetAsync("/api/v1/agents")).Read<List<AgentView>>();
        var kim = Assert.Single(agents, a => a.Email == "kim@contoso-cloud.example");
        Assert.Equal(AgentRole.HelpdeskAgent, kim.Role);
        // Kim joins the helpdesk's Entra group, as the GDAP sync records it: now Kim reaches Adatum.
        await App.InDatabase(DemoWorld.Ids.Contoso, db =>
        {
            db.SecurityGroupMembers.Add(new SecurityGroupMember { SecurityGroupId = DemoWorld.Ids.ContosoHelpdeskGroup, AgentId = kim.Id, OrganisationId = DemoWorld.Ids.Contoso });
            return db.SaveChangesAsync();
        });
        using var kimClient = await SignedIn("kim@contoso-cloud.example", "a long enough passphrase");
        var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Printer offline", description = "The printer on floor 2 is offline.", severity = "C", kind = "Incident" }))
            .Read<JsonElement>(HttpStatusCode.Created);
        var id = ticket.GetProperty("id").GetGuid();
        (await kimClient.PatchAsJsonAsync($"/api/v1/tickets/{id}", new { assigneeId = kim.Id, status = "Open" })).EnsureSuccessStatusCode();
        (await kimClient.PostAsJsonAsync($"/api/v1/tickets/{id}/messages", new { body = "I am on it.", visibility = "Public" })).EnsureSuccessStatusCode();
        var read = await kimClient.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{id}");
        Assert.Equal(kim.Id, read.GetProperty("assigneeId").GetGuid());
    }

    [Fact]
    public async Task Bad_invitations_get_clear_errors_and_nothing_is_half_saved()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var first = await Invite(admin, new { email = "twice@contoso-cloud.example", kind = "Agent" });

        var second = await admin.PostAsJsonAsync("/api/v1/invitations", new { email = "Twice@Contoso-Cloud.example", kind = "Agent" });
        Assert.Contains("open invitation", (await second.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var taken = await admin.PostAsJsonAsync("/api/v1/invitations", new { email = Demo.FabrikamHelpdesk, kind = "Agent" });
        Assert.Contains("another organisation", (await taken.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        await (await admin.PostAsJsonAsync("/api/v1/invitations", new { email = "not an address", kind = "Agent" })).ProblemNaming("email");
        await (await admin.PostAsJsonAsync("/api/v1/invitations", new { email = "x@y.example", kind = "Contact" })).ProblemNaming("customerId");

        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        await (await helpdesk.PostAsJsonAsync("/api/v1/invitations", new { email = "new@contoso-cloud.example", kind = "Agent" })).ProblemNaming("kind");
        // Tailspin is Contoso's, but outside the helpdesk's GDAP reach; Woodgrove is Fabrikam's.
        await (await helpdesk.PostAsJsonAsync("/api/v1/invitations", new { email = "new@tailspintoys.example", kind = "Contact", customerId = DemoWorld.Ids.Tailspin })).ProblemNaming("customerId");
        await (await helpdesk.PostAsJsonAsync("/api/v1/invitations", new { email = "new@woodgrovebank.example", kind = "Contact", customerId = DemoWorld.Ids.WoodgroveBank })).ProblemNaming("customerId");

        // An expired link: refused, and the person can be invited again.
        App.Clock.Advance(Invitations.Lifetime + TimeSpan.FromMinutes(1));
        using var anonymous = App.CreateClient();
        var expired = await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token = TokenOf(first), password = "a long enough passphrase" });
        Assert.Contains("expired", (await expired.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        App.ForgetTokens();
        admin = await App.ClientFor(Demo.ContosoAdmin);
        var resent = await (await admin.PostAsync($"/api/v1/invitations/{first.Invitation.Id}/resend", null)).Read<CreatedInvitation>();
        Assert.NotEqual(first.Link, resent.Link);

        // A short password: the field is named, and no account, agent or acceptance is left behind.
        var weak = await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token = TokenOf(resent), password = "short" });
        await weak.ProblemNaming("password");
        Assert.False(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Agents.AnyAsync(a => a.Email == "twice@contoso-cloud.example")));
        Assert.False(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Users.AnyAsync(u => u.Email == "twice@contoso-cloud.example")));
        Assert.Null(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Invitations.Where(i => i.Id == first.Invitation.Id).Select(i => i.AcceptedAt).SingleAsync()));

        // Withdrawn: the link is dead.
        (await admin.DeleteAsync($"/api/v1/invitations/{first.Invitation.Id}")).EnsureSuccessStatusCode();
        var withdrawn = await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token = TokenOf(resent), password = "a long enough passphrase" });
        Assert.Contains("withdrawn", (await withdrawn.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_invitation_letter_waits_for_a_mailbox_and_a_link_sent_anew_is_never_mailed()
    {
        var admin = await App.ClientFor(Demo.NorthwindAdmin);
        var first = await Invite(admin, new { email = "ops@northwind-distribution.example", kind = "Agent" });
        var handler = App.Services.GetServices<IOutboxHandler>().Single(h => h.Kind == Invitations.MailKind);
        var letter = await App.InDatabase(DemoWorld.Ids.Northwind, db => db.OutboxMessages.Where(m => m.SubjectId == first.Invitation.Id).Select(m => m.Id).SingleAsync());
        async Task<OutboxOutcome> Carry() =>
            await App.InDatabase(DemoWorld.Ids.Northwind, async db =>
                await handler.Carry(await db.OutboxMessages.SingleAsync(m => m.Id == letter), db, TestContext.Current.CancellationToken));

        // Northwind has no mailbox: the letter is refused with the reason, and the inviter has the link to pass on.
        var outcome = await Carry();
        Assert.Contains("pass the invitation link on by hand", outcome.ToString(), StringComparison.Ordinal);

        // Sent anew: the first letter's link is dead and is not mailed (Sent, with nothing to send).
        await (await admin.PostAsync($"/api/v1/invitations/{first.Invitation.Id}/resend", null)).Read<CreatedInvitation>();
        Assert.Equal(OutboxOutcome.Sent, await Carry());
    }

    [Fact]
    public async Task The_last_admin_cannot_remove_itself_and_a_deactivated_agent_loses_every_session_at_once()
    {
        var admin = await App.ClientFor(Demo.FabrikamAdmin);
        var agents = await (await admin.GetAsync("/api/v1/agents")).Read<List<AgentView>>();
        var me = agents.Single(a => a.Email == Demo.FabrikamAdmin);
        await (await admin.PostAsync($"/api/v1/agents/{me.Id}/deactivate", null)).Problem(HttpStatusCode.Conflict);
        await (await admin.PatchAsJsonAsync($"/api/v1/agents/{me.Id}", new { role = "HelpdeskAgent" })).Problem(HttpStatusCode.Conflict);
        await (await admin.PatchAsJsonAsync($"/api/v1/agents/{me.Id}", new { role = "Boss" })).ProblemNaming("role");

        // The helpdesk agent, signed in with a token and with a cookie, is deactivated: both stop at once.
        var helpdeskToken = await App.ClientFor(Demo.FabrikamHelpdesk);
        using var helpdeskCookie = await App.CookieClientFor(Demo.FabrikamHelpdesk);
        Assert.Equal(HttpStatusCode.OK, (await helpdeskCookie.GetAsync("/api/v1/tickets")).StatusCode);
        var helpdesk = agents.Single(a => a.Email == Demo.FabrikamHelpdesk);
        var deactivated = await (await admin.PostAsync($"/api/v1/agents/{helpdesk.Id}/deactivate", null)).Read<AgentView>();
        Assert.False(deactivated.IsActive);
        Assert.Equal(HttpStatusCode.Unauthorized, (await helpdeskToken.GetAsync("/api/v1/tickets")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await helpdeskCookie.GetAsync("/api/v1/tickets")).StatusCode);
        Assert.Equal(0, await App.InDatabase(DemoWorld.Ids.Fabrikam, db => db.ApiTokens.CountAsync(t => t.UserId == helpdesk.Id && t.RevokedAt == null)));

        // Reactivated, it signs in afresh.
        (await admin.PostAsync($"/api/v1/agents/{helpdesk.Id}/reactivate", null)).EnsureSuccessStatusCode();
        App.ForgetTokens();
        Assert.Equal(HttpStatusCode.OK, (await (await App.ClientFor(Demo.FabrikamHelpdesk)).GetAsync("/api/v1/tickets")).StatusCode);

        // Not an admin: no agent administration.
        var sales = await App.ClientFor(Demo.ContosoSales);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.PostAsync($"/api/v1/agents/{me.Id}/deactivate", null)).StatusCode);
    }

    [Fact]
    public async Task A_customer_admin_manages_its_own_customer_s_contacts_and_nobody_else_s()
    {
        var it = await App.ClientFor(Demo.WideWorldIt);
        var created = await Invite(it, new { email = "sara@wideworldimporters.example", kind = "Contact", customerId = DemoWorld.Ids.WideWorldImporters, customerAdmin = true });
        Assert.True(created.Invitation.CustomerAdmin);
        await (await it.PostAsJsonAsync("/api/v1/invitations", new { email = "x@woodgrovebank.example", kind = "Contact", customerId = DemoWorld.Ids.WoodgroveBank })).ProblemNaming("customerId");
        await (await it.PostAsJsonAsync("/api/v1/invitations", new { email = "x@wideworldimporters.example", kind = "Agent" })).ProblemNaming("kind");
        Assert.Equal(HttpStatusCode.NotFound, (await it.GetAsync($"/api/v1/customers/{DemoWorld.Ids.WoodgroveBank}/contacts")).StatusCode);

        using var anonymous = App.CreateClient();
        (await anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token = TokenOf(created), displayName = "Sara Davis", password = "a long enough passphrase" })).EnsureSuccessStatusCode();
        var contacts = await (await it.GetAsync($"/api/v1/customers/{DemoWorld.Ids.WideWorldImporters}/contacts")).Read<List<ContactView>>();
        var sara = Assert.Single(contacts, c => c.Email == "sara@wideworldimporters.example");
        Assert.True(sara.IsCustomerAdmin);
        Assert.Equal(ContactOrigin.Invited, sara.Origin);

        // The original admin steps down: allowed now that Sara is an admin; Sara, the last one, may not.
        var me = contacts.Single(c => c.Email == Demo.WideWorldIt);
        (await it.PatchAsJsonAsync($"/api/v1/contacts/{me.Id}", new { isCustomerAdmin = false })).EnsureSuccessStatusCode();
        using var saraClient = await SignedIn("sara@wideworldimporters.example", "a long enough passphrase");
        await (await saraClient.PatchAsJsonAsync($"/api/v1/contacts/{sara.Id}", new { isActive = false })).Problem(HttpStatusCode.Conflict);
        // A contact who is no admin manages nobody.
        var former = await App.ClientFor(Demo.WideWorldIt);
        Assert.Equal(HttpStatusCode.NotFound, (await former.PatchAsJsonAsync($"/api/v1/contacts/{sara.Id}", new { isActive = false })).StatusCode);
        (await saraClient.PatchAsJsonAsync($"/api/v1/contacts/{me.Id}", new { isCustomerAdmin = true })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_customer_s_users_come_in_from_its_tenant_and_what_people_changed_by_hand_stays()
    {
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        var result = await (await helpdesk.PostAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/contacts/import", null)).Read<ContactImportResult>();
        Assert.Equal(1, result.Added);    // ben; former@ is disabled in the tenant
        Assert.Equal(2, result.Linked);   // it@ and anna@ were contacts already
        var ben = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.SingleAsync(c => c.Email == "ben@adatum.example"));
        Assert.Equal(ContactOrigin.Imported, ben.Origin);
        Assert.Equal(EntraDirectory.ObjectIdOf("ben@adatum.example"), ben.DirectoryObjectId);
        Assert.False(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.AnyAsync(c => c.Email == "former@adatum.example")));

        // Ben can now sign in with Microsoft, though Adatum admits invited people only: the import made him a contact.
        using var browser = world.Browser();
        Assert.Equal("/portal", await world.SignIn(browser, "ben@adatum.example"));

        // In the tenant, Ben is renamed and then disabled; Anna's name was changed by hand in PartnerDesk.
        var adatum = world.Simulator.Directory.TenantOf(new Guid("0c0c0c56-0001-7000-8000-000000000001"))!;
        var users = adatum.Users.Select(u => u.UserPrincipalName == "ben@adatum.example" ? new EntraUser { UserPrincipalName = u.UserPrincipalName, DisplayName = "Benjamin Walters", Mail = u.Mail, AccountEnabled = u.AccountEnabled, Id = u.Id } : u).ToList();
        world.Simulator.Directory.Set(new DirectoryTenant { TenantId = adatum.TenantId, DisplayName = adatum.DisplayName, Users = users });
        var again = await (await helpdesk.PostAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/contacts/import", null)).Read<ContactImportResult>();
        Assert.Equal(1, again.Renamed);
        Assert.Equal("Benjamin Walters", (await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.SingleAsync(c => c.Id == ben.Id))).DisplayName);

        users.Single(u => u.UserPrincipalName == "ben@adatum.example").AccountEnabled = false;
        world.Simulator.Directory.Set(new DirectoryTenant { TenantId = adatum.TenantId, DisplayName = adatum.DisplayName, Users = users });
        var third = await (await helpdesk.PostAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/contacts/import", null)).Read<ContactImportResult>();
        Assert.Equal(1, third.Deactivated);
        Assert.False((await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.SingleAsync(c => c.Id == ben.Id))).IsActive);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/tickets")).StatusCode);

        // Reactivated by hand: the next import leaves it so.
        (await helpdesk.PatchAsJsonAsync($"/api/v1/contacts/{ben.Id}", new { isActive = true })).EnsureSuccessStatusCode();
        await (await helpdesk.PostAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/contacts/import", null)).Read<ContactImportResult>();
        Assert.True((await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.SingleAsync(c => c.Id == ben.Id))).IsActive);

        // Once imported, the customer's users are read daily: a newcomer in the tenant appears by itself.
        users.Add(new EntraUser { UserPrincipalName = "carl@adatum.example", DisplayName = "Carl Jensen", Mail = "carl@adatum.example", Id = EntraDirectory.ObjectIdOf("carl@adatum.example") });
        world.Simulator.Directory.Set(new DirectoryTenant { TenantId = adatum.TenantId, DisplayName = adatum.DisplayName, Users = users });
        var job = App.Services.GetRequiredService<ContactImportJob>();
        Assert.Equal(0, await job.RunOnce(TestContext.Current.CancellationToken)); // imported minutes ago: not due
        App.Clock.Advance(TimeSpan.FromHours(25));
        Assert.True(await job.RunOnce(TestContext.Current.CancellationToken) >= 1);
        Assert.True(await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.AnyAsync(c => c.Email == "carl@adatum.example" && c.Origin == ContactOrigin.Imported)));
        App.ForgetTokens();
        helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);

        // Without a GDAP role that reads the directory, nothing is read.
        await App.InDatabase(DemoWorld.Ids.Fabrikam, async db =>
        {
            foreach (var r in await db.DelegatedAdminRelationships.Where(r => r.CustomerId == DemoWorld.Ids.WoodgroveBank).ToListAsync())
            {
                r.UnifiedRoles = [EntraRoles.ExchangeAdministrator];
            }

            return await db.SaveChangesAsync();
        });
        var fabrikam = await App.ClientFor(Demo.FabrikamAdmin);
        var refused = await fabrikam.PostAsync($"/api/v1/customers/{DemoWorld.Ids.WoodgroveBank}/contacts/import", null);
        Assert.Contains("GDAP", (await refused.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
