using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;
using Microsoft.Kiota.Abstractions.Authentication;

namespace PartnerDesk.MicrosoftApis;

/// <summary>App-only access tokens for one customer tenant (client credentials of the partner's multi-tenant app).</summary>
public interface ITenantTokens
{
    Task<string> GetTokenAsync(Guid tenantId, string scope, CancellationToken ct);

    /// <summary>Microsoft refused a token of this tenant: the next call asks for a new one.</summary>
    void Forget(Guid tenantId);
}

/// <summary>The tenant's consent is missing or was revoked: no token can be had until an admin consents again.</summary>
public sealed class TenantConsentException(Guid tenantId, string reason, Exception? inner = null)
    : Exception($"No access to tenant {tenantId}: {reason}", inner)
{
    public Guid TenantId { get; } = tenantId;
}

/// <summary>Tokens from Entra ID through MSAL: one confidential client, a token cache per tenant.</summary>
public sealed class EntraAppTokens(IOptions<MicrosoftOptions> options) : ITenantTokens
{
    private readonly Lazy<IConfidentialClientApplication> app = new(() => Build(options.Value));

    public async Task<string> GetTokenAsync(Guid tenantId, string scope, CancellationToken ct)
    {
        try
        {
            var result = await app.Value.AcquireTokenForClient([scope]).WithTenantId(tenantId.ToString()).ExecuteAsync(ct);
            return result.AccessToken;
        }
        catch (MsalServiceException e) when (e.ErrorCode is "invalid_grant" or "unauthorized_client" or "invalid_client")
        {
            throw new TenantConsentException(tenantId, e.Message, e);
        }
    }

    // MSAL renews tokens itself; a revoked consent shows at its next acquisition.
    public void Forget(Guid tenantId)
    {
    }

    private static IConfidentialClientApplication Build(MicrosoftOptions o)
    {
        var builder = ConfidentialClientApplicationBuilder
            .Create(o.ClientId ?? throw new InvalidOperationException("PartnerDesk:Microsoft:ClientId is not set."))
            .WithAuthority(new Uri(o.LoginBaseUrl, "organizations").ToString());
        builder = o.CertificatePath is { Length: > 0 } path
            ? builder.WithCertificate(X509CertificateLoader.LoadPkcs12FromFile(path, o.CertificatePassword))
            : builder.WithClientSecret(o.ClientSecret ?? throw new InvalidOperationException("PartnerDesk:Microsoft:ClientSecret or CertificatePath is not set."));
        return builder.Build();
    }
}

/// <summary>
/// Tokens from a simulator's token endpoint, requested as Entra ID's client credentials grant is, but
/// over plain HTTP on loopback (MSAL accepts only https authorities). Cached until shortly before expiry.
/// </summary>
public sealed class SimulatorTokens(HttpClient http, IOptions<MicrosoftOptions> options, TimeProvider clock) : ITenantTokens
{
    private readonly ConcurrentDictionary<(Guid, string), (string Token, DateTimeOffset Until)> cache = new();

    public async Task<string> GetTokenAsync(Guid tenantId, string scope, CancellationToken ct)
    {
        if (cache.TryGetValue((tenantId, scope), out var cached) && cached.Until > clock.GetUtcNow())
        {
            return cached.Token;
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = options.Value.ClientId ?? "partnerdesk-simulated-app",
            ["client_secret"] = options.Value.ClientSecret ?? "simulated",
            ["scope"] = scope,
        });
        using var response = await http.PostAsync(new Uri(options.Value.LoginBaseUrl, $"{tenantId}/oauth2/v2.0/token"), form, ct);
        var body = await response.Content.ReadFromJsonAsync<TokenAnswer>(ct);
        if (!response.IsSuccessStatusCode || body?.AccessToken is not { Length: > 0 } token)
        {
            throw new TenantConsentException(tenantId, body?.ErrorDescription ?? $"token endpoint answered {(int)response.StatusCode}");
        }

        // Not the answer's lifetime, to stay simple: a short cache keeps revocations visible soon.
        cache[(tenantId, scope)] = (token, clock.GetUtcNow().AddMinutes(5));
        return token;
    }

    public void Forget(Guid tenantId)
    {
        foreach (var key in cache.Keys.Where(k => k.Item1 == tenantId))
        {
            cache.TryRemove(key, out _);
        }
    }

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);
}

/// <summary>Kiota's bearer-token hook for one tenant, so one Graph client speaks for one customer.</summary>
public sealed class TenantAccessTokenProvider(ITenantTokens tokens, Guid tenantId, Uri graphBase) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new([graphBase.Host]);

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
        AllowedHostsValidator.IsUrlHostValid(uri)
            ? tokens.GetTokenAsync(tenantId, $"{graphBase.Scheme}://{graphBase.Authority}/.default", cancellationToken)
            : Task.FromResult("");
}
