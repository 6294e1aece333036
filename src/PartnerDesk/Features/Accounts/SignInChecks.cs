using Microsoft.AspNetCore.Identity;
using PartnerDesk.Platform.Auth;

namespace PartnerDesk.Features.Accounts;

public enum SignInCheck
{
    Ok,
    Failed,
    TwoFactorRequired,

    /// <summary>The password is right, but the organisation requires Sign in with Microsoft for agents.</summary>
    MicrosoftRequired,
}

public static class SignInChecks
{
    /// <summary>
    /// Checks a password with lock-out, and the TOTP code when the account has two-factor on. An unknown
    /// account still costs a password hash, so that timing does not tell which accounts exist.
    /// </summary>
    public static async Task<SignInCheck> CheckPassword(SignInManager<UserAccount> signIn, UserAccount? user, string password, string? twoFactorCode)
    {
        if (user is null || await signIn.UserManager.IsLockedOutAsync(user))
        {
            signIn.UserManager.PasswordHasher.HashPassword(new UserAccount(), password);
            return SignInCheck.Failed;
        }

        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.IsNotAllowed)
        {
            return SignInCheck.MicrosoftRequired;
        }

        if (!result.Succeeded)
        {
            return SignInCheck.Failed;
        }

        if (!user.TwoFactorEnabled)
        {
            return SignInCheck.Ok;
        }

        if (string.IsNullOrWhiteSpace(twoFactorCode))
        {
            return SignInCheck.TwoFactorRequired;
        }

        var valid = await signIn.UserManager.VerifyTwoFactorTokenAsync(
            user, signIn.Options.Tokens.AuthenticatorTokenProvider, twoFactorCode.Replace(" ", "", StringComparison.Ordinal));
        if (!valid)
        {
            await signIn.UserManager.AccessFailedAsync(user);
            return SignInCheck.Failed;
        }

        await signIn.UserManager.ResetAccessFailedCountAsync(user);
        return SignInCheck.Ok;
    }
}
