using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace PartnerDesk.Platform;

/// <summary>
/// Where links that leave the site point (invitations, rating links in mail): the one rule for every feature.
/// The configured public address (<see cref="PartnerDeskOptions.PublicUrl"/>) always; without it, the address a
/// request came to or the host listens on, but such links are mailed only in the demo or in development: a Host
/// header is the caller's to choose, and the partner's mailbox must not send a made-up host to a customer.
/// </summary>
public sealed class SiteAddress(IOptions<PartnerDeskOptions> options, IHostEnvironment environment, IServer server)
{
    public string? Configured => options.Value.PublicUrl?.ToString().TrimEnd('/');

    private bool OwnAddressMayBeMailed => options.Value.DemoMode ?? environment.IsDevelopment();

    /// <summary>The address a request came to (scheme, host, path base).</summary>
    public static string Of(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>For a link made in a request: the site, and whether a mail may carry it.</summary>
    public (string Site, bool Mailable) ForRequest(string requestAddress) =>
        Configured is { } configured ? (configured, true) : (requestAddress.TrimEnd('/'), OwnAddressMayBeMailed);

    /// <summary>
    /// For a link made with no request (a job writing a mail): the configured address; in the demo or development
    /// the address the host listens on; else none, and the mail goes without the link.
    /// </summary>
    public string? ForMail()
    {
        if (Configured is { } configured)
        {
            return configured;
        }

        if (!OwnAddressMayBeMailed)
        {
            return null;
        }

        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return listening is null
            ? "http://localhost"
            : listening.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal).TrimEnd('/');
    }
}
