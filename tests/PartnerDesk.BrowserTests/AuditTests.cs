using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Audit;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>The audit log in the console (admins) and in the portal (the customer's admin), and the deliveries page.</summary>
public sealed class AuditTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_agent_opening_a_ticket_shows_in_the_admins_audit_log_and_in_the_customers_portal()
    {
        var (ticketId, number) = await browser.App.InDatabase(DemoWorld.Ids.Contoso, async db =>
        {
            var t = await db.Tickets.Where(t => t.CustomerId == DemoWorld.Ids.Adatum).OrderBy(t => t.Number).Select(t => new { t.Id, t.Number }).FirstAsync();
            return (t.Id, t.Number);
        });
        var admin = await browser.SignedIn(Demo.ContosoAdmin);
        await admin.GotoAsync($"/console/tickets/{ticketId}");
        await BrowserFixture.WaitForInteractive(admin, "ticket");
        await browser.App.Services.GetRequiredService<AuditWriter>().Flush(TestContext.Current.CancellationToken);

        await admin.GotoAsync("/console/audit");
        await BrowserFixture.WaitForInteractive(admin, "audit");
        await admin.SelectOptionAsync("#audit-customer", new SelectOptionValue { Label = "Adatum Corporation" });
        await admin.SelectOptionAsync("#audit-action", "ticket.read");
        await admin.ClickAsync("#audit-search");
        var row = admin.Locator("#audit tbody tr").Filter(new LocatorFilterOptions { HasText = TicketNumber.Format(number) }).First;
        await Assertions.Expect(row).ToContainTextAsync("Opened a ticket");
        await Assertions.Expect(row).ToContainTextAsync("AdminAgent");
        await Assertions.Expect(admin.Locator("#audit-csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("format=csv.*action=ticket.read"));
        await BrowserFixture.Screenshot(admin, "audit-console");
        await admin.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(admin, "audit-console-phone");
        await admin.SetViewportSizeAsync(1280, 800);

        await admin.GotoAsync("/console/deliveries");
        await BrowserFixture.WaitForInteractive(admin, "deliveries");
        await Assertions.Expect(admin.Locator("#failed")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(admin, "deliveries");

        // Adatum's admin contact sees the partner's access to Adatum's data.
        var contact = await browser.SignedIn(Demo.AdatumIt);
        await contact.GotoAsync("/portal/audit");
        await BrowserFixture.WaitForInteractive(contact, "portal-audit");
        await Assertions.Expect(contact.Locator("#audit tbody tr").Filter(new LocatorFilterOptions { HasText = TicketNumber.Format(number) }).First).ToContainTextAsync("Opened a ticket");
        await Assertions.Expect(contact.Locator("#audit-customer")).ToHaveCountAsync(0);
        await BrowserFixture.Screenshot(contact, "audit-portal");
        await contact.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(contact, "audit-portal-phone");
    }
}
