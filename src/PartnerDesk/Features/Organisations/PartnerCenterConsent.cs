using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Organisations;

/// <summary>
/// Connecting Partner Center from the console: an admin agent signs in at Entra ID and consents to PartnerDesk
/// acting for them in Partner Center (App+User, the scope user_impersonation, and offline_access for the refresh
/// token). The handler checks the answer as for a sign-in (state, PKCE, nonce, issuer of the token's tenant);
/// the tenant must be the organisation's own. What comes back is kept encrypted (<see cref="PartnerCenterConnections"/>).
/// </summary>
public static class PartnerCenterConsent
{
    public const string Scheme = "PartnerCenter";
    private const string OrganisationItem = "organisation";
    private const string AdminItem = "admin";

    /// <summary>Where the console shows the result: the Going live page, with a word for what happened.</summary>
    public static string ResultPage(string outcome) => "/console/setup?partnerCenter=" + outcome;

    public static IServiceCollection AddPartnerCenterConsent(this IServiceCollection services)
    {
        services.AddAuthentication().AddOpenIdConnect(Scheme, "Partner Center", _ => { });
        services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<MicrosoftOptions>>((o, microsoft) =>
        {
            EntraOpenIdConnect.Configure(o, microsoft.Value);
            o.CallbackPath = "/connect/partner-center/callback";
            o.Scope.Add(PartnerCenterClient.Scope);
            o.Scope.Add("offline_access");
            o.SaveTokens = true; // the refresh token reaches the done step inside the external cookie, encrypted
            o.Events.OnRemoteFailure = context =>
            {
                var declined = context.Failure?.Message.Contains("access_denied", StringComparison.Ordinal) == true;
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("PartnerDesk.PartnerCenter")
                    .Log(declined ? LogLevel.Information : LogLevel.Warning, "Connecting Partner Center did not finish: {Reason}", context.Failure?.Message);
                context.Response.Redirect(ResultPage(declined ? "declined" : "failed"));
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
        return services;
    }

    public static IEndpointRouteBuilder MapPartnerCenterConsent(this IEndpointRouteBuilder app)
    {
        app.MapGet("/connect/partner-center", (HttpContext http, Caller caller) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = "/connect/partner-center/done" };
            properties.Items[OrganisationItem] = caller.RequireOrganisation().ToString();
            properties.Items[AdminItem] = caller.UserId.ToString();
            properties.Parameters["prompt"] = "select_account";
            return Results.Challenge(properties, [Scheme]);
        }).RequireAuthorization(Policies.Admin).ExcludeFromDescription();

        app.MapGet("/connect/partner-center/done", Done).RequireAuthorization(Policies.Admin).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Done(HttpContext http, PartnerDeskDb db, PartnerCenterConnections connections, PartnerCenterTokens tokens, ILogger<PartnerCenterConnection> log, CancellationToken ct)
    {
        var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await http.SignOutAsync(IdentityConstants.ExternalScheme);
        var organisationId = db.Caller.RequireOrganisation();
        if (!external.Succeeded || external.Properties is not { } properties
            || (properties.Items.TryGetValue(OrganisationItem, out var o) ? o : null) != organisationId.ToString()
            || (properties.Items.TryGetValue(AdminItem, out var a) ? a : null) != db.Caller.UserId.ToString())
        {
            // Started by someone else in this browser, or not started at all: nothing to keep.
            return Results.LocalRedirect(ResultPage("failed"));
        }

        var principal = external.Principal!;
        if (!Guid.TryParse(principal.FindFirstValue("tid"), out var tenant))
        {
            return Results.LocalRedirect(ResultPage("failed"));
        }

        if (properties.GetTokenValue("refresh_token") is not { Length: > 0 } refreshToken)
        {
            log.LogWarning("Entra ID answered Partner Center's consent without a refresh token; the app needs the offline_access permission.");
            return Results.LocalRedirect(ResultPage("no-refresh-token"));
        }

        var organisation = await db.Organisations.FirstAsync(ct);
        if (organisation.TenantId is { } own && own != tenant)
        {
            return Results.LocalRedirect(ResultPage("wrong-tenant"));
        }

        if (organisation.TenantId is null)
        {
            // The consent proves the tenant (an account of it signed in): it becomes the organisation's own, unless it is taken.
            if (await Unfiltered.TenantInUse(db, tenant, organisationId, ct))
            {
                return Results.LocalRedirect(ResultPage("tenant-taken"));
            }

            organisation.TenantId = tenant;
        }

        var by = principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue("name") ?? "an admin";
        await connections.Save(db, tenant, refreshToken, by, ct);
        tokens.Forget(organisationId);
        log.LogInformation("Partner Center of organisation {Organisation} connected by {Admin} (tenant {Tenant}).", organisationId, by, tenant);
        return Results.LocalRedirect(ResultPage("connected"));
    }

    public static RouteGroupBuilder MapPartnerCenterConnectionEndpoints(this RouteGroupBuilder api)
    {
        var connection = api.MapGroup("/partner-center/connection").WithTags("Partner Center").RequireAuthorization(Policies.Admin);
        connection.MapGet("", (PartnerDeskDb db, PartnerCenterConnections connections, CancellationToken ct) => connections.View(db, ct))
            .WithSummary("The organisation's Partner Center account: connected or not, by whom, since when; broken with Entra ID's reason.");
        connection.MapPost("/check", Check)
            .WithSummary("Redeems the grant at Entra ID now: a revoked or expired one shows as broken.");
        connection.MapDelete("", async Task<NoContent> (PartnerDeskDb db, PartnerCenterTokens tokens, CancellationToken ct) =>
        {
            await PartnerCenterConnections.Disconnect(db, ct);
            tokens.Forget(db.Caller.RequireOrganisation());
            return TypedResults.NoContent();
        }).WithSummary("Forgets the stored grant (a configured one, in the environment, stays).");
        return api;
    }

    private static async Task<Results<Ok<PartnerCenterConnectionView>, ProblemHttpResult>> Check(
        PartnerDeskDb db, PartnerCenterConnections connections, PartnerCenterTokens tokens, CancellationToken ct)
    {
        var organisationId = db.Caller.RequireOrganisation();
        tokens.Forget(organisationId);
        try
        {
            await tokens.GetTokenAsync(organisationId, ct);
        }
        catch (PartnerCenterNotConnectedException)
        {
            // The view says what is wrong: not connected, or broken with Entra ID's reason.
        }
        catch (Exception e) when (PartnerCenterClient.IsFailure(e))
        {
            // A passing fault of Entra ID: nothing stored changes.
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Entra ID could not be reached.", detail: PartnerCenterClient.Reason(e));
        }

        return TypedResults.Ok(await connections.View(db, ct));
    }
}
