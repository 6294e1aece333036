using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace PartnerDesk.MicrosoftApis;

/// <summary>
/// Graph clients per customer tenant. Each goes through the Graph SDK's own middleware (its retry
/// handler retries 429, 503 and 504 honouring Retry-After, with exponential backoff otherwise) and
/// through this tenant's request budget, so that PartnerDesk never exceeds Microsoft's per-tenant limit
/// however many syncs run. Connections are shared by all tenants.
/// </summary>
public sealed class GraphClients(IOptions<MicrosoftOptions> options, ITenantTokens tokens) : IDisposable
{
    private readonly SocketsHttpHandler connections = new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
    };

    private readonly ConcurrentDictionary<Guid, RateLimiter> budgets = new();

    public GraphServiceClient For(Guid tenantId)
    {
        var o = options.Value;
        var handlers = GraphClientFactory.CreateDefaultHandlers();
        for (var i = 0; i < handlers.Count; i++)
        {
            if (handlers[i] is Microsoft.Kiota.Http.HttpClientLibrary.Middleware.RetryHandler)
            {
                handlers[i] = new Microsoft.Kiota.Http.HttpClientLibrary.Middleware.RetryHandler(new RetryHandlerOption { MaxRetry = o.MaxRetries, Delay = 2 });
            }
        }

        // Innermost, so that every retry spends budget too.
        handlers.Add(new TenantBudgetHandler(budgets.GetOrAdd(tenantId, _ => NewBudget(o.GraphRequestsPerTenant, o.GraphRequestWindow))));
        var http = GraphClientFactory.Create(handlers, finalHandler: connections, disposeHandler: false);
        http.BaseAddress = o.GraphBaseUrl;
        http.Timeout = TimeSpan.FromSeconds(100);
        var auth = new BaseBearerTokenAuthenticationProvider(new TenantAccessTokenProvider(tokens, tenantId, o.GraphBaseUrl));
        return new GraphServiceClient(http, auth, o.GraphBaseUrl.ToString().TrimEnd('/'));
    }

    private static SlidingWindowRateLimiter NewBudget(int permits, TimeSpan window) => new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = permits,
        Window = window,
        SegmentsPerWindow = 6,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    public void Dispose()
    {
        connections.Dispose();
        foreach (var budget in budgets.Values)
        {
            budget.Dispose();
        }
    }

    /// <summary>Waits for a permit of the tenant's budget before each request leaves.</summary>
    private sealed class TenantBudgetHandler(RateLimiter budget) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var lease = await budget.AcquireAsync(1, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
