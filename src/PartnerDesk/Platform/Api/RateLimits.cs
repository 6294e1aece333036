using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Api;

/// <summary>Settings under "PartnerDesk:RateLimits"; 0 turns one limit off, <see cref="Enabled"/> false all of them.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "PartnerDesk:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// API calls of one token (an account signed in with a cookie: of the account) a minute, sustained; a full
    /// minute's worth may come at once. 100 a second, over eight times Zendesk's 700 a minute.
    /// </summary>
    public int PerTokenPerMinute { get; set; } = 6_000;

    /// <summary>API calls of all the callers of one organisation together a minute, sustained; as bursty as the per-token limit.</summary>
    public int PerOrganisationPerMinute { get; set; } = 30_000;

    /// <summary>Anonymous sign-in attempts (and invitation acceptances) per client address a minute.</summary>
    public int SignInPerMinute { get; set; } = SignInLimits.PerMinute;

    /// <summary>A customer's tenant facts are read again from Microsoft at most once in this many seconds.</summary>
    public int TenantRefreshSeconds { get; set; } = 60;

    internal int Effective(int limit) => Enabled ? Math.Max(0, limit) : 0;
}

/// <summary>
/// Limits on the API per caller and per organisation, and on anonymous sign-in per client address, with the
/// framework's rate limiter. Runs after authentication, so that the API's partitions are the ids the
/// token or cookie already put into <see cref="Caller"/>: no database read and no key string per call.
/// </summary>
public static class RateLimits
{
    internal const string RejectedBy = "pd:rate-limit";
    internal const string ProblemType = "https://tools.ietf.org/html/rfc6585#section-4";

    public static IServiceCollection AddPartnerDeskRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.Section));
        services.AddSingleton<TenantCallSpacing>();
        services.AddSingleton<ApiCallLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, ApiCallLimiter>((o, limits, api) =>
        {
            var signIn = limits.Value.Effective(limits.Value.SignInPerMinute);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInLimits.Policy, http => SignInLimits.Window(http, signIn));
            o.GlobalLimiter = api;
            o.OnRejected = (context, _) => Reject(context.HttpContext, context.Lease);
        });
        return services;
    }

    /// <summary>Whole seconds, at least one, for Retry-After.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private static async ValueTask Reject(HttpContext http, RateLimitLease lease)
    {
        var limits = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var seconds = Seconds(lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1));
        var by = http.Items[RejectedBy] as string ?? SignInLimits.Policy;
        var (title, detail) = by switch
        {
            ApiCallLimiter.Token => ("Too many requests for this token.",
                $"A token (or an account signed in without one) may make {limits.PerTokenPerMinute:N0} API requests a minute. Retry after {seconds} seconds."),
            ApiCallLimiter.Organisation => ("Too many requests for this organisation.",
                $"All callers of one organisation together may make {limits.PerOrganisationPerMinute:N0} API requests a minute. Retry after {seconds} seconds."),
            _ => ("Too many sign-in attempts.", $"Please wait {seconds} seconds."),
        };

        Log(http, by, seconds);
        await Problem(http, seconds, title, detail);
    }

    /// <summary>A 429 problem with Retry-After in whole seconds.</summary>
    public static ValueTask Problem(HttpContext http, int seconds, string title, string detail)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = 429, Type = ProblemType, Title = title, Detail = detail },
        });
    }

    /// <summary>
    /// A client over its limit is the client's affair, not an operator's: Information, and once a minute per
    /// caller and limit, so that a runaway integration does not flood the log as well.
    /// </summary>
    private static void Log(HttpContext http, string by, int seconds)
    {
        var caller = http.RequestServices.GetRequiredService<Caller>();
        var who = by switch
        {
            ApiCallLimiter.Token => (caller.TokenId ?? caller.UserId).ToString(),
            ApiCallLimiter.Organisation => caller.OrganisationId.ToString()!,
            _ => SignInLimits.Client(http.Connection.RemoteIpAddress),
        };
        var cache = http.RequestServices.GetRequiredService<IMemoryCache>();
        var key = (typeof(RateLimits), by, who);
        if (cache.TryGetValue(key, out _))
        {
            return;
        }

        cache.Set(key, true, TimeSpan.FromMinutes(1));
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("PartnerDesk.RateLimits").LogInformation(
            "Rate limit {Limit} reached by {Who} on {Path}; told to retry after {Seconds} s (logged once a minute).", by, who, http.Request.Path.Value, seconds);
    }
}

/// <summary>
/// The global limiter: /api/v1 per caller, then per organisation (token buckets keyed by Guid, so a call
/// allocates no key), and the anonymous sign-in forms per client address.
/// </summary>
internal sealed class ApiCallLimiter : PartitionedRateLimiter<HttpContext>
{
    public const string Token = "token";
    public const string Organisation = "organisation";
    private const string RefusedLease = "pd:rate-limit-lease";

    private readonly PartitionedRateLimiter<Guid>? perCaller;
    private readonly PartitionedRateLimiter<Guid>? perOrganisation;
    private readonly PartitionedRateLimiter<HttpContext>? signInForms;

    public ApiCallLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        perCaller = Buckets(o.Effective(o.PerTokenPerMinute));
        perOrganisation = Buckets(o.Effective(o.PerOrganisationPerMinute));
        var signIn = o.Effective(o.SignInPerMinute);
        if (signIn > 0)
        {
            signInForms = PartitionedRateLimiter.Create<HttpContext, string>(http => SignInLimits.Window(http, signIn));
        }
    }

    /// <summary>
    /// Holds a minute's worth and refills it evenly: <paramref name="perMinute"/> 6,000 is 100 every second; a small
    /// limit (tests) one at a time, 3 one every 20 s. Refilled by the partitioned limiter's own timer.
    /// </summary>
    private static PartitionedRateLimiter<Guid>? Buckets(int perMinute)
    {
        if (perMinute <= 0)
        {
            return null;
        }

        var perPeriod = Math.Max(1, perMinute / 60);
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) * perPeriod / perMinute,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        Func<Guid, RateLimiter> create = _ => new TokenBucketRateLimiter(bucket);
        return PartitionedRateLimiter.Create<Guid, Guid>(id => new RateLimitPartition<Guid>(id, create));
    }

    protected override RateLimitLease AttemptAcquireCore(HttpContext http, int permitCount)
    {
        if (!http.Request.Path.StartsWithSegments("/api/v1"))
        {
            return signInForms is not null && SignInLimits.IsAnonymousForm(http.Request)
                ? signInForms.AttemptAcquire(http, permitCount)
                : Granted.Instance;
        }

        var caller = http.RequestServices.GetRequiredService<Caller>();
        if (caller.OrganisationId is not { } organisation)
        {
            return Granted.Instance; // not signed in: a 401 (the sign-in routes have their own policy)
        }

        if (perCaller?.AttemptAcquire(caller.TokenId ?? caller.UserId, permitCount) is { IsAcquired: false } refused)
        {
            return Refuse(http, Token, refused);
        }

        if (perOrganisation?.AttemptAcquire(organisation, permitCount) is { IsAcquired: false } over)
        {
            return Refuse(http, Organisation, over);
        }

        return Granted.Instance; // the buckets' granted leases hold nothing to give back
    }

    /// <summary>
    /// Nothing waits: the middleware asks again only after a refusal, which stands (asking the bucket again
    /// would take a second permit from the caller when the organisation refused).
    /// </summary>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext http, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(http.Items[RefusedLease] as RateLimitLease ?? AttemptAcquireCore(http, permitCount));

    private static RateLimitLease Refuse(HttpContext http, string by, RateLimitLease lease)
    {
        http.Items[RateLimits.RejectedBy] = by;
        http.Items[RefusedLease] = lease;
        return lease;
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            perCaller?.Dispose();
            perOrganisation?.Dispose();
            signInForms?.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Granted : RateLimitLease
    {
        public static readonly Granted Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

/// <summary>
/// Calls that spend Microsoft's request budget for one customer tenant (Graph throttles per tenant and app) are
/// spaced per organisation and customer: at most one in <see cref="RateLimitOptions.TenantRefreshSeconds"/>,
/// timed by <see cref="TimeProvider"/>. Kept per instance, in memory: several instances allow one each.
/// </summary>
public sealed class TenantCallSpacing(IMemoryCache cache, TimeProvider clock, IOptions<RateLimitOptions> options)
{
    private readonly Lock gate = new();

    private TimeSpan Spacing => TimeSpan.FromSeconds(options.Value.Effective(options.Value.TenantRefreshSeconds));

    /// <summary>
    /// Wait null: go ahead, the call is counted from now (tell its answer to <see cref="Answered"/>). Else the
    /// time until the next call may go, with when the last one went and what it answered.
    /// </summary>
    public (TimeSpan? Wait, DateTimeOffset LastAt, object? LastAnswer) TryBegin(string call, Guid organisationId, Guid customerId)
    {
        var spacing = Spacing;
        var now = clock.GetUtcNow();
        if (spacing <= TimeSpan.Zero)
        {
            return (null, now, null);
        }

        var key = (typeof(TenantCallSpacing), call, organisationId, customerId);
        lock (gate)
        {
            if (cache.TryGetValue(key, out LastCall? last) && last is not null && now < last.At + spacing)
            {
                return (last.At + spacing - now, last.At, last.Answer);
            }

            // The entry outlives the spacing in real time too, for a clock a test moves; the check above uses the clock.
            cache.Set(key, new LastCall(now, null), spacing + TimeSpan.FromSeconds(1));
            return (null, now, null);
        }
    }

    /// <summary>Keeps the answer of the call begun, so that a plain look within the spacing gets it instead of calling again.</summary>
    public void Answered(string call, Guid organisationId, Guid customerId, object answer)
    {
        var spacing = Spacing;
        if (spacing <= TimeSpan.Zero)
        {
            return;
        }

        var key = (typeof(TenantCallSpacing), call, organisationId, customerId);
        lock (gate)
        {
            if (cache.TryGetValue(key, out LastCall? last) && last is not null)
            {
                last.Answer = answer;
            }
        }
    }

    private sealed class LastCall(DateTimeOffset at, object? answer)
    {
        public DateTimeOffset At { get; } = at;

        public object? Answer { get; set; } = answer;
    }
}
