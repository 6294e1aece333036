using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Plans;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

/// <summary>What a partner sells, set up in the console: service hours, a plan, a customer's contract.</summary>
public sealed class PlansConsoleTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_admin_sets_up_service_hours_a_plan_and_a_contract_and_field_errors_come_in_the_admin_s_language()
    {
        var page = await browser.SignedIn(Demo.ContosoAdmin);

        // Service hours: weekdays 08:00–18:00 are filled in; Saturday morning is added.
        await page.GotoAsync("/console/calendars");
        await BrowserFixture.WaitForInteractive(page, "calendars");
        await page.ClickAsync("#calendar-new");
        await page.FillAsync("#calendar-name", "Weekdays and Saturday morning");
        await page.FillAsync("input.day-hours[data-day='Saturday']", "09:00-12:00");
        await page.ClickAsync("#calendar-save");
        await Assertions.Expect(page.Locator("#calendars tr[data-calendar='Weekdays and Saturday morning']")).ToContainTextAsync("09:00–12:00");
        await BrowserFixture.Screenshot(page, "calendars");

        // A plan, in German: the empty name is refused beside the field, in German; nothing is saved.
        await page.GotoAsync("/console/plans");
        await page.ClickAsync("#language-de");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await BrowserFixture.WaitForInteractive(page, "plans");
        await page.ClickAsync("#plan-new");
        await page.SelectOptionAsync("#plan-calendar", new SelectOptionValue { Label = "Weekdays and Saturday morning (Europe/Berlin)" });
        await page.FillAsync("#plan-targets tr[data-severity='A'] input.target-first", "30");
        await page.FillAsync("#plan-targets tr[data-severity='A'] input.target-resolution", "240");
        await page.FillAsync("#plan-monthly", "-5");
        await page.ClickAsync("#plan-save");
        await Assertions.Expect(page.Locator("#plan-form .field-error[data-field='name']")).ToHaveTextAsync("Das Feld „Name“ ist erforderlich.");
        await Assertions.Expect(page.Locator("#plan-form .field-error[data-field='pricing.monthlyFee']")).ToHaveTextAsync("Beträge können nicht negativ sein.");
        await BrowserFixture.Screenshot(page, "plans-field-errors-de");
        Assert.False(await browser.App.InDatabase(DemoWorld.Ids.Contoso, db => db.Set<SupportPlan>().AnyAsync(p => p.Name == "Premium 24/7")));

        await page.FillAsync("#plan-name", "Premium 24/7");
        await page.FillAsync("#plan-monthly", "990");
        await page.ClickAsync("#plan-save");
        await Assertions.Expect(page.Locator("#plans tr[data-plan='Premium 24/7']")).ToContainTextAsync("30 min");

        // Tailspin, which has no contract, gets one on the new plan.
        await page.GotoAsync("/console/plans");
        await page.ClickAsync("#language-en");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await BrowserFixture.WaitForInteractive(page, "plans");

        // The contract opens in a panel at the side (decisions 8x): the focus goes in, Escape closes it, the focus comes back.
        var edit = page.Locator("#contracts tr[data-contract] button.link").First;
        await edit.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#contract-form.side-panel")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#contract-plan")).ToBeFocusedAsync(); // the customer of a contract is fixed
        await BrowserFixture.Screenshot(page, "contract-panel-desktop");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#contract-form")).ToHaveCountAsync(0);
        await Assertions.Expect(edit).ToBeFocusedAsync();

        await page.ClickAsync("#contract-new");
        await page.SelectOptionAsync("#contract-customer", new SelectOptionValue { Label = "Tailspin Toys" });
        await page.SelectOptionAsync("#contract-plan", new SelectOptionValue { Label = "Premium 24/7" });
        await page.FillAsync("#contract-seats", "25");
        await page.ClickAsync("#contract-save");
        await Assertions.Expect(page.Locator("#contracts tr[data-contract='Tailspin Toys']")).ToContainTextAsync("Premium 24/7");
        await BrowserFixture.Screenshot(page, "plans-console");

        var contract = await browser.App.InDatabase(DemoWorld.Ids.Contoso, db => db.Set<SupportContract>().Include(c => c.Plan).SingleAsync(c => c.CustomerId == DemoWorld.Ids.Tailspin));
        Assert.Equal(("Premium 24/7", 25), (contract.Plan!.Name, contract.Seats));

        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.Screenshot(page, "plans-console-phone");
    }

    [Fact]
    public async Task An_admin_brands_the_portal_and_the_customer_sees_the_partner_s_name_and_colour()
    {
        var page = await browser.SignedIn(Demo.FabrikamAdmin);
        await page.GotoAsync("/console/profile");
        await BrowserFixture.WaitForInteractive(page, "support-profile");
        await page.FillAsync("#brand-colour", "green");
        await page.ClickAsync("#brand-save");
        await Assertions.Expect(page.Locator("#branding .field-error[data-field='accentColour']")).ToHaveTextAsync("A colour as #rrggbb, such as #0f6cbd.");
        await page.FillAsync("#brand-name", "Fabrikam Care");
        await page.FillAsync("#brand-colour", "#107c10");
        await page.ClickAsync("#brand-save");
        await Assertions.Expect(page.Locator("#brand-saved")).ToHaveTextAsync("Saved.");
        await BrowserFixture.Screenshot(page, "branding");

        var contact = await browser.SignedIn(Demo.WideWorldIt);
        await contact.GotoAsync("/portal");
        await Assertions.Expect(contact.Locator("#portal-brand")).ToHaveTextAsync("Fabrikam Care");
        Assert.Equal("rgb(16, 124, 16)", await contact.Locator("header.topbar").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        await BrowserFixture.Screenshot(contact, "branding-portal");
    }
}
