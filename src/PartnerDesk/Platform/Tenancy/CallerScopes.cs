using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Platform.Tenancy;

/// <summary>
/// Runs one piece of page work in a scope of its own, as the signed-in person. Interactive pages live
/// long and receive events from other threads; a fresh scope per operation gives each its own database
/// context, and the person's account is read anew each time (like a bearer token on every API call):
/// a deactivated agent or a changed role takes effect in an open console at its next click, and GDAP is
/// evaluated by the query filters as always.
/// </summary>
public sealed class CallerScopes(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public Task<T> Run<T>(Func<PartnerDeskDb, Task<T>> work) =>
        RunWith(services => work(services.GetRequiredService<PartnerDeskDb>()));

    /// <summary>As <see cref="Run{T}"/>, for work that needs other scoped services (Identity's UserManager).</summary>
    public async Task<T> RunWith<T>(Func<IServiceProvider, Task<T>> work)
    {
        var signedIn = (await authentication.GetAuthenticationStateAsync()).User;
        await using var scope = scopes.CreateAsyncScope();
        var caller = scope.ServiceProvider.GetRequiredService<Caller>();
        if (Guid.TryParse(signedIn.FindFirstValue(CallerClaims.UserId), out var userId))
        {
            var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
            var claims = await CallerClaimsReader.Read(db, userId, CancellationToken.None);
            caller.SetFrom(new ClaimsPrincipal(new ClaimsIdentity(claims, "page")));
        }

        return await work(scope.ServiceProvider);
    }

    /// <summary>Who the page is for, as signed in (for display; data access goes through <see cref="Run{T}"/>).</summary>
    public async Task<Caller> Who()
    {
        var caller = new Caller();
        caller.SetFrom((await authentication.GetAuthenticationStateAsync()).User);
        return caller;
    }
}
