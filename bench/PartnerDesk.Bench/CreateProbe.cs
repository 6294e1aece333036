using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PartnerDesk.Bench;

/// <summary>
/// What one create costs the host, without contention: the real host in this process (Release, Production, demo
/// mode, no background jobs) behind an in-memory server, creates sent one after another. Counts what is exact
/// (bytes allocated, database commands) and what is not (CPU time of the process, which includes the in-memory
/// client's small share). The HTTP bench shares two cores between client, host and database and moves by 30 %
/// from run to run; these figures do not.
/// </summary>
public static class CreateProbe
{
    public sealed record Figures(
        string Customer, int Creates, double AllocatedKiB, double CpuMs, double Commands, IReadOnlyList<(string Command, double PerCreate, double MeanMs)> ByCommand,
        double HealthCpuMs, double HealthAllocatedKiB, IReadOnlyList<(string Type, double KiBPerCreate)> ByType, IReadOnlyList<(string Type, double KiBPerCreate)> HealthByType);

    public static async Task<IReadOnlyList<Figures>> Run(BenchDatabase database, string hostFolder, IReadOnlyList<(string Name, Guid Id)> customers, int warmUp, int measured)
    {
        await using var host = new HostInProcess(database, hostFolder);
        using var http = host.CreateClient();
        using var anonymous = host.CreateClient();
        var token = await SignIn(http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var results = new List<Figures>();
        foreach (var (name, id) in customers)
        {
            var bodies = Enumerable.Range(0, 64).Select(i => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
            {
                customerId = id,
                title = $"Probe ticket {i}: mailbox quota warning",
                description = "Users report that their mailbox is almost full and Outlook shows a warning. Created by the PartnerDesk bench.",
                severity = (i % 10) switch { 0 => "A", < 5 => "B", _ => "C" },
                kind = (i % 2) == 0 ? "Incident" : "ServiceRequest",
                service = i % 4 == 0 ? null : "Exchange Online",
            }))).ToArray();

            async Task Create(int i)
            {
                using var content = new ByteArrayContent(bodies[i % bodies.Length]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync(new Uri("/api/v1/tickets", UriKind.Relative), content);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"The probe's create answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                await response.Content.CopyToAsync(Stream.Null);
            }

            for (var i = 0; i < warmUp; i++)
            {
                await Create(i);
            }

            // Three rounds with no instrument attached: bytes are counted over all of them; CPU is the least round's, the
            // one least disturbed by whatever else ran on the machine. (A diagnostic listener makes EF Core build an
            // event object per command, and the allocation sampler makes the runtime raise events: both are the
            // probe's own cost, so they listen only in the fourth round below.)
            long allocated = 0;
            var cpu = TimeSpan.MaxValue;
            var round = measured / 3;
            for (var r = 0; r < 3; r++)
            {
                var (roundAllocated, roundCpu) = await Measure(async () =>
                {
                    for (var i = 0; i < round; i++)
                    {
                        await Create(i);
                    }
                });
                allocated += roundAllocated;
                cpu = roundCpu < cpu ? roundCpu : cpu;
            }

            measured = round * 3;

            // A fourth round with the instruments: which commands, and which types the bytes are.
            IReadOnlyList<(string Command, double PerCreate, double MeanMs)> byCommand;
            IReadOnlyList<(string Type, double KiBPerCreate)> byType;
            using (var commands = new CommandCounter())
            {
                // EF Core notices a new listener only after a while: a few creates first, not counted.
                for (var i = 0; i < 200; i++)
                {
                    await Create(i);
                }

                commands.Reset();
                using var types = new AllocationSampler();
                for (var i = 0; i < round; i++)
                {
                    await Create(i);
                }

                byCommand = commands.Snapshot(round);
                byType = types.Top(25, round);
            }

            // The floor of any request through the same pipeline: the (anonymous) health check, measured the same way.
            async Task Health()
            {
                for (var i = 0; i < measured; i++)
                {
                    using var response = await anonymous.GetAsync(new Uri("/health/live", UriKind.Relative));
                    await response.Content.CopyToAsync(Stream.Null);
                }
            }

            var (healthAllocated, healthCpu) = await Measure(Health);
            IReadOnlyList<(string Type, double KiBPerCreate)> healthByType;
            using (var healthTypes = new AllocationSampler())
            {
                await Health();
                healthByType = healthTypes.Top(15, measured);
            }

            results.Add(new Figures(
                name, measured, allocated / 1024.0 / measured, cpu.TotalMilliseconds / round, byCommand.Sum(c => c.PerCreate), byCommand,
                healthCpu.TotalMilliseconds / measured, healthAllocated / 1024.0 / measured, byType, healthByType));
        }

        return results;
    }

    private static async Task<(long Allocated, TimeSpan Cpu)> Measure(Func<Task> work)
    {
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        await work();
        return (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, Environment.CpuUsage.TotalTime - cpuBefore);
    }

    private static async Task<string> SignIn(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { email = "admin@contoso-cloud.example", password = BenchDatabase.DemoPassword });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Signing in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>The host as the bench's separate process runs it, in this process; background jobs off so only requests allocate.</summary>
    private sealed class HostInProcess(BenchDatabase database, string hostFolder) : WebApplicationFactory<PartnerDesk.Platform.Data.PartnerDeskDb>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseContentRoot(hostFolder);
            builder.UseSetting("PartnerDesk:Database", database.HostSetting);
            builder.UseSetting("ConnectionStrings:PartnerDesk", database.ConnectionString);
            builder.UseSetting("PartnerDesk:DemoMode", "true");
            builder.UseSetting("PartnerDesk:DemoPassword", BenchDatabase.DemoPassword);
            // The simulator is a web host of its own, built before PartnerDesk's: the factory would take it for the host.
            builder.UseSetting("PartnerDesk:Microsoft:UseSimulator", "false");
            builder.UseSetting("PartnerDesk:RateLimits:PerTokenPerMinute", "100000000");
            builder.UseSetting("PartnerDesk:RateLimits:PerOrganisationPerMinute", "100000000");
            foreach (var job in new[] { "ServiceHealth", "Outbox", "Escalations", "Sla", "Mail", "Gdap", "CustomerImport" })
            {
                builder.UseSetting($"PartnerDesk:{job}:Enabled", "false");
            }

            // The rollup's first round counts the seed's closed months in this process, and its CPU would count as the
            // creates' (since it pauses between months, decisions 8t.6, it overlapped the measured rounds: +0.3–0.7 ms).
            builder.UseSetting("PartnerDesk:Reports:RollupEnabled", "false");

            builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        }

        protected override IHost CreateHost(IHostBuilder builder)
        {
            builder.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
            return base.CreateHost(builder);
        }
    }

    /// <summary>
    /// The runtime's allocation samples (one event about every 100 KB allocated, naming the type of the object that
    /// crossed the mark): over thousands of creates, each type's share of the samples is its share of the bytes.
    /// </summary>
    private sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
    {
        private readonly Dictionary<string, long> bytes = new(StringComparer.Ordinal);
        private readonly Lock gate = new();

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1); // GC keyword: AllocationTick
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null)
            {
                return;
            }

            var type = e.Payload![e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
            var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
            lock (gate)
            {
                bytes[type] = bytes.GetValueOrDefault(type) + amount;
            }
        }

        public List<(string Type, double KiBPerCreate)> Top(int count, int creates)
        {
            lock (gate)
            {
                return [.. bytes.OrderByDescending(b => b.Value).Take(count).Select(b => (b.Key, b.Value / 1024.0 / creates))];
            }
        }
    }

    /// <summary>Every command EF Core runs, by its text (the ticket number's upsert runs outside EF and is not among them).</summary>
    private sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly IDisposable subscription;
        private readonly List<IDisposable> listeners = [];
        private readonly Dictionary<string, (int Count, double Ms)> seen = new(StringComparer.Ordinal);
        private readonly Lock gate = new();

        public CommandCounter() => subscription = DiagnosticListener.AllListeners.Subscribe(this);

        public void Reset()
        {
            lock (gate)
            {
                seen.Clear();
            }
        }

        public List<(string Command, double PerCreate, double MeanMs)> Snapshot(int creates)
        {
            lock (gate)
            {
                return [.. seen.OrderByDescending(s => s.Value.Count).Select(s => (s.Key, s.Value.Count / (double)creates, s.Value.Ms / s.Value.Count))];
            }
        }

        void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                lock (gate)
                {
                    listeners.Add(value.Subscribe(this, name => name == RelationalEventId.CommandExecuted.Name));
                }
            }
        }

        void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Value is CommandExecutedEventData executed)
            {
                var text = string.Join(' ', executed.Command.CommandText.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
                text = text.Length > 160 ? text[..160] + "…" : text;
                lock (gate)
                {
                    var (count, ms) = seen.GetValueOrDefault(text);
                    seen[text] = (count + 1, ms + executed.Duration.TotalMilliseconds);
                }
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            subscription.Dispose();
            lock (gate)
            {
                listeners.ForEach(l => l.Dispose());
            }
        }
    }
}
