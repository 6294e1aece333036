using Microsoft.AspNetCore.Identity;
using PartnerDesk.Platform.Auth;

namespace PartnerDesk.Features.Accounts;

/// <summary>How an account proves, again, that its owner is at the keyboard.</summary>
public enum ReauthenticationProof
{
    Password,

    /// <summary>No password (signs in with Microsoft only), two-factor on: a current code from the authenticator app.</summary>
    AuthenticatorCode,

    /// <summary>No password and no authenticator: a fresh Sign in with Microsoft, as the linked Microsoft account.</summary>
    Microsoft,
}

/// <summary>
/// Creating a personal access token (a way in for up to a year) and turning two-factor off (a protection taken away)
/// ask again who is there, always: a session alone, left open on a shared computer or stolen, is not enough.
/// Failures count towards lock-out, as at sign-in, so that a session cannot be used to guess the password.
/// </summary>
public static class Reauthentication
{
    public static async Task<ReauthenticationProof> ProofFor(UserManager<UserAccount> users, UserAccount user) =>
        await users.HasPasswordAsync(user) ? ReauthenticationProof.Password
        : user.TwoFactorEnabled ? ReauthenticationProof.AuthenticatorCode
        : ReauthenticationProof.Microsoft;

    /// <param name="secret">The password or authenticator code typed again.</param>
    /// <param name="microsoftConfirmed">Whether a fresh Microsoft sign-in, as this account's Microsoft account, vouched in the last minutes.</param>
    public static async Task<bool> Confirms(UserManager<UserAccount> users, UserAccount user, string? secret, bool microsoftConfirmed)
    {
        if (await users.IsLockedOutAsync(user))
        {
            return false;
        }

        var proof = await ProofFor(users, user);
        var confirmed = proof switch
        {
            ReauthenticationProof.Password => !string.IsNullOrEmpty(secret) && await users.CheckPasswordAsync(user, secret),
            ReauthenticationProof.AuthenticatorCode => !string.IsNullOrWhiteSpace(secret)
                && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, secret.Replace(" ", "", StringComparison.Ordinal)),
            _ => microsoftConfirmed,
        };
        if (confirmed)
        {
            await users.ResetAccessFailedCountAsync(user);
        }
        else if (!string.IsNullOrEmpty(secret))
        {
            await users.AccessFailedAsync(user);
        }

        return confirmed;
    }
}
