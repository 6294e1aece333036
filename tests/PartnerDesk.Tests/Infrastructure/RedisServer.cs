using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PartnerDesk.Tests.Infrastructure;

/// <summary>
/// A real redis-server (Debian's package; ./test.sh installs it) on a free loopback port, as a child process with a
/// throwaway directory and no persistence: a test may stop it and start it again on the same port (Redis down, back).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("partnerdesk-redis-").FullName;
    private Process? process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The setting PartnerDesk:Redis for the instances.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists("/usr/bin/redis-server"))
        {
            throw new InvalidOperationException("redis-server is not installed (Debian: apt-get install redis-server; ./test.sh does it).");
        }

        var server = new RedisServer(FreePort());
        await server.Start();
        return server;
    }

    /// <summary>Starts it (again) on its port and waits until it answers.</summary>
    public async Task Start()
    {
        var start = new ProcessStartInfo("/usr/bin/redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory, "--protected-mode", "yes"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            if (await Answers())
            {
                return;
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited at start with {process.ExitCode}.");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("redis-server did not answer.");
    }

    /// <summary>Kills it (SIGKILL): every connection breaks at once.</summary>
    public async Task Stop()
    {
        if (process is { HasExited: false } running)
        {
            running.Kill();
            await running.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    private async Task<bool> Answers()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await Stop();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
