using System.Collections.Concurrent;

using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Identity.Client;

namespace PartnerDesk.Features.Mail;

/// <summary>
/// Opens authenticated IMAP and SMTP connections for a mailbox: password login, or OAuth2 (XOAUTH2) with a
/// token of the mailbox's Entra app for Exchange Online, which turned basic authentication off.
/// </summary>
public sealed class MailConnections(IDataProtectionProvider protection)
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
        var client = new ImapClient { Timeout = 60_000 };
        try
        {
            await client.ConnectAsync(mailbox.ImapHost, mailbox.ImapPort, Security(mailbox.ImapSecurity), ct);
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
        var client = new SmtpClient { Timeout = 60_000 };
        try
        {
            await client.ConnectAsync(mailbox.SmtpHost, mailbox.SmtpPort, Security(mailbox.SmtpSecurity), ct);
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
        or System.Net.Sockets.SocketException or MailboxSettingsException or TimeoutException or MsalException or ArgumentException;

    /// <summary>Whether a failure will pass by itself (network, server busy) or needs a person (login refused, bad settings).</summary>
    public static bool IsLasting(Exception e) => e is AuthenticationException or MailboxSettingsException or MsalServiceException { ErrorCode: "invalid_client" or "unauthorized_client" }
        or SslHandshakeException or ImapCommandException { Response: ImapCommandResponse.No };
}

/// <summary>A mailbox's settings do not work; an admin must fix them.</summary>
public sealed class MailboxSettingsException(string message) : Exception(message);
