using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerDesk.Features.Audit;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Audit;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Audit;

/// <summary>
/// The audit log of agents' access to customers' data: who read or changed what, when, from where and through which
/// role; seen by the organisation's admins and by the customer's own admin contact, by nobody else; append-only.
/// </summary>
public sealed class AuditTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task Flush() => App.Services.GetRequiredService<AuditWriter>().Flush(Ct);

    [Fact]
    public async Task A_helpdesk_agents_reads_and_changes_are_recorded_with_the_gdap_roles_they_came_through()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Audit me", description = "A ticket whose reads are counted.", severity = "C", kind = "ServiceRequest", service = "Exchange Online" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);

        await (await helpdesk.GetAsync($"/api/v1/tickets/{ticket.Id}", Ct)).Read<TicketDetails>();
        await (await helpdesk.GetAsync($"/api/v1/tickets/{ticket.Id}", Ct)).Read<TicketDetails>(); // the same read within a minute: one access
        Assert.Equal(HttpStatusCode.OK, (await helpdesk.GetAsync($"/api/v1/customers/{DemoWorld.Ids.Adatum}/workspace", Ct)).StatusCode);
        await (await helpdesk.PatchAsJsonAsync($"/api/v1/tickets/{ticket.Id}", new { severity = "B" }, Ct)).Read<TicketDetails>();
        // A contact reading its own ticket is not an agent's access.
        await (await (await App.ClientFor(Demo.AdatumIt)).GetAsync($"/api/v1/tickets/{ticket.Id}", Ct)).Read<TicketDetails>();
        await Flush();

        var log = await (await admin.GetAsync($"/api/v1/audit?customerId={DemoWorld.Ids.Adatum}&actorId={DemoWorld.Ids.ContosoHelpdesk}&limit=500", Ct)).Read<Page<AuditEntryView>>();
        var reads = log.Items.Where(e => e.Action == "ticket.read" && e.Subject == ticket.Number).ToList();
        var read = Assert.Single(reads);
        Assert.Equal(("Diego Siciliani", "HelpdeskAgent", "api", "Adatum Corporation"), (read.ActorName, read.Reach, read.Via, read.CustomerName));
        Assert.Contains("Helpdesk Administrator", read.GdapRoles);
        Assert.Contains(log.Items, e => e.Action == "workspace.read");
        var change = Assert.Single(log.Items, e => e.Action == "change" && e.At >= read.At && e.Subject!.Contains("Ticket changed", StringComparison.Ordinal));
        Assert.Contains("Severity", change.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Items, e => e.ActorId == DemoWorld.Ids.AdatumIt);

        // The customer's admin contact sees its partner's access to its own data, without the agents' addresses.
        var own = await (await (await App.ClientFor(Demo.AdatumIt)).GetAsync("/api/v1/audit?limit=500", Ct)).Read<Page<AuditEntryView>>();
        Assert.Contains(own.Items, e => e.Action == "ticket.read" && e.Subject == ticket.Number);
        Assert.All(own.Items, e => Assert.Equal((DemoWorld.Ids.Adatum, (string?)null), (e.CustomerId, e.Address)));
    }

    [Fact]
    public async Task Only_admins_and_the_customers_own_admin_contact_read_the_log_and_nobody_changes_it()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Adatum, title = "Who reads the log", description = "Adatum only.", severity = "C", kind = "ServiceRequest", service = "Exchange Online" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);
        await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}", Ct)).Read<TicketDetails>();
        await Flush();

        Assert.Contains((await (await admin.GetAsync("/api/v1/audit?action=ticket.read", Ct)).Read<Page<AuditEntryView>>()).Items, e => e.Subject == ticket.Number);
        // Another organisation, another customer's admin, an agent who is no admin, a contact who is no admin: nothing.
        Assert.DoesNotContain((await (await (await App.ClientFor(Demo.FabrikamAdmin)).GetAsync("/api/v1/audit?limit=500", Ct)).Read<Page<AuditEntryView>>()).Items, e => e.CustomerId == DemoWorld.Ids.Adatum);
        Assert.DoesNotContain((await (await (await App.ClientFor(Demo.LitwareIt)).GetAsync("/api/v1/audit?limit=500", Ct)).Read<Page<AuditEntryView>>()).Items, e => e.CustomerId != DemoWorld.Ids.Litware);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.ContosoHelpdesk)).GetAsync("/api/v1/audit", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ClientFor(Demo.AdatumAnna)).GetAsync("/api/v1/audit", Ct)).StatusCode);

        // Bad filters name the field; no route changes or removes an entry.
        await (await admin.GetAsync("/api/v1/audit?action=ticket.delete", Ct)).ProblemNaming("action");
        await (await admin.GetAsync("/api/v1/audit?cursor=nonsense", Ct)).ProblemNaming("cursor");
        await (await admin.GetAsync("/api/v1/audit?format=xml", Ct)).ProblemNaming("format");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await admin.DeleteAsync("/api/v1/audit", Ct)).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var entry = await db.AuditEntries.OrderByDescending(e => e.Id).FirstAsync(Ct);
            entry.Subject = "nothing happened";
            return await db.SaveChangesAsync(Ct);
        }));
    }

    [Fact]
    public async Task The_log_pages_by_cursor_exports_as_csv_and_is_kept_for_its_retention()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        for (var i = 0; i < 3; i++)
        {
            var ticket = await (await admin.PostAsJsonAsync("/api/v1/tickets", new { customerId = DemoWorld.Ids.Litware, title = $"Paging {i}", description = "Paged.", severity = "C", kind = "ServiceRequest", service = "Exchange Online" }, Ct))
                .Read<TicketDetails>(HttpStatusCode.Created);
            await (await admin.GetAsync($"/api/v1/tickets/{ticket.Id}", Ct)).Read<TicketDetails>();
        }

        await Flush();
        var first = await (await admin.GetAsync($"/api/v1/audit?customerId={DemoWorld.Ids.Litware}&action=ticket.read&limit=2", Ct)).Read<Page<AuditEntryView>>();
        Assert.Equal(2, first.Items.Count);
        var second = await (await admin.GetAsync($"/api/v1/audit?customerId={DemoWorld.Ids.Litware}&action=ticket.read&limit=2&cursor={first.NextCursor}", Ct)).Read<Page<AuditEntryView>>();
        Assert.NotEmpty(second.Items);
        Assert.True(second.Items[0].Id < first.Items[^1].Id);

        var csv = await admin.GetAsync($"/api/v1/audit?customerId={DemoWorld.Ids.Litware}&format=csv", Ct);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,customer_id,customer,actor_id,actor,action,subject,address,via,reach,gdap_roles", lines[0]);
        Assert.Contains(lines, l => l.Contains($",{first.Items[0].Subject},", StringComparison.Ordinal) && l.Contains("ticket.read", StringComparison.Ordinal));

        // Retention: an entry older than 400 days goes at the hourly housekeeping; the recent ones stay.
        var old = await App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var entry = new AuditEntry
            {
                OrganisationId = DemoWorld.Ids.Contoso,
                CustomerId = DemoWorld.Ids.Litware,
                At = App.Clock.GetUtcNow().AddDays(-401),
                ActorId = DemoWorld.Ids.ContosoAdmin,
                ActorName = "Long ago",
                Action = "ticket.read",
                Via = "api",
                Reach = "AdminAgent",
            };
            db.AuditEntries.Add(entry);
            await db.SaveChangesAsync(Ct);
            return entry.Id;
        });
        await Housekeeping.RunOnce(App.Services.GetRequiredService<IServiceScopeFactory>(), App.Clock, Ct);
        var kept = await App.InDatabase(DemoWorld.Ids.Contoso, db => db.AuditEntries.Select(e => e.Id).ToListAsync(Ct));
        Assert.DoesNotContain(old, kept);
        Assert.Contains(first.Items[0].Id, kept);
    }
}
