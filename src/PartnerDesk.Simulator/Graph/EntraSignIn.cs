using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace PartnerDesk.Simulator.Graph;

/// <summary>
/// Entra ID's OpenID Connect v2.0 endpoints as login.microsoftonline.com answers them, for ASP.NET Core's
/// OpenIdConnect handler (authorization code + PKCE): discovery, signing keys, an account picker instead of a
/// password prompt, logout. The token endpoint's authorization_code grant is <see cref="RedeemCode"/>.
/// </summary>
public static class EntraSignInEndpoints
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", Discovery);
        app.MapGet("/{tenant}/discovery/v2.0/keys", (HttpContext http, SignInState signIn) =>
            Results.Json(new JsonObject { ["keys"] = new JsonArray([.. signIn.PublishedKeys(BaseOf(http.Request) + "{tenantid}/v2.0")]) }));
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", Authorize);
        app.MapPost("/{tenant}/oauth2/v2.0/authorize", Authorize).DisableAntiforgery();
        app.MapMethods("/{tenant}/oauth2/v2.0/logout", ["GET", "POST"], Logout).DisableAntiforgery();
    }

    /// <summary>scheme://host/pathbase/, as Microsoft's URLs start with https://login.microsoftonline.com/.</summary>
    private static string BaseOf(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/";

    /// <summary>A tenant segment Entra accepts: a tenant id, or organizations/common for multi-tenant apps.</summary>
    private static bool KnownSegment(string tenant, out Guid? tenantId)
    {
        tenantId = Guid.TryParse(tenant, out var id) ? id : null;
        return tenantId is not null || tenant is "organizations" or "common";
    }

    private static IResult Discovery(HttpContext http, SimulatorState state, string tenant)
    {
        if (!KnownSegment(tenant, out var tenantId))
        {
            return Results.Json(new JsonObject
            {
                ["error"] = "invalid_tenant",
                ["error_description"] = $"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
                ["error_codes"] = new JsonArray(90002),
            }, statusCode: 400);
        }

        state.Count(tenantId, "signin.openid-configuration");
        var root = BaseOf(http.Request);
        var at = root + tenant;
        return Results.Json(new JsonObject
        {
            ["token_endpoint"] = at + "/oauth2/v2.0/token",
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
            ["jwks_uri"] = at + "/discovery/v2.0/keys",
            ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            // Multi-tenant endpoints publish a template: the host must validate the issuer against the token's tid.
            ["issuer"] = tenantId is { } id ? $"{root}{id}/v2.0" : root + "{tenantid}/v2.0",
            ["request_uri_parameter_supported"] = false,
            ["authorization_endpoint"] = at + "/oauth2/v2.0/authorize",
            ["http_logout_supported"] = true,
            ["frontchannel_logout_supported"] = true,
            ["end_session_endpoint"] = at + "/oauth2/v2.0/logout",
            ["claims_supported"] = new JsonArray("sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "oid", "ver", "at_hash", "c_hash", "email"),
            ["code_challenge_methods_supported"] = new JsonArray("plain", "S256"),
            ["tenant_region_scope"] = tenantId is null ? null : "EU",
            ["cloud_instance_name"] = "microsoftonline.com",
        });
    }

    private static async Task<IResult> Authorize(HttpContext http, SimulatorState state, EntraDirectory directory, SignInState signIn, string tenant)
    {
        // The form's fields first, then the query string: a browser posts the hidden fields, a test may post to the URL.
        var form = HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : null;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in http.Request.Query)
        {
            parameters[key] = value.ToString();
        }

        if (form is not null)
        {
            foreach (var (key, value) in form)
            {
                parameters[key] = value.ToString();
            }
        }

        var pick = parameters.Remove("user", out var user) ? user : null;
        var cancelled = parameters.Remove("cancel");
        string Get(string name) => parameters.TryGetValue(name, out var v) ? v : "";

        _ = KnownSegment(tenant, out var tenantId);
        state.Count(tenantId, pick is null ? "signin.authorize" : "signin.pick");
        http.Response.Headers.CacheControl = "no-store, no-cache";
        http.Response.Headers.XFrameOptions = "DENY";
        if (!KnownSegment(tenant, out _))
        {
            return ErrorPage("AADSTS90002", $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");
        }

        foreach (var required in new[] { "client_id", "redirect_uri", "response_type" })
        {
            if (Get(required).Length == 0)
            {
                return ErrorPage("AADSTS900144", $"The request body must contain the following parameter: '{required}'.");
            }
        }

        if (!Guid.TryParse(Get("client_id"), out _))
        {
            return ErrorPage("AADSTS700016", $"Application with identifier '{Get("client_id")}' was not found in the directory. The client_id must be an application (client) id, a GUID.");
        }

        if (!Uri.TryCreate(Get("redirect_uri"), UriKind.Absolute, out var redirect) || (redirect.Scheme != Uri.UriSchemeHttps && redirect.Scheme != Uri.UriSchemeHttp) || redirect.Fragment.Length > 0)
        {
            return ErrorPage("AADSTS50011", $"The redirect URI '{Get("redirect_uri")}' specified in the request is not a valid absolute http(s) URI without a fragment.");
        }

        if (Get("response_type") != "code")
        {
            return ErrorPage("AADSTS700054", $"response_type '{Get("response_type")}' is not enabled for the application. This simulator supports the authorization code flow (response_type=code) only.");
        }

        var mode = Get("response_mode") is { Length: > 0 } m ? m : "query";
        if (mode is not ("query" or "fragment" or "form_post"))
        {
            return ErrorPage("AADSTS900144", $"The response_mode '{mode}' is not supported; use query, fragment or form_post.");
        }

        if (Get("code_challenge_method") is { Length: > 0 } method && method is not ("S256" or "plain"))
        {
            return ErrorPage("AADSTS501491", $"Invalid code_challenge_method '{method}'; use S256 or plain.");
        }

        // Nobody has a session here: a silent request cannot sign anyone in.
        if (Get("prompt") == "none" && pick is null)
        {
            return Respond(redirect, mode, new()
            {
                ["error"] = "login_required",
                ["error_description"] = "AADSTS50058: A silent sign-in request was sent but no user is signed in.",
                ["state"] = Get("state"),
            });
        }

        if (cancelled)
        {
            // The person closed the picker or declined the permissions: Entra ID sends the application an error.
            return Respond(redirect, mode, new()
            {
                ["error"] = "access_denied",
                ["error_description"] = "AADSTS65004: User declined to consent to access the app.",
                ["state"] = Get("state"),
            });
        }

        if (pick is null)
        {
            return Picker(http, directory, tenantId, parameters, error: null, typed: null);
        }

        var found = directory.FindUser(pick);
        if (found is not { } account || !account.User.AccountEnabled || (tenantId is { } only && account.Tenant.TenantId != only))
        {
            return Picker(http, directory, tenantId, parameters, error: "This account does not exist or is disabled. Pick another account.", typed: pick);
        }

        var code = signIn.IssueCode(new AuthorizationGrant(
            Get("client_id"),
            Get("redirect_uri"),
            Get("code_challenge") is { Length: > 0 } challenge ? challenge : null,
            Get("code_challenge") is { Length: > 0 } ? (Get("code_challenge_method") is { Length: > 0 } cm ? cm : "plain") : null,
            Get("nonce") is { Length: > 0 } nonce ? nonce : null,
            Get("scope"),
            account.User,
            account.Tenant.TenantId));
        return Respond(redirect, mode, new() { ["code"] = code, ["state"] = Get("state") });
    }

    /// <summary>Hands the result to the application as the response_mode asks; state is left out when the request had none.</summary>
    private static IResult Respond(Uri redirect, string mode, Dictionary<string, string> fields)
    {
        var values = fields.Where(f => f.Key != "state" || f.Value.Length > 0).ToList();
        switch (mode)
        {
            case "form_post":
                var inputs = string.Concat(values.Select(v => $"<input type=\"hidden\" name=\"{Html.Encode(v.Key)}\" value=\"{Html.Encode(v.Value)}\">"));
                return Results.Text(
                    $"""
                    <!DOCTYPE html>
                    <html lang="en">
                    <head><meta charset="utf-8"><title>Working...</title></head>
                    <body onload="document.forms[0].submit()">
                    <form method="post" action="{Html.Encode(redirect.AbsoluteUri)}">{inputs}
                    <noscript><p>Script is disabled. Click Continue to continue.</p></noscript>
                    <button type="submit">Continue</button>
                    </form>
                    </body>
                    </html>
                    """,
                    "text/html",
                    Encoding.UTF8);
            case "fragment":
                var fragment = QueryHelpers.AddQueryString("", values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)))[1..];
                return Results.Redirect(redirect.AbsoluteUri + "#" + fragment);
            default:
                return Results.Redirect(QueryHelpers.AddQueryString(redirect.AbsoluteUri, values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))));
        }
    }

    private static IResult Picker(HttpContext http, EntraDirectory directory, Guid? tenantId, Dictionary<string, string> parameters, string? error, string? typed)
    {
        var hidden = string.Concat(parameters.Select(p => $"<input type=\"hidden\" name=\"{Html.Encode(p.Key)}\" value=\"{Html.Encode(p.Value)}\">"));
        var hint = parameters.GetValueOrDefault("login_hint") ?? "";
        var action = Html.Encode(http.Request.PathBase + http.Request.Path);
        var groups = new StringBuilder();
        List<DirectoryTenant> tenants = tenantId is not { } only ? directory.Tenants()
            : directory.TenantOf(only) is { } t ? [t] : [];
        var index = 0;
        foreach (var tenant in tenants)
        {
            var users = tenant.Users.Where(u => u.AccountEnabled).ToList();
            if (users.Count == 0)
            {
                continue;
            }

            index++;
            groups.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"tenant-{index}\"><h2 id=\"tenant-{index}\">{Html.Encode(tenant.DisplayName)}</h2><ul>");
            foreach (var user in users)
            {
                var focus = string.Equals(user.UserPrincipalName, hint, StringComparison.OrdinalIgnoreCase) ? " autofocus" : "";
                groups.Append(CultureInfo.InvariantCulture,
                    $"<li><button type=\"submit\" name=\"user\" value=\"{Html.Encode(user.UserPrincipalName)}\"{focus}><span class=\"avatar\" aria-hidden=\"true\">{Html.Encode(Initials(user.DisplayName))}</span><span class=\"who\"><span class=\"name\">{Html.Encode(user.DisplayName)}</span><span class=\"upn\">{Html.Encode(user.UserPrincipalName)}</span></span></button></li>");
            }

            groups.Append("</ul></section>");
        }

        if (index == 0)
        {
            groups.Append("<p>No accounts are available in this directory.</p>");
        }

        var alert = error is null ? "" : $"<p class=\"error\" role=\"alert\">{Html.Encode(error)}</p>";
        return Page("Sign in to your account", $"""
            <h1>Pick an account</h1>
            {alert}
            <form method="post" action="{action}">{hidden}
            {groups}
            </form>
            <form method="post" action="{action}" class="other">{hidden}
            <label for="other-account">Use another account</label>
            <div class="row"><input id="other-account" name="user" type="email" autocomplete="username" placeholder="someone@example.com" required value="{Html.Encode(typed ?? "")}"><button type="submit">Next</button></div>
            </form>
            <form method="post" action="{action}" class="other">{hidden}
            <button type="submit" name="cancel" value="1" id="cancel">Cancel</button>
            </form>
            """);
    }

    private static string Initials(string name) =>
        string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(w => char.ToUpperInvariant(w[0])));

    private static IResult ErrorPage(string code, string message) =>
        Page("Sign in to your account", $"""
            <h1>Sorry, but we're having trouble signing you in.</h1>
            <p class="error" role="alert">{Html.Encode(code)}: {Html.Encode(message)}</p>
            """, 400);

    private static IResult Page(string title, string body, int status = 200) => Results.Text(
        $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Html.Encode(title)}}</title>
        <style>
        body{margin:0;background:#f2f2f2;color:#1b1b1b;font-family:"Segoe UI","Segoe UI Web (West European)",-apple-system,BlinkMacSystemFont,Roboto,"Helvetica Neue",Arial,sans-serif;font-size:15px}
        main{box-sizing:border-box;max-width:440px;margin:8vh auto 2rem;padding:44px;background:#fff;box-shadow:0 2px 6px rgba(0,0,0,.2)}
        .brand{margin:0 0 16px;font-size:13px;color:#5e5e5e}
        h1{font-size:24px;font-weight:600;margin:0 0 16px}
        h2{font-size:13px;font-weight:600;color:#5e5e5e;margin:20px 0 4px;text-transform:uppercase;letter-spacing:.04em}
        ul{list-style:none;margin:0;padding:0}
        li button{display:flex;align-items:center;gap:12px;width:100%;padding:10px 8px;border:0;border-bottom:1px solid #e6e6e6;background:none;text-align:left;font:inherit;color:inherit;cursor:pointer}
        li button:hover{background:#f2f2f2}
        button:focus-visible,input:focus-visible{outline:2px solid #0067b8;outline-offset:2px}
        .avatar{flex:none;display:inline-grid;place-items:center;width:40px;height:40px;border-radius:50%;background:#0067b8;color:#fff;font-weight:600}
        .who{display:flex;flex-direction:column}
        .name{font-weight:600}
        .upn{color:#5e5e5e;font-size:13px;overflow-wrap:anywhere}
        .error{color:#a4262c;margin:0 0 12px}
        .other{margin-top:24px}
        .other label{display:block;margin-bottom:6px}
        .row{display:flex;gap:8px}
        .row input{flex:1;min-width:0;padding:6px 0;border:0;border-bottom:1px solid #666;font:inherit}
        .row button{padding:6px 20px;border:0;background:#0067b8;color:#fff;font:inherit;cursor:pointer}
        </style>
        </head>
        <body>
        <main>
        <p class="brand">Microsoft Entra ID (simulated for tests and the demo)</p>
        {{body}}
        </main>
        </body>
        </html>
        """,
        "text/html",
        Encoding.UTF8,
        status);

    private static IResult Logout(HttpContext http, SimulatorState state, string tenant)
    {
        _ = KnownSegment(tenant, out var tenantId);
        state.Count(tenantId, "signin.logout");
        var query = http.Request.Query;
        if (Uri.TryCreate(query["post_logout_redirect_uri"].ToString(), UriKind.Absolute, out var back) && (back.Scheme == Uri.UriSchemeHttps || back.Scheme == Uri.UriSchemeHttp))
        {
            // state goes back, so that the application's signed-out callback finds where to return.
            return Results.Redirect(query["state"].ToString() is { Length: > 0 } s
                ? QueryHelpers.AddQueryString(back.AbsoluteUri, "state", s)
                : back.AbsoluteUri);
        }

        return Page("Sign out", "<h1>You signed out of your account</h1><p>It's a good idea to close all browser windows.</p>");
    }

    /// <summary>The token endpoint's authorization_code grant: checks the code, redirect URI and PKCE verifier, and issues the id token.</summary>
    internal static IResult RedeemCode(HttpContext http, IFormCollection form, SimulatorState state, SignInState signIn, EntraDirectory directory)
    {
        string Get(string name) => form[name].ToString();
        http.Response.Headers.CacheControl = "no-store, no-cache";
        foreach (var required in new[] { "code", "client_id", "redirect_uri" })
        {
            if (Get(required).Length == 0)
            {
                state.Count(null, "signin.token");
                return TokenError("invalid_request", 900144, $"AADSTS900144: The request body must contain the following parameter: '{required}'.");
            }
        }

        var (grant, previousNonce, refusal) = signIn.Redeem(Get("code"));
        state.Count(grant?.TenantId, "signin.token");
        if (grant is null)
        {
            return TokenError("invalid_grant", refusal!.StartsWith("AADSTS54005", StringComparison.Ordinal) ? 54005 : 70008, refusal);
        }

        if (!string.Equals(grant.ClientId, Get("client_id"), StringComparison.OrdinalIgnoreCase))
        {
            return TokenError("invalid_grant", 70000, "AADSTS70000: The provided authorization code was issued to a different client.");
        }

        if (!string.Equals(grant.RedirectUri, Get("redirect_uri"), StringComparison.Ordinal))
        {
            return TokenError("invalid_grant", 50011, $"AADSTS50011: The redirect URI '{Get("redirect_uri")}' specified in the request does not match the redirect URI the authorization code was issued to.");
        }

        if (grant.CodeChallenge is { } challenge)
        {
            var verifier = Get("code_verifier");
            var expected = grant.CodeChallengeMethod == "S256"
                ? Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))
                : verifier;
            if (verifier.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(challenge)))
            {
                return TokenError("invalid_grant", 50148, "AADSTS50148: The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.");
            }
        }

        var user = grant.User;
        var fault = signIn.TakeFault();
        var now = signIn.Clock.GetUtcNow();
        var issuedAt = fault == SignInFaultKind.Expired ? now - TimeSpan.FromHours(2) : now;
        var issuerTenant = fault == SignInFaultKind.WrongIssuer
            ? directory.Tenants().Select(t => t.TenantId).FirstOrDefault(t => t != grant.TenantId, Guid.NewGuid())
            : grant.TenantId;
        var nonce = fault == SignInFaultKind.ReplayedNonce ? previousNonce ?? signIn.OldNonce() : grant.Nonce;
        var payload = new JsonObject
        {
            ["aud"] = fault == SignInFaultKind.WrongAudience ? Guid.NewGuid().ToString() : grant.ClientId,
            ["iss"] = $"{BaseOf(http.Request)}{issuerTenant}/v2.0",
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["nbf"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = fault == SignInFaultKind.Expired ? (now - TimeSpan.FromHours(1)).ToUnixTimeSeconds() : (issuedAt + TimeSpan.FromHours(1)).ToUnixTimeSeconds(),
            ["aio"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(48)),
            ["email"] = user.Mail ?? user.UserPrincipalName,
            ["name"] = user.DisplayName,
            ["nonce"] = nonce,
            ["oid"] = user.Id.ToString(),
            ["preferred_username"] = user.UserPrincipalName,
            // Pairwise: the same user gets a different, stable sub in each application.
            ["sub"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(user.Id.ToString() + grant.ClientId.ToLowerInvariant())))[..43],
            ["tid"] = grant.TenantId.ToString(),
            ["uti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            ["ver"] = "2.0",
        };
        if (nonce is null)
        {
            payload.Remove("nonce");
        }

        if (user.UserType == "Guest")
        {
            // A B2B guest: the tenant's issuer, but its home identity provider named, as Entra ID does.
            payload["idp"] = $"https://sts.windows.net/{EntraDirectory.ObjectIdOf(user.Mail ?? user.UserPrincipalName)}/";
        }
        else
        {
            // The optional claim that says the mail's domain is verified in the tenant (the demo's all are).
            payload["xms_edov"] = true;
        }

        var answer = new JsonObject
        {
            ["token_type"] = "Bearer",
            ["scope"] = grant.Scope ?? "",
            ["expires_in"] = 3599,
            ["ext_expires_in"] = 3599,
            // Opaque like the client-credentials tokens: Graph reads the user's tenant back from it.
            ["access_token"] = GraphEndpoints.TokenPrefix + grant.TenantId.ToString(),
            ["id_token"] = signIn.CreateJwt(payload, unpublishedKey: fault == SignInFaultKind.BadSignature),
        };
        if (SimulatedGrants.Scopes(grant.Scope).Contains("offline_access"))
        {
            answer["refresh_token"] = SimulatedGrants.Issue(new(grant.TenantId, user.Id, user.UserPrincipalName, grant.ClientId, grant.Scope ?? "", signIn.Clock.GetUtcNow().UtcTicks));
        }

        return Results.Json(answer);
    }

    /// <summary>
    /// The token endpoint's refresh_token grant: a new access token and a new refresh token (Entra ID rotates them),
    /// unless the grant was revoked since the token was issued or the token is not one this Entra ID issued.
    /// </summary>
    internal static IResult Refresh(HttpContext http, IFormCollection form, SimulatorState state, SignInState signIn)
    {
        http.Response.Headers.CacheControl = "no-store, no-cache";
        if (signIn.TakeOutage())
        {
            return Results.Text("<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html", Encoding.UTF8, 503);
        }

        var token = SimulatedGrants.Read(form["refresh_token"].ToString());
        state.Count(token?.TenantId, "signin.refresh");
        if (token is null)
        {
            return TokenError("invalid_grant", 9002313, "AADSTS9002313: Invalid request. Request is malformed or invalid: the refresh token is not valid.");
        }

        if (!string.Equals(token.ClientId, form["client_id"].ToString(), StringComparison.OrdinalIgnoreCase))
        {
            return TokenError("invalid_grant", 70000, "AADSTS70000: The provided refresh token was issued to a different client.");
        }

        if (signIn.Revoked(token))
        {
            return TokenError("invalid_grant", 50173, "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.");
        }

        return Results.Json(new JsonObject
        {
            ["token_type"] = "Bearer",
            ["scope"] = token.Scope,
            ["expires_in"] = 3599,
            ["ext_expires_in"] = 3599,
            ["access_token"] = GraphEndpoints.TokenPrefix + token.TenantId.ToString(),
            ["refresh_token"] = SimulatedGrants.Issue(token with { IssuedAt = signIn.Clock.GetUtcNow().UtcTicks }),
        });
    }

    private static IResult TokenError(string error, int code, string description) => Results.Json(
        new JsonObject
        {
            ["error"] = error,
            ["error_description"] = description,
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["trace_id"] = Guid.NewGuid().ToString(),
            ["correlation_id"] = Guid.NewGuid().ToString(),
        },
        statusCode: 400);
}
