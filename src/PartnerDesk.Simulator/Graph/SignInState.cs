using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PartnerDesk.Simulator.Graph;

/// <summary>What is wrong with the next id token the simulated Entra ID issues, so that tests can prove the host refuses it.</summary>
public enum SignInFaultKind
{
    /// <summary>aud is another application's id.</summary>
    WrongAudience,

    /// <summary>iss names another tenant (tid stays the user's).</summary>
    WrongIssuer,

    /// <summary>Issued two hours ago, expired an hour ago.</summary>
    Expired,

    /// <summary>Signed with a key that is never published, under the current key's kid.</summary>
    BadSignature,

    /// <summary>Carries the nonce of the previous sign-in instead of this one's.</summary>
    ReplayedNonce,
}

public sealed record SignInFault(SignInFaultKind Kind);

/// <summary>What an authorization code stands for until it is redeemed at the token endpoint.</summary>
public sealed record AuthorizationGrant(
    string ClientId,
    string RedirectUri,
    string? CodeChallenge,
    string? CodeChallengeMethod,
    string? Nonce,
    string? Scope,
    EntraUser User,
    Guid TenantId);

/// <summary>
/// The simulated Entra ID's sign-in state: its signing keys (current one last), the authorization codes
/// it handed out, and the sign-in fault armed for the next id token.
/// </summary>
public sealed class SignInState : IDisposable
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    private readonly Lock gate = new();
    private readonly TimeProvider clock;
    private readonly List<(string Kid, RSA Key)> keys = [];
    private readonly Dictionary<string, (AuthorizationGrant Grant, string? PreviousNonce, DateTimeOffset ExpiresAt, bool Redeemed)> codes = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, long> revokedBefore = [];
    private int outages;
    private SignInFaultKind? armed;
    private string? lastNonce;

    public SignInState(TimeProvider clock)
    {
        this.clock = clock;
        keys.Add(NewKey());
    }

    public TimeProvider Clock => clock;

    /// <summary>The kid of the key that signs id tokens now.</summary>
    public string CurrentKeyId
    {
        get
        {
            lock (gate)
            {
                return keys[^1].Kid;
            }
        }
    }

    /// <summary>
    /// A new key signs from now on; older ones stay published (as Microsoft keeps them during a rollover)
    /// unless <paramref name="retireOld"/>. Returns the new key's kid.
    /// </summary>
    public string RotateKeys(bool retireOld = false)
    {
        var key = NewKey();
        lock (gate)
        {
            if (retireOld)
            {
                // Signing happens under the lock, so nothing uses the retired keys any more.
                keys.ForEach(k => k.Key.Dispose());
                keys.Clear();
            }

            keys.Add(key);
            return key.Kid;
        }
    }

    /// <summary>The published keys as JWKs (n and e base64url), with Microsoft's issuer template.</summary>
    public List<JsonObject> PublishedKeys(string issuer)
    {
        lock (gate)
        {
            return keys.ConvertAll(k =>
            {
                var p = k.Key.ExportParameters(includePrivateParameters: false);
                return new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["kid"] = k.Kid,
                    ["n"] = Base64Url.EncodeToString(p.Modulus),
                    ["e"] = Base64Url.EncodeToString(p.Exponent),
                    ["issuer"] = issuer,
                };
            });
        }
    }

    /// <summary>An admin of the tenant revoked its users' sessions: every refresh token issued until now stops working.</summary>
    public void RevokeGrants(Guid tenantId)
    {
        lock (gate)
        {
            revokedBefore[tenantId] = clock.GetUtcNow().UtcTicks + 1;
        }
    }

    /// <summary>The next <paramref name="count"/> refresh-token requests get an HTML 503 page, as from a proxy in an outage.</summary>
    public void ArmTokenOutage(int count = 1)
    {
        lock (gate)
        {
            outages = count;
        }
    }

    internal bool TakeOutage()
    {
        lock (gate)
        {
            if (outages == 0)
            {
                return false;
            }

            outages--;
            return true;
        }
    }

    internal bool Revoked(RefreshGrant grant)
    {
        lock (gate)
        {
            return revokedBefore.TryGetValue(grant.TenantId, out var before) && grant.IssuedAt < before;
        }
    }

    /// <summary>Arms one fault for the next id token issued (replacing one armed before); it clears itself once applied.</summary>
    public void ArmFault(SignInFaultKind kind)
    {
        lock (gate)
        {
            armed = kind;
        }
    }

    public void ClearFaults()
    {
        lock (gate)
        {
            armed = null;
        }
    }

    /// <summary>The fault the next id token will carry, if any.</summary>
    public SignInFaultKind? ArmedFault
    {
        get
        {
            lock (gate)
            {
                return armed;
            }
        }
    }

    internal SignInFaultKind? TakeFault()
    {
        lock (gate)
        {
            var fault = armed;
            armed = null;
            return fault;
        }
    }

    /// <summary>A one-time code for the grant, valid ten minutes.</summary>
    internal string IssueCode(AuthorizationGrant grant)
    {
        var code = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        lock (gate)
        {
            foreach (var stale in codes.Where(c => c.Value.ExpiresAt < now - CodeLifetime).Select(c => c.Key).ToList())
            {
                codes.Remove(stale);
            }

            // Remembered for ReplayedNonce: the nonce of the sign-in before this one.
            codes[code] = (grant, lastNonce, now + CodeLifetime, false);
            if (grant.Nonce is not null)
            {
                lastNonce = grant.Nonce;
            }
        }

        return code;
    }

    /// <summary>Takes the code (codes are single use): the grant, or the AADSTS error that refuses it.</summary>
    internal (AuthorizationGrant? Grant, string? PreviousNonce, string? Error) Redeem(string code)
    {
        lock (gate)
        {
            if (!codes.TryGetValue(code, out var entry))
            {
                return (null, null, "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
            }

            if (entry.Redeemed)
            {
                return (null, null, "AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
            }

            codes[code] = entry with { Redeemed = true };
            return entry.ExpiresAt < clock.GetUtcNow()
                ? (null, null, "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
                : (entry.Grant, entry.PreviousNonce, null);
        }
    }

    /// <summary>A compact JWS (RS256) of the payload, signed with the current key, or with an unpublished one under the current kid.</summary>
    internal string CreateJwt(JsonObject payload, bool unpublishedKey)
    {
        lock (gate)
        {
            var (kid, key) = keys[^1];
            var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = kid };
            var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()))
                + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
            using var rogue = unpublishedKey ? RSA.Create(2048) : null;
            var signature = (rogue ?? key).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return input + "." + Base64Url.EncodeToString(signature);
        }
    }

    /// <summary>A nonce in the shape ASP.NET Core's handler makes (ticks.random), a day old: for ReplayedNonce before any sign-in.</summary>
    internal string OldNonce() =>
        (clock.GetUtcNow() - TimeSpan.FromDays(1)).UtcTicks.ToString(CultureInfo.InvariantCulture) + "."
        + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    public void Dispose()
    {
        lock (gate)
        {
            keys.ForEach(k => k.Key.Dispose());
            keys.Clear();
        }
    }

    private static (string Kid, RSA Key) NewKey()
    {
        var key = RSA.Create(2048);
        // Microsoft's kids are short base64url thumbprints; this one is derived from the modulus.
        var kid = Base64Url.EncodeToString(SHA256.HashData(key.ExportParameters(false).Modulus!).AsSpan(0, 20));
        return (kid, key);
    }
}
