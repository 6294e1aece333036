using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PartnerDesk.Bench;

public sealed record CreateResult(int Connections, double Seconds, int Created, int Errors, int AllRequests, double PerSecond, LatencySummary Latency, IReadOnlyList<string> FirstErrors);

/// <summary>What an integration does to the host: sign in once, then list and file tickets over HTTP.</summary>
public sealed class ApiWorkload(Uri address, int connections) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    public async Task SignIn(string email, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
    }

    public async Task<JsonElement> Get(string pathAndQuery)
    {
        using var response = await http.GetAsync(new Uri(pathAndQuery, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {pathAndQuery} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A write whose answer must be a success; its JSON body.</summary>
    public async Task<JsonElement> Send(HttpMethod method, string path, object body)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sequential requests after a warm-up: the latency a person waits for, without queueing behind others.</summary>
    public async Task<LatencySummary> MeasureGet(string pathAndQuery, int warmUp, int count)
    {
        var latencies = new Latencies();
        for (var i = 0; i < warmUp + count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(new Uri(pathAndQuery, UriKind.Relative), HttpCompletionOption.ResponseContentRead);
            var elapsed = Stopwatch.GetTimestamp() - started;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {pathAndQuery} answered {(int)response.StatusCode}.");
            }

            if (i >= warmUp)
            {
                latencies.Add(elapsed);
            }
        }

        return latencies.Summarise();
    }

    /// <summary>
    /// GETs one at a time, taking the URLs in turn, <paramref name="pause"/> apart, while another load runs: what a person
    /// reading the desk waits for while tickets are being filed. Paced, so that its own work barely shows in the load's
    /// CPU figures. Only requests started between the warm-up's end and the load's end count.
    /// </summary>
    public async Task<LatencySummary[]> MeasureGetsWhile(string[] urls, TimeSpan warmUp, TimeSpan pause, Task load)
    {
        var latencies = urls.Select(_ => new Latencies()).ToArray();
        var measureFrom = Stopwatch.GetTimestamp() + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; !load.IsCompleted; i++)
        {
            var which = i % urls.Length;
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(new Uri(urls[which], UriKind.Relative), HttpCompletionOption.ResponseContentRead);
            var elapsed = Stopwatch.GetTimestamp() - started;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {urls[which]} answered {(int)response.StatusCode} while tickets were being filed.");
            }

            if (started >= measureFrom && !load.IsCompleted)
            {
                latencies[which].Add(elapsed);
            }

            await Task.WhenAny(load, Task.Delay(pause));
        }

        return [.. latencies.Select(l => l.Summarise())];
    }

    /// <summary>
    /// As many creates as the host takes from one worker per connection, each waiting for its answer
    /// before the next request; only requests started after the warm-up count.
    /// </summary>
    public async Task<CreateResult> MeasureCreates(IReadOnlyList<Guid> customers, TimeSpan warmUp, TimeSpan duration)
    {
        var bodies = Enumerable.Range(0, 4096).Select(i => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            customerId = customers[i * 7919 % customers.Count],
            title = $"Load test ticket {i}: mailbox quota warning",
            description = "Users report that their mailbox is almost full and Outlook shows a warning. Created by the PartnerDesk bench.",
            severity = (i % 10) switch { 0 => "A", < 5 => "B", _ => "C" },
            kind = (i % 3) switch { 0 => "Incident", 1 => "ServiceRequest", _ => "SubscriptionChange" },
            service = i % 4 == 0 ? null : "Exchange Online",
        }))).ToArray();

        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var errors = 0;
        var allRequests = 0;
        var firstErrors = new List<string>();
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            var latencies = new Latencies();
            var next = worker;
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                if (started >= end)
                {
                    return latencies;
                }

                using var content = new ByteArrayContent(bodies[next++ % bodies.Length]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                string? error = null;
                try
                {
                    using var response = await http.PostAsync(new Uri("/api/v1/tickets", UriKind.Relative), content);
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        error = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    error = e.GetType().Name + ": " + e.Message;
                }

                var elapsed = Stopwatch.GetTimestamp() - started;
                Interlocked.Increment(ref allRequests);
                if (started < measureFrom)
                {
                    continue;
                }

                if (error is null)
                {
                    latencies.Add(elapsed);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    lock (firstErrors)
                    {
                        if (firstErrors.Count < 5)
                        {
                            firstErrors.Add(error.Length > 300 ? error[..300] : error);
                        }
                    }
                }
            }
        })).ToArray();

        var all = new Latencies();
        foreach (var latencies in await Task.WhenAll(workers))
        {
            all.AddRange(latencies);
        }

        // Requests in flight at the end finish after it: divide by the time the last one took to come back.
        var seconds = Math.Max(duration.TotalSeconds, (double)(Stopwatch.GetTimestamp() - measureFrom) / Stopwatch.Frequency);
        return new CreateResult(connections, seconds, all.Count, errors, allRequests, all.Count / seconds, all.Summarise(), firstErrors);
    }

    /// <summary>
    /// The machine's yardstick: anonymous <c>GET /health/live</c> (no database, the whole middleware pipeline) from the
    /// same number of workers for the same time. Creates per second divided by this holds across machines better than
    /// either figure alone.
    /// </summary>
    public async Task<double> HealthChecksPerSecond(TimeSpan warmUp, TimeSpan duration)
    {
        using var anonymous = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = address };
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counted = 0;
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() is var started && started < end)
            {
                using var response = await anonymous.GetAsync(new Uri("/health/live", UriKind.Relative));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"The health check answered {(int)response.StatusCode}.");
                }

                if (started >= measureFrom)
                {
                    Interlocked.Increment(ref counted);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return counted / Math.Max(duration.TotalSeconds, (double)(Stopwatch.GetTimestamp() - measureFrom) / Stopwatch.Frequency);
    }

    public void Dispose() => http.Dispose();
}
