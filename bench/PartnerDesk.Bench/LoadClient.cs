using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace PartnerDesk.Bench;

/// <summary>An answer the client accepted (2xx) or gave up on (anything else), with its JSON body when it had one.</summary>
public sealed record LoadAnswer(int Status, JsonElement Body)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>
/// The HTTP side of the simulated people: a client per source address, and the retries a careful API client makes.
/// Reads, and writes that carry an Idempotency-Key (every write here), are sent again after a refused or broken
/// connection, a timeout, 429 (after its Retry-After), and 500/502/503/504 (after Retry-After when given, else a
/// growing pause): docs/decisions.md section 6 makes a repeated keyed write answer as the first did.
/// </summary>
public sealed class LoadClient : IDisposable
{
    public const int MaxAttempts = 10;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);
    private static readonly JsonElement NoBody = JsonDocument.Parse("null").RootElement.Clone();
    private readonly HttpClient[] clients;
    private readonly LoadRecorder recorder;

    /// <summary>
    /// nginx is sticky by client address (the consoles' circuits need it), so requests all from 127.0.0.1 would reach one
    /// instance. Each client binds its connections to its own loopback address (127.0.1.x; Linux routes all of 127/8 to
    /// the loopback device), as people behind different addresses are spread.
    /// </summary>
    public LoadClient(Uri address, int sources, LoadRecorder recorder)
    {
        this.recorder = recorder;
        clients = [.. Enumerable.Range(0, sources).Select(i =>
        {
            var source = new IPAddress([127, 0, (byte)(1 + (i / 250)), (byte)(1 + (i % 250))]);
            var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 32,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                ConnectTimeout = TimeSpan.FromSeconds(5),
                ConnectCallback = async (context, ct) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(source, 0));
                        var endPoint = IPAddress.TryParse(context.DnsEndPoint.Host, out var ip) ? new IPEndPoint(ip, context.DnsEndPoint.Port) : (EndPoint)context.DnsEndPoint;
                        await socket.ConnectAsync(endPoint, ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            return new HttpClient(handler) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        })];
    }

    /// <summary>One operation of a person: the request, and its repeats where a careful client repeats it.</summary>
    public async Task<LoadAnswer> Call(int person, string token, string kind, HttpMethod method, string path, object? body = null, string? idempotencyKey = null)
    {
        var http = clients[person % clients.Length];
        var payload = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, LoadJson.Options);
        var started = Stopwatch.GetTimestamp();
        var repeatable = method == HttpMethod.Get || idempotencyKey is not null;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            if (payload is not null)
            {
                request.Content = new ByteArrayContent(payload);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            string failure;
            string? example = null;
            TimeSpan? retryAfter = null;
            using var timeout = new CancellationTokenSource(AttemptTimeout);
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300)
                {
                    var text = await response.Content.ReadAsStringAsync(timeout.Token);
                    recorder.Succeeded(kind, started, attempt);
                    return new LoadAnswer(status, text.Length == 0 ? NoBody : JsonDocument.Parse(text).RootElement.Clone());
                }

                failure = status.ToString(CultureInfo.InvariantCulture);
                example = Shorten(await response.Content.ReadAsStringAsync(timeout.Token));
                retryAfter = response.Headers.RetryAfter?.Delta;
                if (!repeatable || status is not (429 or 500 or 502 or 503 or 504))
                {
                    recorder.Failed(kind, failure, example);
                    recorder.GaveUp(kind);
                    return new LoadAnswer(status, NoBody);
                }
            }
            catch (HttpRequestException e)
            {
                failure = e.HttpRequestError switch
                {
                    HttpRequestError.ConnectionError when e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
                    HttpRequestError.ConnectionError => "connection failed",
                    HttpRequestError.ResponseEnded => "connection closed mid-answer",
                    _ => "transport: " + e.HttpRequestError,
                };
            }
            catch (IOException)
            {
                failure = "connection reset";
            }
            catch (OperationCanceledException)
            {
                failure = "timeout (15 s)";
            }

            recorder.Failed(kind, failure, example);
            if (!repeatable || attempt >= MaxAttempts || Stopwatch.GetElapsedTime(started) > GiveUpAfter)
            {
                recorder.GaveUp(kind);
                return new LoadAnswer(0, NoBody);
            }

            recorder.Retried(kind);
            await Task.Delay(retryAfter ?? Backoff(attempt));
        }
    }

    /// <summary>0.25, 0.5, 1, 2, 4, 5, 5 … seconds, each with ±25 % jitter so that clients refused together do not come back together.</summary>
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(5, 0.25 * Math.Pow(2, attempt - 1)) * (0.75 + (Random.Shared.NextDouble() / 2)));

    private static string Shorten(string body) => body.Length > 200 ? body[..200] : body;

    public void Dispose()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}

/// <summary>What the clients saw: each operation's latency by kind, every failed attempt by second, retries, and the writes.</summary>
public sealed class LoadRecorder(long start, double warmUpSeconds)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Latencies> latencies = [];
    private readonly Dictionary<string, int> gaveUp = [];
    private readonly Dictionary<string, int> retried = [];
    private readonly Dictionary<string, int> afterRetry = [];
    private readonly Dictionary<(int Second, string Failure), int> failures = [];
    private readonly Dictionary<int, int> okBySecond = [];
    private readonly Dictionary<int, int> slowReadsBySecond = [];
    private readonly List<string> examples = [];

    /// <summary>A read slower than this (the target's p99) is counted in its second, to see whether the tails come together.</summary>
    public const double SlowReadMs = 100;

    public double Seconds(long timestamp) => (double)(timestamp - start) / Stopwatch.Frequency;

    public double Now => Seconds(Stopwatch.GetTimestamp());

    public void Succeeded(string kind, long started, int attempts)
    {
        var now = Stopwatch.GetTimestamp();
        var second = (int)Seconds(now);
        var measured = Seconds(started) >= warmUpSeconds;
        var tookMs = (now - started) * 1000.0 / Stopwatch.Frequency;
        lock (gate)
        {
            okBySecond[second] = okBySecond.GetValueOrDefault(second) + 1;
            if (attempts > 1)
            {
                afterRetry[kind] = afterRetry.GetValueOrDefault(kind) + 1;
            }

            // Operations begun in the warm-up are not measured (the instances' JIT, the database's caches).
            if (measured)
            {
                if (!latencies.TryGetValue(kind, out var list))
                {
                    latencies[kind] = list = new Latencies();
                }

                list.Add(now - started);
                if (tookMs > SlowReadMs && !LoadSimulation.IsWrite(kind))
                {
                    slowReadsBySecond[second] = slowReadsBySecond.GetValueOrDefault(second) + 1;
                }
            }
        }
    }

    public void Failed(string kind, string failure, string? example)
    {
        lock (gate)
        {
            var key = ((int)Now, failure);
            failures[key] = failures.GetValueOrDefault(key) + 1;
            // Two answers of each kind of failure, to read what the host said.
            if (example is not null && examples.Count(e => e.StartsWith(failure + " ", StringComparison.Ordinal)) < 2)
            {
                examples.Add($"{failure} ({kind}): {example}");
            }
        }
    }

    public void Retried(string kind)
    {
        lock (gate)
        {
            retried[kind] = retried.GetValueOrDefault(kind) + 1;
        }
    }

    public void GaveUp(string kind)
    {
        lock (gate)
        {
            gaveUp[kind] = gaveUp.GetValueOrDefault(kind) + 1;
        }
    }

    public IReadOnlyDictionary<string, LatencySummary> Summaries()
    {
        lock (gate)
        {
            return latencies.ToDictionary(p => p.Key, p => p.Value.Summarise());
        }
    }

    public IReadOnlyList<LoadFailure> Failures()
    {
        lock (gate)
        {
            return [.. failures.OrderBy(f => f.Key.Second).ThenBy(f => f.Key.Failure, StringComparer.Ordinal).Select(f => new LoadFailure(f.Key.Second, f.Key.Failure, f.Value))];
        }
    }

    public IReadOnlyDictionary<int, int> OkBySecond()
    {
        lock (gate)
        {
            return new Dictionary<int, int>(okBySecond);
        }
    }

    public IReadOnlyDictionary<int, int> SlowReadsBySecond()
    {
        lock (gate)
        {
            return new Dictionary<int, int>(slowReadsBySecond);
        }
    }

    public (IReadOnlyDictionary<string, int> Retried, IReadOnlyDictionary<string, int> AfterRetry, IReadOnlyDictionary<string, int> GaveUp, IReadOnlyList<string> Examples) Retries()
    {
        lock (gate)
        {
            return (new Dictionary<string, int>(retried), new Dictionary<string, int>(afterRetry), new Dictionary<string, int>(gaveUp), [.. examples]);
        }
    }
}

public sealed record LoadFailure(int Second, string Failure, int Count);
