using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace PartnerDesk.Tests.Infrastructure;

/// <summary>
/// The real host as a process of its own (dotnet PartnerDesk.dll), so that a test can kill it like a
/// power cut would (SIGKILL, no shutdown) and start it again on the same database.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private HostProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    /// <summary>The operating system's id of the host (lease holders carry it).</summary>
    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>What the host wrote, for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static async Task<HostProcess> Start(string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "PartnerDesk.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = Directory.CreateTempSubdirectory("partnerdesk-host-").FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["PartnerDesk__Database"] = TestDatabase.Provider;
        start.Environment["ConnectionStrings__PartnerDesk"] = connectionString;
        start.Environment["PartnerDesk__DemoMode"] = "true";
        start.Environment["PartnerDesk__DemoPassword"] = TestDatabase.DemoPassword;
        start.Environment["PartnerDesk__Microsoft__UseSimulator"] = "false";
        start.Environment["PartnerDesk__ServiceHealth__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var host = new HostProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        using var probe = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(5) };
        for (var waited = 0; waited < 120; waited++)
        {
            if (host.process.HasExited)
            {
                throw new InvalidOperationException($"The host exited at start:\n{host.Output}");
            }

            try
            {
                if ((await probe.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!host.process.HasExited)
            {
                // Listening, but the first answer took longer than the probe waits (a loaded machine): ask again.
            }

            await Task.Delay(500);
        }

        await host.DisposeAsync();
        throw new TimeoutException($"The host did not become ready:\n{host.Output}");
    }

    /// <summary>An API client signed in as a demo account.</summary>
    public async Task<HttpClient> ClientFor(string email)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = TestDatabase.DemoPassword });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<Token>())!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing the host can do about it.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator or systemd stops it: the host stops in order; waits until it has.</summary>
    public async Task Terminate()
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Token(string AccessToken);
}
