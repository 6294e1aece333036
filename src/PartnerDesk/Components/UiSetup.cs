using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Components;

public static class UiSetup
{
    public static readonly string[] Cultures = ["en", "de"];

    public static IServiceCollection AddPartnerDeskUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddLocalization();
        services.AddScoped<CallerScopes>();
        return services;
    }

    public static WebApplication UsePartnerDeskCultures(this WebApplication app)
    {
        app.UseRequestLocalization(o => o.SetDefaultCulture("en").AddSupportedCultures(Cultures).AddSupportedUICultures(Cultures));
        return app;
    }

    public static WebApplication MapPartnerDeskUi(this WebApplication app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().AllowAnonymous();

        // The language switch in the bar posts here: it sets a cookie and a contact's mail language, so it is a
        // form with an antiforgery token (form binding makes UseAntiforgery check it), never a link another site can use.
        app.MapPost("/culture", async ([FromForm] string? culture, [FromForm] string? returnUrl, HttpContext http, PartnerDesk.Platform.Data.PartnerDeskDb db) =>
        {
            if (culture is not null && Cultures.Contains(culture))
            {
                http.Response.Cookies.Append(
                    CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax });
                if (db.Caller.IsContact)
                {
                    // The language a contact reads the portal in is the language its mail is written in.
                    await db.Contacts.Where(c => c.Id == db.Caller.UserId).ExecuteUpdateAsync(c => c.SetProperty(x => x.Language, culture), http.RequestAborted);
                }
            }

            return Results.Redirect(LocalUrls.OrHome(returnUrl));
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/signout", async (SignInManager<UserAccount> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/signin");
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }
}
