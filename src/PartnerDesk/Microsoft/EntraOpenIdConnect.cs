using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace PartnerDesk.MicrosoftApis;

/// <summary>
/// OpenID Connect against Entra ID (or the simulator) as PartnerDesk's one multi-tenant app: authorization code
/// flow with PKCE, form post back. The token's issuer must be the one of the tenant it names (tid): the
/// "organizations" metadata names no issuer, and accepting any would let any tenant speak for another.
/// Sign in with Microsoft and Partner Center's consent each add their callback, scopes and failure page.
/// </summary>
public static class EntraOpenIdConnect
{
    // One client for metadata and key reads, for the life of the process (the handler's own is made the same way).
    private static readonly HttpClient Backchannel = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static void Configure(OpenIdConnectOptions o, MicrosoftOptions microsoft)
    {
        var simulated = microsoft.LoginIsSimulated;
        var loginBase = microsoft.LoginBaseUrl;
        o.Authority = new Uri(loginBase, "organizations/v2.0").ToString();
        o.ClientId = EntraApp.ClientId(microsoft);
        o.ClientSecret = simulated ? microsoft.ClientSecret ?? "simulated" : microsoft.ClientSecret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.ResponseMode = OpenIdConnectResponseMode.FormPost;
        o.UsePkce = true;
        o.Scope.Clear();
        o.Scope.Add("openid");
        o.Scope.Add("profile");
        o.Scope.Add("email");
        o.SignInScheme = IdentityConstants.ExternalScheme;
        o.MapInboundClaims = false; // tid, oid, preferred_username as Entra names them
        o.SaveTokens = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        o.RequireHttpsMetadata = !simulated;
        o.TokenValidationParameters.IssuerValidator = (issuer, token, _) => ValidIssuer(loginBase, issuer, token);
        o.TokenValidationParameters.ValidAudience = o.ClientId;
        o.TokenValidationParameters.NameClaimType = "name";
        if (simulated)
        {
            // The simulator and PartnerDesk are one site on loopback over http: its form post back carries Lax cookies.
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        }

        o.ConfigurationManager = new SigningKeys(
            o.Authority.TrimEnd('/') + "/.well-known/openid-configuration",
            new Microsoft.IdentityModel.Protocols.HttpDocumentRetriever(Backchannel) { RequireHttps = !simulated },
            simulated ? TimeSpan.Zero : TimeSpan.FromMinutes(1),
            TimeProvider.System);

        if (!simulated && microsoft.ClientSecret is not { Length: > 0 } && microsoft.CertificatePath is { Length: > 0 } path)
        {
            // A certificate instead of a secret: the code is redeemed with a signed client assertion (private_key_jwt).
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, microsoft.CertificatePassword);
            o.Events.OnAuthorizationCodeReceived = context =>
            {
                context.TokenEndpointRequest!.ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
                context.TokenEndpointRequest.ClientAssertion = EntraApp.ClientAssertion(certificate, context.Options.ClientId!, context.Options.Configuration!.TokenEndpoint);
                return Task.CompletedTask;
            };
        }
    }

    /// <summary>Entra ID's issuer of a v2.0 token is https://login.microsoftonline.com/{tid}/v2.0, with tid the token's own tenant.</summary>
    public static string ValidIssuer(Uri loginBase, string issuer, SecurityToken token)
    {
        var tid = token is JsonWebToken jwt && jwt.TryGetPayloadValue<string>("tid", out var value) ? value : null;
        if (!Guid.TryParse(tid, out var tenant))
        {
            throw new SecurityTokenInvalidIssuerException("The token names no tenant (tid).");
        }

        var expected = new Uri(loginBase, $"{tenant:D}/v2.0").ToString();
        return string.Equals(issuer, expected, StringComparison.Ordinal)
            ? issuer
            : throw new SecurityTokenInvalidIssuerException($"The issuer {issuer} is not the one of tenant {tenant}.");
    }
}
