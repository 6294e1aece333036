using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.People;

/// <summary>The browser's way through Sign in with Microsoft: off to Entra ID, back, and on as the person it names.</summary>
public static class MicrosoftSignInEndpoints
{
    private const string ReturnUrlItem = "returnUrl";
    private const string InvitationItem = "invitation";
    private const string LinkItem = "link";
    private const string ConfirmItem = "confirm";

    public static IEndpointRouteBuilder MapMicrosoftSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin/microsoft", (string? returnUrl, string? invitation, string? link, bool? confirm, HttpContext http, IOptions<MicrosoftSignInOptions> options, MicrosoftLinkTickets tickets) =>
        {
            if (!options.Value.Available)
            {
                return Results.Redirect("/signin/refused?reason=NotConfigured");
            }

            var properties = new AuthenticationProperties { RedirectUri = "/signin/microsoft/done" };
            properties.Items[ReturnUrlItem] = LocalUrls.OrHome(returnUrl);
            if (!string.IsNullOrEmpty(invitation))
            {
                properties.Items[InvitationItem] = invitation;
            }

            if (link is not null)
            {
                // Linking needs the ticket the account page gave for the password typed again, for this very person.
                if (!Guid.TryParse(http.User.FindFirstValue(CallerClaims.UserId), out var me) || !tickets.Names(link, me))
                {
                    return Results.LocalRedirect("/account?refused=PasswordNeeded");
                }

                properties.Items[LinkItem] = me.ToString(); // checked against the session again when Microsoft answers
            }

            properties.Parameters["prompt"] = "select_account";
            if (confirm == true)
            {
                // Signing in again instead of a password (an account without one): Entra ID asks for the credentials anew.
                if (!Guid.TryParse(http.User.FindFirstValue(CallerClaims.UserId), out var me))
                {
                    return Results.LocalRedirect("/signin");
                }

                properties.Items[ConfirmItem] = me.ToString();
                properties.Parameters["prompt"] = "login";
            }

            return Results.Challenge(properties, [MicrosoftSignInOptions.Scheme]);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapGet("/signin/microsoft/done", Done).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Done(
        HttpContext http, PartnerDeskDb db, SignInManager<UserAccount> signIn, MicrosoftSignIn microsoft, InvitationAcceptance acceptance, CancellationToken ct)
    {
        var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await http.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!external.Succeeded || Identity(external.Principal!) is not { } who)
        {
            return Results.Redirect("/signin/refused?reason=Token");
        }

        var returnUrl = LocalUrls.OrHome(Item(external.Properties, ReturnUrlItem));
        if (Item(external.Properties, LinkItem) is { } linking)
        {
            var session = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            if (!Guid.TryParse(linking, out var userId) || session.Principal?.FindFirstValue(CallerClaims.UserId) != linking)
            {
                return Results.Redirect("/signin");
            }

            var refused = await microsoft.LinkSignedIn(db, userId, who, ct);
            return Results.LocalRedirect(refused is null ? "/account?linked=microsoft" : $"/account?refused={refused}");
        }

        if (Item(external.Properties, ConfirmItem) is { } confirming)
        {
            // Vouches only for the person of this session, signed in again as the Microsoft account linked to it.
            var session = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            if (!Guid.TryParse(confirming, out var userId) || session.Principal?.FindFirstValue(CallerClaims.UserId) != confirming)
            {
                return Results.Redirect("/signin");
            }

            var me = await signIn.UserManager.FindByIdAsync(confirming);
            if (me is null || me.EntraTenantId != who.TenantId || me.EntraObjectId != who.ObjectId)
            {
                return Results.LocalRedirect("/account?refused=NotYourMicrosoftAccount");
            }

            var ticket = http.RequestServices.GetRequiredService<MicrosoftLinkTickets>().IssueConfirmation(userId);
            return Results.LocalRedirect($"/account?confirmed={Uri.EscapeDataString(ticket)}");
        }

        UserAccount? account;
        if (Item(external.Properties, InvitationItem) is { Length: > 0 } invitation)
        {
            var accepted = await acceptance.Accept(db, invitation, new AcceptRequest(null, null), who, ct);
            if (!accepted.Succeeded)
            {
                var why = accepted.ConflictDetail ?? string.Join(" ", accepted.Errors?.Messages ?? []);
                return Results.Redirect($"/invite/{Uri.EscapeDataString(invitation)}?error={Uri.EscapeDataString(why)}");
            }

            account = accepted.Value;
        }
        else
        {
            var joined = await microsoft.Resolve(db, who, ct);
            if (joined.Refusal is { } refusal)
            {
                return Results.Redirect($"/signin/refused?reason={refusal}");
            }

            account = joined.Account;
        }

        // Entra ID did the strong authentication (its MFA and conditional access): no second factor here.
        await signIn.SignInAsync(account!, isPersistent: false, authenticationMethod: MicrosoftSignInOptions.Scheme);
        return Results.LocalRedirect(account!.Kind == AccountKind.Contact && !returnUrl.StartsWith("/portal", StringComparison.Ordinal) ? "/portal" : returnUrl);
    }

    private static string? Item(AuthenticationProperties? properties, string key) =>
        properties is not null && properties.Items.TryGetValue(key, out var value) ? value : null;

    private static MicrosoftIdentity? Identity(ClaimsPrincipal principal)
    {
        if (!Guid.TryParse(principal.FindFirstValue("tid"), out var tenant) || !Guid.TryParse(principal.FindFirstValue("oid"), out var oid))
        {
            return null;
        }

        // Entra ID names the identity provider (idp) of a guest, whose home is elsewhere; a member has none, or its own issuer.
        var idp = principal.FindFirstValue("idp");
        var guest = idp is not null && !string.Equals(idp, principal.FindFirstValue("iss"), StringComparison.OrdinalIgnoreCase);
        var verified = string.Equals(principal.FindFirstValue("xms_edov"), "true", StringComparison.OrdinalIgnoreCase) || principal.FindFirstValue("xms_edov") == "1";
        return new MicrosoftIdentity(tenant, oid, principal.FindFirstValue("preferred_username"), principal.FindFirstValue("email"), principal.FindFirstValue("name"), verified, guest);
    }
}
