using Microsoft.Extensions.Diagnostics.HealthChecks;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Jobs;

namespace PartnerDesk.Platform.ScaleOut;

/// <summary>
/// An instance that is told to stop (SIGTERM, a rolling update) leaves in order: readiness answers 503 at once, so a
/// proxy or load balancer that probes it stops sending new work; for <c>PartnerDesk:DrainSeconds</c> (0 by default,
/// a few seconds behind a balancer that probes) it keeps serving while that is noticed; then the server stops
/// taking connections and finishes the requests under way (HostOptions.ShutdownTimeout, 30 s by default), the jobs
/// end their round, and last the instance hands back its job leases so that another takes each over at once instead
/// of after the lease's expiry (not the long "done until" ones, see <see cref="JobLeases.ReleaseHeld"/>).
/// </summary>
public sealed class Draining(IHostApplicationLifetime lifetime, IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<Draining> log)
    : IHostedLifecycleService
{
    public bool Stopping => lifetime.ApplicationStopping.IsCancellationRequested;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue<double?>("PartnerDesk:DrainSeconds") is > 0 and var seconds)
        {
            log.LogInformation("Stopping: not ready any more, serving {Seconds} s more while the proxy notices.", seconds);
            try
            {
                // Real time: this waits for a proxy, not for anything the application's clock moves.
                await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The shutdown timeout ran out: go on stopping.
            }
        }
    }

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Its own bound, not the shutdown's token: a slow stop may have used that up, and this is one short UPDATE.
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await using var scope = scopes.CreateAsyncScope();
            var released = await JobLeases.ReleaseHeld(scope.ServiceProvider.GetRequiredService<PartnerDeskDb>(), clock, bound.Token);
            if (released > 0)
            {
                log.LogInformation("Handed back {Count} job leases for another instance to take.", released);
            }
        }
        catch (ObjectDisposedException)
        {
            // A host disposed before it was stopped in order (a test or bench factory tearing down): there is no
            // database left to reach from here, and the leases expire on their own. Not an operator's concern.
            log.LogDebug("The services were disposed before the stop: job leases left to expire.");
        }
        catch (Exception e)
        {
            // They expire on their own; stopping must not fail for it.
            log.LogWarning(e, "The job leases could not be handed back; they expire on their own.");
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Redis away is degraded, not unready: the instance serves as before (readiness stays 200, its text says Degraded),
/// only other instances' live updates wait for it.
/// </summary>
internal sealed class InstanceBusHealthCheck(InstanceBus bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!bus.Configured || bus.Connected
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded("Redis is unreachable: live updates from other instances wait for it."));
}

public static class ScaleOutSetup
{
    public const string ReadyTag = "ready";

    /// <summary>The bus to the other instances, the orderly stop, and the health checks the proxy reads.</summary>
    public static IServiceCollection AddPartnerDeskScaleOut(this IServiceCollection services)
    {
        services.AddInstanceBus();
        services.AddSingleton<Draining>();
        services.AddHostedService(sp => sp.GetRequiredService<Draining>());
        services.AddHealthChecks().AddCheck<InstanceBusHealthCheck>("redis", tags: [ReadyTag]);
        // The health check service logs every probe's degraded result as a warning: with a proxy probing every few
        // seconds, Redis away would be a storm. Unhealthy (the database) stays an error; the bus warns once itself.
        services.AddLogging(l => l.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Error));
        return services;
    }

    /// <summary>
    /// Readiness answers 503 "Stopping" while the instance drains, before the health checks run (they would log each
    /// probe as a failure): the proxy takes the instance out before it goes.
    /// </summary>
    public static WebApplication UseDraining(this WebApplication app, string readyPath)
    {
        var draining = app.Services.GetRequiredService<Draining>();
        app.UseWhen(http => draining.Stopping && http.Request.Path == readyPath, stopping => stopping.Run(async http =>
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.ContentType = "text/plain";
            await http.Response.WriteAsync("Stopping");
        }));
        return app;
    }
}
