using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace PartnerDesk.Platform.Outbound;

/// <summary>Settings under "PartnerDesk:Outbound" (environment: PartnerDesk__Outbound__Name).</summary>
public sealed class OutboundOptions
{
    public const string Section = "PartnerDesk:Outbound";

    /// <summary>
    /// Whether destinations that admins set (mailbox servers) may be private, loopback or link-local addresses.
    /// Unset: on in demo mode (the demo's and the tests' mail servers listen on loopback), off in production.
    /// </summary>
    public bool? AllowPrivateNetworks { get; set; }

    /// <summary>How long resolving a name and opening the connection may take together.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>A destination the outbound-connections policy does not allow.</summary>
public sealed class DestinationNotAllowedException(string host, AddressKind kind)
    : Exception($"{host} leads only to {kind} addresses, which PartnerDesk:Outbound:AllowPrivateNetworks does not allow.")
{
    public string Host { get; } = host;
    public AddressKind Kind { get; } = kind;
}

/// <summary>
/// Opens TCP connections to destinations that admins or customers set, under the outbound-connections policy:
/// the name is resolved once, every address it gives is judged by <see cref="OutboundAddresses"/>, and the
/// socket is opened to a vetted address itself, so a name that answers differently a moment later (DNS
/// rebinding) cannot lead elsewhere. Operator-configured endpoints (Microsoft, the simulator) do not come here.
/// </summary>
public sealed class OutboundConnections(IOptions<OutboundOptions> options)
{
    private OutboundOptions Options => options.Value;

    public bool AllowsPrivateNetworks => Options.AllowPrivateNetworks == true;

    /// <summary>A connected socket to the host, within <see cref="OutboundOptions.ConnectTimeout"/> (else <see cref="TimeoutException"/>).</summary>
    public async Task<Socket> Connect(string host, int port, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Options.ConnectTimeout);
        try
        {
            SocketException? last = null;
            foreach (var address in await Vetted(host, deadline.Token))
            {
                var target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
                var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(target, port), deadline.Token);
                    return socket;
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    last = e; // the next address of the name, as a resolver-driven connect would
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            throw last ?? new SocketException((int)SocketError.HostNotFound);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Connecting to {host}:{port} took longer than {Options.ConnectTimeout}.");
        }
    }

    /// <summary>
    /// For saving a destination: the policy's refusal when the host leads to no allowed address, else null (also
    /// when the name cannot be resolved now: connecting will say so, and it may be a passing failure).
    /// </summary>
    public async Task<DestinationNotAllowedException?> Refusal(string host, CancellationToken ct)
    {
        if (AllowsPrivateNetworks)
        {
            return null;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Options.ConnectTimeout);
        try
        {
            await Vetted(host, deadline.Token);
            return null;
        }
        catch (DestinationNotAllowedException e)
        {
            return e;
        }
        catch (Exception e) when (e is SocketException or ArgumentException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>The addresses of the host that the policy allows, in the resolver's order; none allowed is a <see cref="DestinationNotAllowedException"/>.</summary>
    private async Task<IPAddress[]> Vetted(string host, CancellationToken ct)
    {
        var name = host.Trim().TrimStart('[').TrimEnd(']');
        var addresses = IPAddress.TryParse(name, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(name, ct);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (AllowsPrivateNetworks)
        {
            return addresses;
        }

        var allowed = Array.FindAll(addresses, OutboundAddresses.IsPublic);
        return allowed.Length > 0 ? allowed : throw new DestinationNotAllowedException(host, OutboundAddresses.Classify(addresses[0]));
    }
}

/// <summary>
/// What admins are told when a connection fails: a category, never the socket's or the library's text (which
/// would tell a scanner what answers where inside a network). The exception itself goes to the log.
/// </summary>
public static class ConnectionProblems
{
    public const string NotFound = "The host name could not be found.";
    public const string Refused = "The connection was refused.";
    public const string Unreachable = "The server could not be reached.";
    public const string TimedOut = "The server did not answer in time.";
    public const string Secure = "The secure connection failed (certificate or TLS).";
    public const string SignIn = "The server refused the sign-in.";
    public const string NotAllowed = "This destination is not allowed: it is on a private network.";
    public const string Failed = "The connection to the server failed.";

    /// <summary>The category of a failure of reaching a server; null when it is not one of those.</summary>
    public static string? Of(Exception e) => e switch
    {
        DestinationNotAllowedException => NotAllowed,
        TimeoutException => TimedOut,
        SocketException s => s.SocketErrorCode switch
        {
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => NotFound,
            SocketError.ConnectionRefused => Refused,
            SocketError.TimedOut => TimedOut,
            SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown or SocketError.HostDown => Unreachable,
            _ => Failed,
        },
        System.Security.Authentication.AuthenticationException => Secure, // the TLS handshake (SslStream)
        IOException { InnerException: { } inner } when Of(inner) is { } category => category,
        IOException => Failed,
        _ => null,
    };
}

public static class OutboundSetup
{
    /// <param name="demo">Demo mode, as Program decides it: private networks are allowed there unless configured otherwise.</param>
    public static IServiceCollection AddPartnerDeskOutbound(this IServiceCollection services, IConfiguration configuration, bool demo)
    {
        services.AddOptions<OutboundOptions>().Bind(configuration.GetSection(OutboundOptions.Section))
            .PostConfigure(o => o.AllowPrivateNetworks ??= demo);
        services.AddSingleton<OutboundConnections>();
        return services;
    }
}
