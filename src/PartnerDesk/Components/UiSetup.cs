namespace PartnerDesk.Components;

public static class UiSetup
{
    public static IServiceCollection AddPartnerDeskUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddLocalization();
        return services;
    }

    public static WebApplication MapPartnerDeskUi(this WebApplication app)
    {
        var supported = new[] { "en", "de" };
        app.UseRequestLocalization(o => o.SetDefaultCulture("en").AddSupportedCultures(supported).AddSupportedUICultures(supported));
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().AllowAnonymous();
        return app;
    }
}
