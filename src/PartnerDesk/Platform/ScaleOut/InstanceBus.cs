using System.Collections.Concurrent;
using StackExchange.Redis;

namespace PartnerDesk.Platform.ScaleOut;

/// <summary>
/// What one PartnerDesk instance tells the others: a ticket changed (open consoles reload), a cached thing changed
/// (drop it). Carried by Redis pub/sub when <c>PartnerDesk:Redis</c> is set; without it there are no others and
/// publishing costs a null check. Delivery is at most once: a message sent while Redis is away is lost, so what
/// listens treats it as a hint (consoles reload through their own queries, caches expire on their own as well),
/// and when the connection comes back every topic hears <see cref="Everything"/> (drop all, it may have missed some).
/// Nothing here ever fails a request: publishing is fire-and-forget, and a lost connection is one warning.
/// </summary>
public sealed class InstanceBus(IEnumerable<InstanceBusTopic> topics, IServiceProvider services, IConfiguration configuration, ILogger<InstanceBus> log)
    : IHostedService, IAsyncDisposable
{
    /// <summary>The message a topic hears when it may have missed some: forget everything.</summary>
    public const string Everything = "*";

    private const char Separator = '\n';
    private readonly Dictionary<string, InstanceBusTopic> byTopic = topics.ToDictionary(t => t.Topic, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Action<string>> handlers = new(StringComparer.Ordinal);
    private readonly string? connectionString = configuration["PartnerDesk:Redis"] is { Length: > 0 } redis ? redis : null;
    private readonly RedisChannel channel = RedisChannel.Literal("partnerdesk:bus");
    private readonly CancellationTokenSource stopping = new();
    private ConnectionMultiplexer? redis;
    private volatile bool up;

    /// <summary>This instance on the bus: its own messages come back to it and are ignored.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Whether Redis is configured (several instances may be running).</summary>
    public bool Configured => connectionString is not null;

    /// <summary>Whether the other instances can be reached (Redis answered, and has for a few seconds after an outage).</summary>
    public bool Connected => redis is not null && up;

    /// <summary>Tells the other instances; returns at once, whatever becomes of it.</summary>
    public void Publish(string topic, string message)
    {
        if (redis is not { } connection)
        {
            return;
        }

        try
        {
            connection.GetSubscriber().Publish(channel, string.Join(Separator, Instance, topic, message), CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            // Redis is away: the others miss this hint (see above); the loss itself was logged once.
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (connectionString is null)
        {
            return Task.CompletedTask;
        }

        var options = ConfigurationOptions.Parse(connectionString);
        // Start without Redis and keep trying: an instance must serve even when Redis is not there (yet).
        options.AbortOnConnectFail = false;
        options.ClientName ??= $"partnerdesk-{Environment.MachineName}-{Environment.ProcessId}";
        // Connecting waits for nothing: the host starts at once, the bus joins when Redis answers.
        _ = Task.Run(() => Connect(options), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task Connect(ConfigurationOptions options)
    {
        ConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(options);
            // The client's own events, per connection and attempt, for whoever looks closer (the watcher below warns).
            connection.ConnectionFailed += (_, e) => log.LogDebug(e.Exception, "Redis connection {Type} to {EndPoint} failed: {Failure}.", e.ConnectionType, e.EndPoint, e.FailureType);
            connection.ConnectionRestored += (_, e) => log.LogDebug("Redis connection {Type} to {EndPoint} restored.", e.ConnectionType, e.EndPoint);
            // Subscriptions are kept by the connection and made again after each reconnect.
            await connection.GetSubscriber().SubscribeAsync(channel, (_, message) => Heard(message));
            redis = connection;
        }
        catch (Exception e)
        {
            // The connection itself could not be set up (a malformed setting): one instance keeps working alone.
            log.LogWarning(e, "Redis ({Redis}) could not be used; this instance works alone: consoles see other instances' tickets at their next reload.", Describe(options));
            return;
        }

        await Watch(connection);
    }

    /// <summary>
    /// Tells of an outage once, and of the way back once: the connection's own events come per connection and per
    /// attempt and can flap while a server restarts, so the state is read every second and counts as back only
    /// after it has held for a few seconds.
    /// </summary>
    private async Task Watch(ConnectionMultiplexer connection)
    {
        up = true;
        var upFor = 0;
        if (!connection.IsConnected)
        {
            up = false;
            log.LogWarning("Redis ({Redis}) is unreachable at start; this instance serves alone until it answers.", Describe(connection));
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                var connected = connection.IsConnected;
                if (up && !connected)
                {
                    up = false;
                    upFor = 0;
                    log.LogWarning("Redis is unreachable; this instance keeps serving, live updates from other instances resume when it is back.");
                }
                else if (!up)
                {
                    upFor = connected ? upFor + 1 : 0;
                    if (upFor >= 3)
                    {
                        up = true;
                        log.LogInformation("Redis is reachable again; live updates from other instances resume.");
                        // What was said meanwhile is lost: every topic forgets what it keeps, open consoles reload.
                        foreach (var topic in byTopic.Keys)
                        {
                            Deliver(topic, Everything);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Heard(RedisValue value)
    {
        var text = (string?)value;
        if (text is null)
        {
            return;
        }

        var parts = text.Split(Separator, 3);
        if (parts.Length != 3 || parts[0] == Instance)
        {
            return;
        }

        Deliver(parts[1], parts[2]);
    }

    private void Deliver(string topic, string message)
    {
        if (!byTopic.TryGetValue(topic, out var registered))
        {
            return; // a newer instance's topic, during a rolling update
        }

        try
        {
            handlers.GetOrAdd(topic, _ => registered.Handler(services))(message);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "A message on {Topic} from another instance could not be handled.", topic);
        }
    }

    private static string Describe(ConfigurationOptions options) => string.Join(",", options.EndPoints.Select(e => e.ToString()));

    private static string Describe(ConnectionMultiplexer connection) => string.Join(",", connection.GetEndPoints().Select(e => e.ToString()));

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await stopping.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            return; // disposed before it was stopped (a test host torn down out of order): nothing runs any more
        }

        if (redis is { } connection)
        {
            redis = null;
            await connection.CloseAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        stopping.Dispose();
        if (redis is { } connection)
        {
            redis = null;
            await connection.DisposeAsync();
        }
    }
}

/// <summary>A topic of the bus and what hears it on this instance (messages from other instances only).</summary>
public sealed record InstanceBusTopic(string Topic, Func<IServiceProvider, Action<string>> Handler);

public static class InstanceBusSetup
{
    public static IServiceCollection AddInstanceBus(this IServiceCollection services)
    {
        services.AddSingleton<InstanceBus>();
        services.AddHostedService(sp => sp.GetRequiredService<InstanceBus>());
        return services;
    }

    /// <summary>
    /// The singleton <typeparamref name="T"/> hears a topic from the other instances (resolved at the first message;
    /// a cache not made yet holds nothing to drop).
    /// </summary>
    public static IServiceCollection HearOtherInstances<T>(this IServiceCollection services, string topic, Action<T, string> hear)
        where T : class
    {
        services.AddSingleton(new InstanceBusTopic(topic, sp =>
        {
            var listener = sp.GetRequiredService<T>();
            return message => hear(listener, message);
        }));
        return services;
    }
}
