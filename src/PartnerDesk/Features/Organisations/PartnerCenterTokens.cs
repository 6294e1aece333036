using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using PartnerDesk.MicrosoftApis;

namespace PartnerDesk.Features.Organisations;

/// <summary>
/// App+User access tokens for Partner Center from the organisation's stored grant: the refresh token is redeemed
/// at Entra ID's token endpoint (the same request against the simulator), the access token kept until shortly
/// before it expires, and the refresh token Entra ID hands back in its place stored at once. Plain OAuth 2.0
/// instead of MSAL, because MSAL keeps rotated refresh tokens to itself.
/// </summary>
public sealed class PartnerCenterTokens(
    IHttpClientFactory clients, PartnerCenterConnections connections, IOptions<MicrosoftOptions> microsoft, TimeProvider clock, ILogger<PartnerCenterTokens> log,
    Platform.ScaleOut.InstanceBus bus)
    : IPartnerCenterTokens
{
    /// <summary>A disconnect on one instance must stop the others' use of the token they keep, not an hour later.</summary>
    public const string Topic = "partner-center-tokens";

    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<Guid, (string Token, DateTimeOffset Until)> cache = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> gates = new();

    // Bumped by Forget: a redemption that began before a connect or disconnect does not cache its token after it.
    private readonly ConcurrentDictionary<Guid, int> generations = new();

    public async Task<string> GetTokenAsync(Guid organisationId, CancellationToken ct)
    {
        if (cache.TryGetValue(organisationId, out var cached) && cached.Until > clock.GetUtcNow())
        {
            return cached.Token;
        }

        // One redemption per organisation at a time: two at once would each rotate, and one rotation would be lost.
        var gate = gates.GetOrAdd(organisationId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (cache.TryGetValue(organisationId, out cached) && cached.Until > clock.GetUtcNow())
            {
                return cached.Token;
            }

            var generation = generations.GetValueOrDefault(organisationId);
            var grant = await connections.Grant(organisationId, ct);
            var (tenant, refreshToken, fromConfiguration) = (grant.Tenant, grant.RefreshToken, grant.FromConfiguration);
            var answer = await Redeem(tenant, refreshToken, ct);
            if (answer.Error is { } error)
            {
                await connections.MarkBroken(organisationId, grant, error, ct);

                log.LogWarning("Partner Center's grant of organisation {Organisation} was refused: {Reason}", organisationId, error);
                throw new PartnerCenterNotConnectedException($"Partner Center must be connected again: {error}");
            }

            if (answer.RefreshToken is { Length: > 0 } rotated && (rotated != refreshToken || fromConfiguration))
            {
                if (!await connections.Rotated(organisationId, grant, rotated, ct))
                {
                    return answer.AccessToken!; // the grant changed meanwhile (connected again, or forgotten): not cached
                }
            }

            if (generations.GetValueOrDefault(organisationId) == generation)
            {
                cache[organisationId] = (answer.AccessToken!, clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(answer.ExpiresIn, 60)) - Margin);
            }

            return answer.AccessToken!;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The grant changed (connected, disconnected): the next call redeems the stored one, on every instance.</summary>
    public void Forget(Guid organisationId)
    {
        ForgetHere(organisationId);
        bus.Publish(Topic, organisationId.ToString("N"));
    }

    /// <summary>Another instance's change ("*": perhaps several missed while Redis was away: every token goes).</summary>
    public void ForgetHere(string what)
    {
        if (Guid.TryParse(what, out var organisationId))
        {
            ForgetHere(organisationId);
            return;
        }

        foreach (var known in cache.Keys)
        {
            ForgetHere(known);
        }
    }

    private void ForgetHere(Guid organisationId)
    {
        generations.AddOrUpdate(organisationId, 1, (_, g) => g + 1);
        cache.TryRemove(organisationId, out _);
    }

    private async Task<TokenAnswer> Redeem(Guid tenant, string refreshToken, CancellationToken ct)
    {
        var o = microsoft.Value;
        var endpoint = new Uri(o.LoginBaseUrl, $"{tenant}/oauth2/v2.0/token");
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = EntraApp.ClientId(o),
            ["refresh_token"] = refreshToken,
            ["scope"] = PartnerCenterClient.Scope + " offline_access",
        };
        if (EntraApp.ClientSecret(o) is { } secret)
        {
            form["client_secret"] = secret;
        }
        else if (EntraApp.Certificate(o) is { } certificate)
        {
            using (certificate)
            {
                form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
                form["client_assertion"] = EntraApp.ClientAssertion(certificate, form["client_id"], endpoint.ToString());
            }
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await clients.CreateClient(nameof(PartnerCenterTokens)).PostAsync(endpoint, content, ct);
        TokenAnswer body;
        try
        {
            body = JsonSerializer.Deserialize<TokenAnswer>(await response.Content.ReadAsStringAsync(ct)) ?? new TokenAnswer();
        }
        catch (JsonException)
        {
            // A proxy's or an outage's HTML page: passing, and said so in the words every caller already handles.
            throw new HttpRequestException($"Entra ID's token endpoint answered {(int)response.StatusCode} without a token answer.", null, response.StatusCode);
        }

        if (response.IsSuccessStatusCode && body.AccessToken is { Length: > 0 })
        {
            return body;
        }

        // invalid_grant: revoked, expired, consent withdrawn, password reset: only a new consent helps. Anything else is passing.
        if (response.StatusCode == HttpStatusCode.BadRequest && body.ErrorCode is "invalid_grant" or "interaction_required" or "unauthorized_client")
        {
            return body with { Error = FirstLine(body.Description) ?? body.ErrorCode };
        }

        throw new HttpRequestException($"Entra ID's token endpoint answered {(int)response.StatusCode}: {FirstLine(body.Description) ?? body.ErrorCode}", null, response.StatusCode);
    }

    private static string? FirstLine(string? text) => text?.Split('\n', 2)[0].Trim();

    private sealed record TokenAnswer
    {
        [JsonPropertyName("access_token")]
        public string? AccessToken { get; init; }

        [JsonPropertyName("refresh_token")]
        public string? RefreshToken { get; init; }

        [JsonPropertyName("expires_in")]
        public int ExpiresIn { get; init; }

        [JsonPropertyName("error")]
        public string? ErrorCode { get; init; }

        [JsonPropertyName("error_description")]
        public string? Description { get; init; }

        [JsonIgnore]
        public string? Error { get; init; }
    }
}
