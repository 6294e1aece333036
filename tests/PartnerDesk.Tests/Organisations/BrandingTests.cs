using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Organisations;

/// <summary>How a partner shows itself to its customers: its name, colour and logo in the portal and in mail, and the language of new contacts.</summary>
public sealed class BrandingTests(MicrosoftSignInWorld world) : IClassFixture<MicrosoftSignInWorld>
{
    private PartnerDeskApp App => world.App;

    [Fact]
    public async Task Bad_branding_is_refused_field_by_field_and_only_admins_set_it()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var bad = await admin.PutAsJsonAsync("/api/v1/profiles/support/branding", new { brandName = new string('x', 201), accentColour = "blue", language = "fr" });
        var errors = (await bad.Problem(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("brandName", out _));
        Assert.True(errors.TryGetProperty("accentColour", out _));
        Assert.True(errors.TryGetProperty("language", out _));

        var helpdesk = await App.ClientFor(Demo.ContosoHelpdesk);
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.PutAsJsonAsync("/api/v1/profiles/support/branding", new { brandName = "Mine" })).StatusCode);
        Assert.Equal("Contoso Cloud Services", (await (await admin.GetAsync("/api/v1/profiles/support")).Read<SupportProfileView>()).Organisation);
    }

    [Fact]
    public async Task The_portal_and_new_contacts_carry_the_partner_s_brand_and_language()
    {
        var admin = await App.ClientFor(Demo.ContosoAdmin);
        var saved = await (await admin.PutAsJsonAsync("/api/v1/profiles/support/branding", new { brandName = "Contoso Care", accentColour = "#C50F1F", language = "de" })).Read<SupportProfileView>();
        Assert.Equal(("Contoso Care", "#c50f1f", "de"), (saved.BrandName, saved.AccentColour, saved.Language));

        // A customer's contact sees the partner's name and colour, never PartnerDesk's; an agent still sees PartnerDesk.
        using var anna = world.Browser();
        await MicrosoftSignInWorld.PasswordSignIn(anna, Demo.AdatumAnna);
        var portal = await anna.GetStringAsync("/portal");
        Assert.Contains("--brand: #c50f1f", portal, StringComparison.Ordinal);
        Assert.Matches(@"id=""portal-brand""[^>]*>\s*Contoso Care", portal);
        using var diego = world.Browser();
        await MicrosoftSignInWorld.PasswordSignIn(diego, Demo.ContosoHelpdesk);
        Assert.DoesNotContain("Contoso Care", await diego.GetStringAsync("/console"), StringComparison.Ordinal);

        // Someone of Litware's tenant who signs in for the first time gets the organisation's language.
        (await admin.PutAsJsonAsync($"/api/v1/customers/{DemoWorld.Ids.Litware}/contact-sign-up", new { contactSignUp = "AnyoneInTenant" })).EnsureSuccessStatusCode();
        using var browser = world.Browser();
        Assert.Equal("/portal", await world.SignIn(browser, "lena@litware.example"));
        Assert.Equal("de", await App.InDatabase(DemoWorld.Ids.Contoso, db => db.Contacts.Where(c => c.Email == "lena@litware.example").Select(c => c.Language).SingleAsync()));

        (await admin.PutAsJsonAsync("/api/v1/profiles/support/branding", new { language = "en" })).EnsureSuccessStatusCode();
    }

    [Fact]
    public void Mail_carries_the_brand_name_and_its_colour()
    {
        var letter = MailTemplates.Render(new LetterFacts(Letter.Reply, TicketNumber: "T-1", TicketTitle: "Teams", Author: "Diego", Text: "Fixed."),
            "en", new Branding("Contoso Care", null, null, null, false, "#c50f1f"));
        Assert.Contains("color:#c50f1f\">Contoso Care</p>", letter.Html, StringComparison.Ordinal);
        Assert.Contains("Contoso Care", letter.Text, StringComparison.Ordinal);
    }
}
