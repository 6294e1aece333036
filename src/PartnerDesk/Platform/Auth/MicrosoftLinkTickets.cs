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

    // A second kind: a fresh Microsoft sign-in, as the account's own Microsoft account, vouches for its owner instead of
    // a password (an account that has none) before a personal access token or two-factor off (Features/Accounts).
    private readonly ITimeLimitedDataProtector confirmations = protection.CreateProtector("PartnerDesk.MicrosoftConfirmation").ToTimeLimitedDataProtector();

    public string Issue(Guid userId) => protector.Protect(userId.ToString(), Lifetime);

    public string IssueConfirmation(Guid userId) => confirmations.Protect(userId.ToString(), Lifetime);

    public bool Confirms(string? ticket, Guid userId) => Names(confirmations, ticket, userId);

    public bool Names(string? ticket, Guid userId) => Names(protector, ticket, userId);

    private static bool Names(ITimeLimitedDataProtector protector, string? ticket, Guid userId)
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
