using System.Threading.RateLimiting;

namespace PartnerDesk.Platform.Auth;

/// <summary>
/// Caps sign-in attempts per client address, on top of the per-account lock-out, against password
/// spraying (many accounts, few tries each) and against using the password hash to load the CPU.
/// Registered with the API's limits (<see cref="Api.RateLimits"/>).
/// </summary>
public static class SignInLimits
{
    public const string Policy = "sign-in";

    /// <summary>The default of <c>PartnerDesk:RateLimits:SignInPerMinute</c>.</summary>
    public const int PerMinute = 60;

    /// <summary>
    /// The anonymous forms that check a password or set one, posted without the API: the sign-in page (and its
    /// second-factor step) and accepting an invitation. Their API twins carry <see cref="Policy"/>.
    /// </summary>
    internal static bool IsAnonymousForm(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.StartsWithSegments("/signin") || request.Path.StartsWithSegments("/invite"));

    internal static RateLimitPartition<string> Window(HttpContext http, int perMinute) =>
        perMinute <= 0
            ? RateLimitPartition.GetNoLimiter("none")
            : RateLimitPartition.GetFixedWindowLimiter(
                "sign-in:" + Client(http.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });

    /// <summary>An IPv4 address, or an IPv6 /64 (one subscriber's network, which it can rotate within).</summary>
    internal static string Client(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }
}
