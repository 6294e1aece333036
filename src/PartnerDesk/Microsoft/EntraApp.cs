using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PartnerDesk.MicrosoftApis;

/// <summary>PartnerDesk's multi-tenant Entra app as the sign-in and Partner Center's consent present it to Entra ID.</summary>
public static class EntraApp
{
    /// <summary>The client id the simulator knows when no Entra app is configured.</summary>
    public const string SimulatedClientId = "0c0c0c0c-0000-7000-8000-0000000000aa";

    public static string ClientId(MicrosoftOptions o) => o.ClientId is { Length: > 0 } id ? id : SimulatedClientId;

    /// <summary>The secret to send; null when a certificate signs a client assertion instead.</summary>
    public static string? ClientSecret(MicrosoftOptions o) => o.LoginIsSimulated ? o.ClientSecret ?? "simulated" : o.ClientSecret is { Length: > 0 } s ? s : null;

    /// <summary>The certificate that signs client assertions (private_key_jwt) when no secret is set.</summary>
    public static X509Certificate2? Certificate(MicrosoftOptions o) =>
        !o.LoginIsSimulated && o.ClientSecret is not { Length: > 0 } && o.CertificatePath is { Length: > 0 } path
            ? X509CertificateLoader.LoadPkcs12FromFile(path, o.CertificatePassword)
            : null;

    /// <summary>A client assertion for the token endpoint, signed with the app's certificate, valid ten minutes.</summary>
    public static string ClientAssertion(X509Certificate2 certificate, string clientId, string tokenEndpoint)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = tokenEndpoint,
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = Guid.NewGuid().ToString() },
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new X509SigningCredentials(certificate),
        });
    }
}
