using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PartnerDesk.Features.Mail;
using PartnerDesk.Features.People;
using PartnerDesk.MicrosoftApis;

namespace PartnerDesk.Tests.People;

/// <summary>The pure rules of signing in: whose issuer a token may name, whose addresses a person goes by, what an invitation letter says.</summary>
public sealed class SignInRuleTests
{
    private static readonly Uri Entra = new("https://login.microsoftonline.com/");
    private static readonly Guid Tenant = new("0c0c0c56-0001-7000-8000-000000000001");

    private static JsonWebToken Token(object? tid) =>
        new(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = tid is null ? new Dictionary<string, object>() : new Dictionary<string, object> { ["tid"] = tid },
        }));

    [Fact]
    public void The_issuer_must_be_the_one_of_the_token_s_own_tenant()
    {
        Assert.Equal($"https://login.microsoftonline.com/{Tenant}/v2.0", EntraOpenIdConnect.ValidIssuer(Entra, $"https://login.microsoftonline.com/{Tenant}/v2.0", Token(Tenant.ToString())));

        // Another tenant's issuer, the template as issuer, another host, a v1 issuer, no tid, a tid that is no GUID.
        string[] wrong =
        [
            "https://login.microsoftonline.com/0c0c0c56-0001-7000-8000-000000000002/v2.0",
            "https://login.microsoftonline.com/{tenantid}/v2.0",
            $"https://login.evil.example/{Tenant}/v2.0",
            $"https://sts.windows.net/{Tenant}/",
        ];
        foreach (var issuer in wrong)
        {
            Assert.Throws<SecurityTokenInvalidIssuerException>(() => EntraOpenIdConnect.ValidIssuer(Entra, issuer, Token(Tenant.ToString())));
        }

        Assert.Throws<SecurityTokenInvalidIssuerException>(() => EntraOpenIdConnect.ValidIssuer(Entra, $"https://login.microsoftonline.com/{Tenant}/v2.0", Token(null)));
        Assert.Throws<SecurityTokenInvalidIssuerException>(() => EntraOpenIdConnect.ValidIssuer(Entra, "https://login.microsoftonline.com/organizations/v2.0", Token("organizations")));
    }

    [Fact]
    public void A_person_goes_by_its_upn_and_its_mail_only_where_entra_id_verified_the_mail_s_domain()
    {
        var who = new MicrosoftIdentity(Tenant, Guid.NewGuid(), "Anna@Adatum.example", "anna@adatum.example", null, EmailVerified: true);
        Assert.Equal(["anna@adatum.example"], who.Addresses);
        Assert.Equal("Anna@Adatum.example", who.DisplayName);

        var split = new MicrosoftIdentity(Tenant, Guid.NewGuid(), "anna.becker@adatum.onmicrosoft.com", " Anna@adatum.example ", "Anna Becker", EmailVerified: true);
        Assert.Equal(["anna.becker@adatum.onmicrosoft.com", "anna@adatum.example"], split.Addresses);
        Assert.Equal("Anna@adatum.example", split.Address);
        Assert.Equal("Anna Becker", split.DisplayName);

        // Mail is an attribute user admins can set to anyone's address: unverified, it names nobody.
        var unverified = new MicrosoftIdentity(Tenant, Guid.NewGuid(), "mallory@adatum.example", "admin@contoso-cloud.example", "Mallory");
        Assert.Equal(["mallory@adatum.example"], unverified.Addresses);
        Assert.Equal("mallory@adatum.example", unverified.Address);
    }

    [Theory]
    [InlineData("en", "You are invited to Contoso Cloud Services's support desk", "Open this link to accept")]
    [InlineData("de", "Einladung zum Support von Contoso Cloud Services", "Öffnen Sie diesen Link")]
    public void An_invitation_letter_carries_the_link_the_inviter_and_the_expiry(string language, string subject, string sentence)
    {
        var link = "https://support.contoso.example/invite/abc<script>";
        var letter = MailTemplates.Render(
            new LetterFacts(Letter.Invitation, Author: "Adele Vance", Service: "join Contoso Cloud Services as an agent", Text: link, RespondBy: new DateTimeOffset(2026, 12, 11, 16, 0, 0, TimeSpan.Zero)),
            language, new Branding("Contoso Cloud Services", "support@contoso-cloud.example", null, null, false));
        Assert.Equal(subject, letter.Subject);
        Assert.Contains(sentence, letter.Text, StringComparison.Ordinal);
        Assert.Contains(link, letter.Text, StringComparison.Ordinal);
        Assert.Contains("Adele Vance", letter.Text, StringComparison.Ordinal);
        Assert.Contains("2026", letter.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", letter.Html, StringComparison.Ordinal); // encoded in the HTML part
    }
}
