using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Auth;

public static class AuthSetup
{
    public const string CookieOrBearer = "CookieOrBearer";

    public static IServiceCollection AddPartnerDeskAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMemoryCache();
        services.AddSingleton<MicrosoftLinkTickets>();
        services.AddPartnerDeskRateLimits(configuration);
        // The key ring lives in the database (every instance, every restart). In production, encrypt it at rest
        // with a certificate, so that a copy of the database alone opens no mailbox and forges no cookie.
        var protection = services.AddDataProtection().SetApplicationName("PartnerDesk").PersistKeysToDbContext<PartnerDeskDb>();
        if (configuration["PartnerDesk:DataProtection:CertificatePath"] is { Length: > 0 } certificate)
        {
            protection.ProtectKeysWithCertificate(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
                certificate, configuration["PartnerDesk:DataProtection:CertificatePassword"]));
        }
        else
        {
            // Without a certificate the key ring is kept unencrypted, as the README's settings say; the framework would
            // warn about that each time a key is made (a healthy first start included), which tells an operator nothing new.
            services.AddLogging(l => l.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error));
        }
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieOrBearer;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            // A call with "Authorization: Bearer" is judged by its token alone; any other by the sign-in cookie.
            .AddPolicyScheme(CookieOrBearer, CookieOrBearer, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie!.Configure(o =>
            {
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/signin";
                o.Cookie.Name = "partnerdesk";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                // The API answers 401/403 problems; only pages redirect to sign-in.
                o.Events.OnRedirectToLogin = c => ApiAwareRedirect(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => ApiAwareRedirect(c, StatusCodes.Status403Forbidden);
                var refresh = o.Events.OnValidatePrincipal; // Identity's: reissues the claims every ValidationInterval
                o.Events.OnValidatePrincipal = async c =>
                {
                    if (!await SessionIsCurrent(c))
                    {
                        c.RejectPrincipal();
                        await c.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                        return;
                    }

                    await refresh(c);
                };
            }));

        services.AddIdentityCore<UserAccount>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.User.AllowedUserNameCharacters = ""; // the user name is the e-mail address, which may hold any character it may hold
                // Length over composition (NIST SP 800-63B): a passphrase of 12 or more characters.
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.SignIn.RequireConfirmedAccount = false;
                o.Tokens.AuthenticatorTokenProvider = OneTimeAuthenticatorTokenProvider.Name;
            })
            .AddEntityFrameworkStores<PartnerDeskDb>()
            .AddSignInManager<DeskSignInManager>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<OneTimeAuthenticatorTokenProvider>(OneTimeAuthenticatorTokenProvider.Name)
            .AddClaimsPrincipalFactory<CallerClaimsFactory>();

        // Checks the security stamp often, so that a removed account or changed role takes effect soon in the UI too.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAuthorization(Policies.Add);
        return services;
    }

    /// <summary>
    /// A session ends the moment its account's security stamp changes (deactivated, signed out everywhere,
    /// two-factor reset): one indexed read per cookie request, so no request is served in the minute before
    /// Identity's periodic check would notice.
    /// </summary>
    private static async Task<bool> SessionIsCurrent(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context)
    {
        if (Path.HasExtension(context.HttpContext.Request.Path.Value))
        {
            return true; // a script, style or image: nothing of anyone's is served, and a page loads dozens of them
        }

        var stampType = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var stamp = context.Principal?.FindFirst(stampType)?.Value;
        if (!Guid.TryParse(context.Principal?.FindFirst(CallerClaims.UserId)?.Value, out var userId) || stamp is null)
        {
            return false;
        }

        var db = context.HttpContext.RequestServices.GetRequiredService<PartnerDeskDb>();
        return await CurrentStamp.For(db)(db, userId, context.HttpContext.RequestAborted) == stamp;
    }

    /// <summary>Every cookie request runs it: compiled once, so no request spends time translating it.</summary>
    private static readonly CompiledQuery<Func<PartnerDeskDb, Guid, CancellationToken, Task<string?>>> CurrentStamp = new(() => EF.CompileAsyncQuery(
        (PartnerDeskDb db, Guid userId, CancellationToken ct) => db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.SecurityStamp).FirstOrDefault()));

    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        return context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = { Status = status, Title = status == 401 ? "Sign-in required." : "Not allowed." },
        }).AsTask();
    }

    /// <summary>After authentication: tell the data layer who is calling. Nothing else sets it for a request.</summary>
    public static IApplicationBuilder UseCaller(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.RequestServices.GetRequiredService<Caller>().SetFrom(http.User);
            return next(http);
        });
}
