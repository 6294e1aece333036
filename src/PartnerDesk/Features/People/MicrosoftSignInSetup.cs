using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Auth;

namespace PartnerDesk.Features.People;

/// <summary>
/// Sign in with Microsoft: OpenID Connect against Entra ID (or the simulator) as one multi-tenant app,
/// authorization code flow with PKCE. The token's issuer must be the one of the tenant it names (tid): the
/// "organizations" metadata names no issuer, and accepting any would let any tenant speak for another.
/// </summary>
public static class MicrosoftSignInSetup
{
    /// <summary>The client id the simulator knows when no Entra app is configured.</summary>
    public const string SimulatedClientId = EntraApp.SimulatedClientId;

    public static void AddMicrosoftSignIn(this IServiceCollection services)
    {
        services.AddAuthentication().AddOpenIdConnect(MicrosoftSignInOptions.Scheme, "Microsoft", _ => { });
        services.AddOptions<MicrosoftSignInOptions>().Configure<IOptions<MicrosoftOptions>>((o, microsoft) =>
            o.Available = microsoft.Value.LoginIsSimulated || (microsoft.Value.ClientId is { Length: > 0 }
                && (microsoft.Value.ClientSecret is { Length: > 0 } || microsoft.Value.CertificatePath is { Length: > 0 })));
        services.AddOptions<OpenIdConnectOptions>(MicrosoftSignInOptions.Scheme).Configure<IOptions<MicrosoftOptions>>((o, microsoft) => Configure(o, microsoft.Value));
    }

    private static void Configure(OpenIdConnectOptions o, MicrosoftOptions microsoft)
    {
        EntraOpenIdConnect.Configure(o, microsoft);
        o.CallbackPath = "/signin-microsoft";
        o.Events.OnRemoteFailure = context =>
        {
            // A refused token (audience, issuer, lifetime, signature, nonce) or a cancelled sign-in: say so, create nothing.
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("PartnerDesk.SignIn")
                .LogWarning("A Microsoft sign-in was refused: {Reason}", context.Failure?.Message);
            context.Response.Redirect("/signin/refused?reason=" + Uri.EscapeDataString(context.Failure is null ? "Cancelled" : "Token"));
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }
}
