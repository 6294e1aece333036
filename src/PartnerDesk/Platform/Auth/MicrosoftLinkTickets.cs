using Microsoft.AspNetCore.DataProtection;

namespace PartnerDesk.Platform.Auth;

/// <summary>
/// Linking a Microsoft account to one's own needs the password again (a session alone, left open on a shared
/// computer or stolen, must not be enough for a lasting way in): the account page checks it and hands out a
/// ticket, good for five minutes and for this person only, that the Microsoft sign-in takes.
/// </summary>
public sealed class MicrosoftLinkTickets(IDataProtectionProvider protection)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector("PartnerDesk.MicrosoftLink").ToTimeLimitedDataProtector();

    public string Issue(Guid userId) => protector.Protect(userId.ToString(), Lifetime);

    public bool Names(string? ticket, Guid userId)
    {
        if (string.IsNullOrEmpty(ticket) || ticket.Length > 1000)
        {
            return false;
        }

        try
        {
            return protector.Unprotect(ticket) == userId.ToString();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false; // forged, expired, or another installation's
        }
    }
}
