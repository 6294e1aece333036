using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PartnerDesk.Bench;

/// <summary>
/// The real host, built in Release, in a process of its own so that its memory is its own. Its resident
/// set is sampled from /proc while it runs; the kernel's high-water mark (VmHWM) catches peaks between samples.
/// </summary>
public sealed class HostUnderTest : IAsyncDisposable
{
    private readonly Process process;
    private readonly CancellationTokenSource stopSampling = new();
    private readonly Task sampler;
    private readonly StreamWriter log;

    private HostUnderTest(Process process, Uri address, StreamWriter log)
    {
        this.process = process;
        this.log = log;
        Address = address;
        sampler = Task.Run(SampleMemory);
    }

    public Uri Address { get; }

    /// <summary>Largest VmRSS seen by the sampler, in MiB.</summary>
    public double PeakSampledRssMiB { get; private set; }

    public static async Task<HostUnderTest> Start(string hostDll, BenchDatabase database, string logPath, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [hostDll])
        {
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        start.Environment["PartnerDesk__Database"] = database.HostSetting;
        start.Environment["ConnectionStrings__PartnerDesk"] = database.ConnectionString;
        start.Environment["PartnerDesk__DemoMode"] = "true";
        start.Environment["PartnerDesk__DemoPassword"] = BenchDatabase.DemoPassword;
        // Demo mode starts the Microsoft simulator in the host; its service health sync would then read all
        // 5,000 bench tenants from a simulator answering at once, a CPU load no real Graph produces. Off here;
        // service health is measured on its own (ServiceHealthWorkload).
        start.Environment["PartnerDesk__ServiceHealth__Enabled"] = "false";
        // The bench is the runaway integration the API's limits are for: one token creating at up to ~2,000/s
        // (120,000 a minute, against 6,000 per token and 30,000 per organisation by default). Raised, not
        // switched off, so that what the limiter costs a create stays in the measurement.
        start.Environment["PartnerDesk__RateLimits__PerTokenPerMinute"] = "100000000";
        start.Environment["PartnerDesk__RateLimits__PerOrganisationPerMinute"] = "100000000";
        // The bench's mail servers listen on loopback.
        start.Environment["PartnerDesk__Outbound__AllowPrivateNetworks"] = "true";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the host.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new HostUnderTest(process, address, log);
        await host.WaitUntilReady();
        return host;
    }

    /// <summary>The kernel's peak resident set of the host process, in MiB.</summary>
    public double PeakRssMiB() => ReadStatusKiB("VmHWM:") / 1024.0;

    public double CurrentRssMiB() => ReadStatusKiB("VmRSS:") / 1024.0;

    /// <summary>User plus system CPU time the host has used so far.</summary>
    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private async Task WaitUntilReady()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {process.ExitCode}; see its log.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The host did not become ready within 120 s.");
    }

    private async Task SampleMemory()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(stopSampling.Token))
            {
                PeakSampledRssMiB = Math.Max(PeakSampledRssMiB, CurrentRssMiB());
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private long ReadStatusKiB(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // the process has gone
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await stopSampling.CancelAsync();
        await sampler;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        stopSampling.Dispose();
        await log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
