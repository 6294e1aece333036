using System.Globalization;
using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace PartnerDesk.Platform.Auth;

/// <summary>
/// The authenticator (TOTP, RFC 6238) check: six digits, 30-second steps, one step of clock drift either
/// way, and each step used once: a code seen over someone's shoulder, or an older one still in the window,
/// cannot be replayed after a newer one was accepted.
/// </summary>
public sealed class OneTimeAuthenticatorTokenProvider(TimeProvider clock) : AuthenticatorTokenProvider<UserAccount>
{
    public const string Name = "PartnerDeskAuthenticator";
    private const string Store = "PartnerDesk";
    private const string LastStep = "LastAuthenticatorStep";

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<UserAccount> manager, UserAccount user)
    {
        if (token is not { Length: 6 } || !token.All(char.IsAsciiDigit))
        {
            return false;
        }

        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var totp = new Totp(Base32Encoding.ToBytes(key));
        if (!totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, token, out var step, new VerificationWindow(previous: 1, future: 1)))
        {
            return false;
        }

        var last = await manager.GetAuthenticationTokenAsync(user, Store, LastStep);
        if (long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastStep) && step <= lastStep)
        {
            return false;
        }

        // Stored before the sign-in succeeds; the account's concurrency stamp makes one of two racing uses fail here.
        var stored = await manager.SetAuthenticationTokenAsync(user, Store, LastStep, step.ToString(CultureInfo.InvariantCulture));
        return stored.Succeeded;
    }
}
