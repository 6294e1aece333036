using System.Collections.Concurrent;

using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;
using PartnerDesk.Platform.Outbound;

namespace PartnerDesk.Features.Mail;

/// <summary>
/// Opens authenticated IMAP and SMTP connections for a mailbox: password login, or OAuth2 (XOAUTH2) with a
/// token of the mailbox's Entra app for Exchange Online, which turned basic authentication off. The servers are
/// reached through <see cref="OutboundConnections"/> (the outbound-connections policy): MailKit gets the socket
/// opened to the vetted address, and the host name only for TLS.
/// </summary>
public sealed class MailConnections(IDataProtectionProvider protection, OutboundConnections outbound, IOptions<MailOptions> options)
{
    /// <summary>Exchange Online's IMAP and SMTP accept tokens for this resource (client credentials flow).</summary>
    public const string ExchangeScope = "https://outlook.office365.com/.default";

    private readonly IDataProtector protector = protection.CreateProtector("PartnerDesk.Mailbox.Secret.v1");
    // Per mailbox and secret: tenant and client ids are not secret, so an app built with one organisation's
    // secret must never serve another organisation that names the same ids.
    private readonly ConcurrentDictionary<(Guid Mailbox, string Secret), IConfidentialClientApplication> apps = new();

    public string Protect(string secret) => protector.Protect(secret);

    public string? Unprotect(Mailbox mailbox)
    {
        if (mailbox.ProtectedSecret is null)
        {
            return null;
        }

        try
        {
            return protector.Unprotect(mailbox.ProtectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new MailboxSettingsException("The mailbox's password cannot be read with this installation's keys: enter it again.");
        }
    }

    public async Task<ImapClient> Imap(Mailbox mailbox, CancellationToken ct)
    {
        var client = new ImapClient { Timeout = CommandTimeout };
        try
        {
            await Connect(client, mailbox.ImapHost, mailbox.ImapPort, mailbox.ImapSecurity, ct);
            await client.AuthenticateAsync(await Credentials(mailbox, ct), ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task<SmtpClient> Smtp(Mailbox mailbox, CancellationToken ct)
    {
        var client = new SmtpClient { Timeout = CommandTimeout };
        try
        {
            await Connect(client, mailbox.SmtpHost, mailbox.SmtpPort, mailbox.SmtpSecurity, ct);
            if (client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                await client.AuthenticateAsync(await Credentials(mailbox, ct), ct);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private async Task Connect(MailService client, string host, int port, MailSecurity security, CancellationToken ct)
    {
        var socket = await outbound.Connect(host, port, ct);
        try
        {
            await client.ConnectAsync(socket, host, port, Security(security), ct);
        }
        catch
        {
            socket.Dispose(); // MailKit owns it only once connected
            throw;
        }
    }

    /// <summary>MailKit's limit on each read or write of a command (a large message is many of them, not one).</summary>
    private int CommandTimeout => (int)Math.Clamp(options.Value.CommandTimeout.TotalMilliseconds, 1_000, int.MaxValue);

    private static SecureSocketOptions Security(MailSecurity security) => security switch
    {
        MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    private async Task<SaslMechanism> Credentials(Mailbox mailbox, CancellationToken ct)
    {
        var secret = Unprotect(mailbox) ?? throw new MailboxSettingsException("The mailbox has no password or client secret.");
        if (mailbox.Login == MailLogin.Password)
        {
            return new SaslMechanismPlain(mailbox.UserName, secret);
        }

        var key = (mailbox.Id, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{mailbox.TenantId}|{mailbox.ClientId}|{secret}"))));
        var app = apps.GetOrAdd(key, _ => ConfidentialClientApplicationBuilder.Create(mailbox.ClientId)
            .WithClientSecret(secret).WithTenantId(mailbox.TenantId).Build());
        var token = await app.AcquireTokenForClient([ExchangeScope]).ExecuteAsync(ct);
        return new SaslMechanismOAuth2(mailbox.UserName, token.AccessToken);
    }

    /// <summary>Forgets the cached apps of a mailbox whose settings changed.</summary>
    public void Forget(Mailbox mailbox)
    {
        foreach (var key in apps.Keys.Where(k => k.Mailbox == mailbox.Id))
        {
            apps.TryRemove(key, out _);
        }
    }

    /// <summary>Failures of reaching or signing in to a mail server, said to the admin rather than thrown.</summary>
    public static bool IsConnectionFailure(Exception e) => e is MailKit.ProtocolException or MailKit.CommandException or AuthenticationException or IOException
        or System.Net.Sockets.SocketException or MailboxSettingsException or TimeoutException or MsalException or ArgumentException
        or DestinationNotAllowedException or System.Security.Authentication.AuthenticationException or MailKit.ServiceNotConnectedException;

    /// <summary>
    /// What the admin is told about a failure (the mailbox's problem, "read now"): a category in words the console
    /// translates, never the exception's text. Whoever calls this logs the exception for operators.
    /// </summary>
    public static string Describe(Exception e) => e switch
    {
        MailboxSettingsException settings => settings.Message, // PartnerDesk's own words to the admin
        SslHandshakeException => ConnectionProblems.Secure,
        AuthenticationException => ConnectionProblems.SignIn,
        MsalServiceException => MicrosoftRefused,
        MsalException => MicrosoftFailed,
        MailKit.CommandException => CommandRefused,
        MailKit.ProtocolException { InnerException: { } inner } when ConnectionProblems.Of(inner) is { } category => category,
        MailKit.ProtocolException => NotMailServer,
        ArgumentException => ConnectionProblems.NotFound,
        _ => ConnectionProblems.Of(e) ?? ConnectionProblems.Failed,
    };

    public const string MicrosoftRefused = "Microsoft refused the app's sign-in (tenant, client id or secret).";
    public const string MicrosoftFailed = "The sign-in with Microsoft could not be completed.";
    public const string CommandRefused = "The mail server refused a command.";
    public const string NotMailServer = "The server did not answer as a mail server does (server, port or security).";

    /// <summary>Whether a failure will pass by itself (network, server busy) or needs a person (login refused, bad settings).</summary>
    public static bool IsLasting(Exception e) => e is AuthenticationException or MailboxSettingsException or DestinationNotAllowedException or MsalServiceException { ErrorCode: "invalid_client" or "unauthorized_client" }
        or SslHandshakeException or ImapCommandException { Response: ImapCommandResponse.No };
}

/// <summary>A mailbox's settings do not work; an admin must fix them.</summary>
public sealed class MailboxSettingsException(string message) : Exception(message);
