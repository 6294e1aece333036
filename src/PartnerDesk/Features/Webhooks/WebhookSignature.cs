using System.Security.Cryptography;
using System.Text;

namespace PartnerDesk.Features.Webhooks;

/// <summary>
/// How a receiver knows a POST came from PartnerDesk and was not replayed long after: the header
/// <c>X-PartnerDesk-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;raw body&gt;" keyed with the secret&gt;</c>
/// (the scheme Stripe's receivers already know). The time is signed too, so a receiver can refuse old ones.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-PartnerDesk-Signature";
    public const string SecretPrefix = "whsec_";

    /// <summary>A new signing secret: 32 random bytes, URL-safe Base64, with a prefix that says what it is.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Sign(string secret, long unixSeconds, string body)
    {
        var signed = Encoding.UTF8.GetBytes($"{unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return Convert.ToHexStringLower(mac);
    }

    public static string HeaderValue(string secret, long unixSeconds, string body) =>
        $"t={unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)},v1={Sign(secret, unixSeconds, body)}";

    /// <summary>What a receiver does (and the tests): the header's signature matches the body, and it is fresh enough.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        long? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair is ["t", var time] && long.TryParse(time, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            {
                t = seconds;
            }
            else if (pair is ["v1", var signature])
            {
                signatures.Add(signature);
            }
        }

        if (t is not { } at || Math.Abs(now.ToUnixTimeSeconds() - at) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, at, body));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }
}
