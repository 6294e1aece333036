using System.Threading.RateLimiting;

namespace PartnerDesk.Platform.Auth;

/// <summary>
/// Caps sign-in attempts per client address, on top of the per-account lock-out, against password
/// spraying (many accounts, few tries each) and against using the password hash to load the CPU.
/// </summary>
public static class SignInLimits
{
    public const string Policy = "sign-in";
    public const int PerMinute = 60;

    public static IServiceCollection AddSignInLimits(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, http => Window(http));
            // The sign-in page is a Blazor form post to /signin: the same limit, applied by path.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments("/signin")
                    ? Window(http)
                    : RateLimitPartition.GetNoLimiter("none"));
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = 429, Title = "Too many sign-in attempts.", Detail = "Please wait a minute." },
                });
            };
        });

    private static RateLimitPartition<string> Window(HttpContext http) =>
        RateLimitPartition.GetFixedWindowLimiter(
            "sign-in:" + Client(http.Connection.RemoteIpAddress),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = PerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });

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
