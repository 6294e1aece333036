using Microsoft.AspNetCore.Components.Authorization;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Platform.Tenancy;

/// <summary>
/// Runs one piece of page work in a scope of its own, as the signed-in person. Interactive pages live
/// long and receive events from other threads; a fresh scope per operation gives each its own database
/// context and evaluates GDAP access anew, the same way an API request does.
/// </summary>
public sealed class CallerScopes(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public Task<T> Run<T>(Func<PartnerDeskDb, Task<T>> work) =>
        RunWith(services => work(services.GetRequiredService<PartnerDeskDb>()));

    /// <summary>As <see cref="Run{T}"/>, for work that needs other scoped services (Identity's UserManager).</summary>
    public async Task<T> RunWith<T>(Func<IServiceProvider, Task<T>> work)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().SetFrom(user);
        return await work(scope.ServiceProvider);
    }

    /// <summary>Who the page is for, without touching the database.</summary>
    public async Task<Caller> Who()
    {
        var caller = new Caller();
        caller.SetFrom((await authentication.GetAuthenticationStateAsync()).User);
        return caller;
    }
}
