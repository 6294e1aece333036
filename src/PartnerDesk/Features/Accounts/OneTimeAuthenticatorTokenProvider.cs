using System.Globalization;
using Microsoft.AspNetCore.Identity;

namespace PartnerDesk.Features.Accounts;

/// <summary>
/// Identity's authenticator (TOTP) check, with one more rule: a code that was accepted is not accepted
/// again while it could still be valid, so that a code seen over someone's shoulder cannot be replayed.
/// </summary>
public sealed class OneTimeAuthenticatorTokenProvider(TimeProvider clock) : AuthenticatorTokenProvider<UserAccount>
{
    public const string Name = "PartnerDeskAuthenticator";
    private const string Store = "PartnerDesk";
    private const string LastCode = "LastAuthenticatorCode";

    /// <summary>Identity accepts a code up to about 90 seconds either side of its time step.</summary>
    private static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(3);

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<UserAccount> manager, UserAccount user)
    {
        if (!await base.ValidateAsync(purpose, token, manager, user))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var last = await manager.GetAuthenticationTokenAsync(user, Store, LastCode);
        if (last?.Split('@') is [var code, var at]
            && code == token
            && long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && now - new DateTimeOffset(ticks, TimeSpan.Zero) < ReplayWindow)
        {
            return false;
        }

        await manager.SetAuthenticationTokenAsync(user, Store, LastCode, token + "@" + now.UtcTicks.ToString(CultureInfo.InvariantCulture));
        return true;
    }
}
