using System.Net;
using System.Net.Sockets;

namespace PartnerDesk.Tests.Deliveries;

/// <summary>A server on loopback that accepts connections and never says a word, until the test lets them go.</summary>
public sealed class HangingServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> accepted = [];
    private readonly TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;

    public HangingServer()
    {
        listener.Start();
        accepting = Accept();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Completes when the first connection was accepted.</summary>
    public Task Connected => connected.Task;

    private async Task Accept()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var socket = await listener.AcceptSocketAsync(stop.Token);
                lock (accepted)
                {
                    accepted.Add(socket);
                }

                connected.TrySetResult();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>Closes every connection it holds: the client reads the end of the stream.</summary>
    public void Release()
    {
        lock (accepted)
        {
            accepted.ForEach(s => s.Dispose());
            accepted.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        Release();
        await accepting;
        stop.Dispose();
    }
}
