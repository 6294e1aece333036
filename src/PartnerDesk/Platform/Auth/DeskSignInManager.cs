using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Platform.Auth;

/// <summary>
/// Identity's sign-in, with one rule of the organisation: where an admin requires Sign in with Microsoft, an
/// agent's correct password is refused (NotAllowed), so the tenant's MFA and conditional access always apply.
/// The password is checked first, so the answer tells nothing to someone who does not know it.
/// </summary>
public sealed class DeskSignInManager(
    UserManager<UserAccount> users,
    IHttpContextAccessor http,
    IUserClaimsPrincipalFactory<UserAccount> claims,
    IOptions<IdentityOptions> options,
    ILogger<SignInManager<UserAccount>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<UserAccount> confirmation,
    PartnerDeskDb db,
    TimeProvider clock)
    : SignInManager<UserAccount>(users, http, claims, options, logger, schemes, confirmation)
{
    public override async Task<SignInResult> CheckPasswordSignInAsync(UserAccount user, string password, bool lockoutOnFailure)
    {
        var result = await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        if (!result.Succeeded)
        {
            return result;
        }

        if (await MicrosoftRequired(user))
        {
            return SignInResult.NotAllowed;
        }

        // For the people page: when each person last proved who they are (Microsoft sign-ins record it too).
        var now = clock.GetUtcNow();
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignInAt, now));
        return result;
    }

    public Task<bool> MicrosoftRequired(UserAccount user) =>
        user.Kind == AccountKind.Agent
            ? db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.Id == user.OrganisationId && o.RequireMicrosoftSignIn)
            : Task.FromResult(false);
}
