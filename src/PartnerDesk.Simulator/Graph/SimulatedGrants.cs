using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PartnerDesk.Simulator.Graph;

/// <summary>What a simulated refresh token stands for: a user's consent to a client for scopes, in a tenant.</summary>
/// <param name="IssuedAt">UTC ticks; a revocation voids every token of the tenant issued before it.</param>
public sealed record RefreshGrant(Guid TenantId, Guid UserId, string UserPrincipalName, string ClientId, string Scope, long IssuedAt);

/// <summary>
/// Refresh tokens of the simulated Entra ID. They are opaque to the application, as Entra ID's are, but carry
/// their grant under a MAC instead of living in the simulator's memory: a demo that restarts its simulator
/// keeps the Partner Center connection it made (and the demo seed can hand out one for each demo partner).
/// </summary>
public static class SimulatedGrants
{
    // A simulator's key, not a secret: these tokens open nothing but the simulator.
    private static readonly byte[] Key = SHA256.HashData("PartnerDesk simulator refresh tokens"u8);

    public static IReadOnlySet<string> Scopes(string? scope) =>
        new HashSet<string>((scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);

    public static string Issue(RefreshGrant grant)
    {
        var body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(grant));
        return "0.A" + body + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(body)));
    }

    /// <summary>The demo's standing consent of a partner's admin to Partner Center (what the seed stores for each demo partner).</summary>
    public static string ForPartnerCenter(Guid tenantId, string userPrincipalName, string clientId) =>
        Issue(new(tenantId, EntraDirectory.ObjectIdOf(userPrincipalName), userPrincipalName, clientId,
            "https://api.partnercenter.microsoft.com/user_impersonation offline_access openid profile", DateTimeOffset.UtcNow.UtcTicks));

    /// <summary>The grant of a token this simulator issued; null for anything else.</summary>
    public static RefreshGrant? Read(string token)
    {
        if (!token.StartsWith("0.A", StringComparison.Ordinal) || token.IndexOf('.', 3) is var dot && dot < 0)
        {
            return null;
        }

        var body = token[3..dot];
        var mac = HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(body));
        try
        {
            return CryptographicOperations.FixedTimeEquals(mac, Base64Url.DecodeFromChars(token.AsSpan(dot + 1)))
                ? JsonSerializer.Deserialize<RefreshGrant>(Base64Url.DecodeFromChars(body))
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
