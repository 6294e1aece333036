namespace PartnerDesk.Platform;

/// <summary>
/// What every response tells the browser (docs/api.md, "Security headers"), and, in production, HTTPS only.
/// </summary>
public static class WebSecurity
{
    /// <summary>
    /// Scripts only from this site (Blazor, Fluent UI and our own files are all served here; none is inline, none needs eval).
    /// Styles allow inline ones: Fluent UI's components and Blazor's reconnect dialog set style attributes and style
    /// elements at run time, and the portal's bar carries the partner's colour in one. 'self' covers the circuit's
    /// WebSocket (ws/wss to this host) and enhanced navigation's fetches; data: images are Fluent's inline icons.
    /// form-action is left out on purpose: Chromium applies it to the redirects after a form post, and signing in
    /// with Microsoft posts to us and is redirected to the configured LoginBaseUrl (a different origin per cloud and
    /// in tests); frame-ancestors and the pages' own forms to same-origin paths are what CSRF and clickjacking need.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'";

    /// <summary>
    /// The API reference (Scalar) starts itself with an inline script and its bundle (from this site) uses eval; the
    /// page is public and shows no one's data (the OpenAPI document only), so it alone may run inline script and eval.
    /// </summary>
    public const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'";

    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

    /// <summary>HSTS for a year; registered always, used only where <see cref="UsePartnerDeskWebSecurity"/> says production.</summary>
    public static IServiceCollection AddPartnerDeskWebSecurity(this IServiceCollection services)
    {
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        return services;
    }

    /// <summary>
    /// Production (not Development, not the demo, which runs on plain http://localhost) answers http with a
    /// redirect to https and https with HSTS. Behind a proxy, ASPNETCORE_FORWARDEDHEADERS_ENABLED makes the scheme
    /// the proxy's (X-Forwarded-Proto), before this runs. Health probes stay on http inside the network.
    /// </summary>
    public static WebApplication UsePartnerDeskWebSecurity(this WebApplication app, PartnerDeskOptions options)
    {
        var production = !app.Environment.IsDevelopment() && !(options.DemoMode ?? false);
        if (production)
        {
            app.UseHsts();
            app.UseWhen(http => !http.Request.Path.StartsWithSegments("/health"), branch => branch.UseHttpsRedirection());
        }

        app.Use((http, next) =>
        {
            var response = http.Response;
            // On starting: the exception handler clears headers set before it, and a 500 needs them as much.
            response.OnStarting(() =>
            {
                var headers = response.Headers;
                headers.ContentSecurityPolicy = IsApiReference(http.Request.Path) ? ApiReferencePolicy : ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                // An invitation's secret, or a Microsoft confirmation's ticket, is in the address: not even this site's own requests carry it on.
                headers["Referrer-Policy"] = http.Request.Path.StartsWithSegments("/invite") || http.Request.Path.StartsWithSegments("/account")
                    ? "no-referrer" : "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = PermissionsPolicy;
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }

    private static bool IsApiReference(PathString path) =>
        path == "/api" || path == "/api/" || (path.StartsWithSegments("/api") && !path.StartsWithSegments("/api/v1"));
}
