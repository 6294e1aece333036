using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PartnerDesk.Simulator.Graph;

/// <summary>
/// Microsoft Graph's service communications endpoints and the Entra token endpoint, as a customer
/// tenant answers them. The tenant is read from the bearer token the token endpoint handed out, as
/// Graph reads it from a real token's tid claim.
/// </summary>
public static partial class GraphEndpoints
{
    internal const string TokenPrefix = "sim.";

    public static void MapGraph(IEndpointRouteBuilder app)
    {
        app.MapPost("/{tenant}/oauth2/v2.0/token", IssueToken).DisableAntiforgery();
        var announcements = app.MapGroup("/v1.0/admin/serviceAnnouncement");
        announcements.MapGet("/healthOverviews", (HttpContext http, SimulatorState state) =>
            Answer(http, state, "healthOverviews", tenant => Page(http, state, "admin/serviceAnnouncement/healthOverviews", state.HealthOf(tenant))));
        announcements.MapGet("/issues", (HttpContext http, SimulatorState state) =>
            Answer(http, state, "issues", tenant => Filtered(http, out var since)
                ? Page(http, state, "admin/serviceAnnouncement/issues", state.IssuesOf(tenant, since))
                : BadFilter(http)));
        announcements.MapGet("/issues/{id}", (HttpContext http, SimulatorState state, string id) =>
            Answer(http, state, "issue", tenant => One(state.IssuesOf(tenant, null).FirstOrDefault(i => i.Id == id), "admin/serviceAnnouncement/issues/$entity")));
        announcements.MapGet("/messages", (HttpContext http, SimulatorState state) =>
            Answer(http, state, "messages", tenant => Filtered(http, out var since)
                ? Page(http, state, "admin/serviceAnnouncement/messages", state.MessagesOf(tenant, since))
                : BadFilter(http)));
        announcements.MapGet("/messages/{id}", (HttpContext http, SimulatorState state, string id) =>
            Answer(http, state, "message", tenant => One(state.MessagesOf(tenant, null).FirstOrDefault(m => m.Id == id), "admin/serviceAnnouncement/messages/$entity")));

        // GDAP, read with a token of the partner's own tenant; domains, with a token of the customer's.
        var gdap = app.MapGroup("/v1.0/tenantRelationships/delegatedAdminRelationships");
        gdap.MapGet("", (HttpContext http, SimulatorState state, TenantDirectory directory) =>
            Answer(http, state, "delegatedAdminRelationships", partner => Page(http, state, "tenantRelationships/delegatedAdminRelationships", directory.RelationshipsOf(partner))));
        gdap.MapGet("/{id}", (HttpContext http, SimulatorState state, TenantDirectory directory, string id) =>
            Answer(http, state, "delegatedAdminRelationship", partner => One(directory.RelationshipsOf(partner).FirstOrDefault(r => r.Id == id), "tenantRelationships/delegatedAdminRelationships/$entity")));
        gdap.MapGet("/{id}/accessAssignments", (HttpContext http, SimulatorState state, TenantDirectory directory, string id) =>
            Answer(http, state, "accessAssignments", partner => directory.AssignmentsOf(partner, id) is { } assignments
                ? Page(http, state, $"tenantRelationships/delegatedAdminRelationships('{id}')/accessAssignments", assignments)
                : Error(404, "NotFound", "The requested resource does not exist.")));
        app.MapGet("/v1.0/groups/{id:guid}", (HttpContext http, SimulatorState state, TenantDirectory directory, Guid id) =>
            Answer(http, state, "group", partner => One(directory.GroupOf(partner, id), "groups/$entity")));
        foreach (var members in new[] { "members", "transitiveMembers", "members/microsoft.graph.user", "transitiveMembers/microsoft.graph.user", "members/graph.user", "transitiveMembers/graph.user" })
        {
            app.MapGet("/v1.0/groups/{id:guid}/" + members, (HttpContext http, SimulatorState state, TenantDirectory directory, Guid id) =>
                Answer(http, state, "groupMembers", partner => directory.MembersOf(partner, id) is { } list
                    ? Page(http, state, "users", list)
                    : Error(404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.")));
        }

        app.MapGet("/v1.0/users", (HttpContext http, SimulatorState state, EntraDirectory users) =>
            Answer(http, state, "users", tenant => Page(http, state, "users", users.UsersOf(tenant))));
        app.MapGet("/v1.0/domains", (HttpContext http, SimulatorState state, TenantDirectory directory) =>
            Answer(http, state, "domains", tenant => Page(http, state, "domains", directory.DomainsOf(tenant))));
    }

    private static async Task<IResult> IssueToken(HttpContext http, SimulatorState state, SignInState signIn, EntraDirectory users, string tenant)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : null;
        if (form is not null && form["grant_type"].ToString() == "authorization_code")
        {
            // A user's sign-in (OpenID Connect); everything else is the app-only grant below, unchanged.
            return EntraSignInEndpoints.RedeemCode(http, form, state, signIn, users);
        }

        if (form is not null && form["grant_type"].ToString() == "refresh_token")
        {
            return EntraSignInEndpoints.Refresh(http, form, state, signIn);
        }

        _ = Guid.TryParse(tenant, out var tenantId);
        state.Count(tenantId == Guid.Empty ? null : tenantId, "token");
        if (tenantId == Guid.Empty || form is null || form["grant_type"].ToString() != "client_credentials" || string.IsNullOrEmpty(form["client_id"].ToString()))
        {
            return TokenError("invalid_request", "AADSTS900144: The request body must contain the parameter 'grant_type', 'client_id' and a tenant id.");
        }

        if (state.TakeFault(tenantId, http.Request.Path, tokenRequest: true) is not null)
        {
            return TokenError("invalid_grant", "AADSTS65001: The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.");
        }

        return Results.Json(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = 3599,
            ["ext_expires_in"] = 3599,
            ["access_token"] = TokenPrefix + tenantId.ToString(),
        });
    }

    private static IResult TokenError(string error, string description) =>
        Results.Json(new Dictionary<string, object> { ["error"] = error, ["error_description"] = description, ["error_codes"] = new[] { 65001 } }, statusCode: 400);

    private static IResult Answer(HttpContext http, SimulatorState state, string route, Func<Guid, IResult> answer)
    {
        state.ApplyDue();
        var tenant = TenantFrom(http.Request);
        state.Count(tenant, route, Uri.UnescapeDataString(http.Request.QueryString.Value ?? ""));
        if (tenant is null)
        {
            return Error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
        }

        if (state.ConsentRevoked(tenant))
        {
            return Error(401, "InvalidAuthenticationToken", "The token is no longer valid: the administrator revoked consent for the application.");
        }

        var fault = state.TakeFault(tenant, http.Request.Path, tokenRequest: false);
        if (fault is not null)
        {
            http.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return fault.Kind switch
            {
                FaultKind.Throttle => Error(429, "TooManyRequests", "Too many requests."),
                FaultKind.Unavailable => Error(503, "serviceNotAvailable", "The service is temporarily unavailable."),
                FaultKind.Unauthorized => Error(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."),
                FaultKind.Forbidden => Error(403, "UnknownError", "Insufficient privileges to complete the operation."),
                _ => Results.Text("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#admin\",\"value\":[{\"id\":\"EX0\",\"title\":", "application/json"),
            };
        }

        return answer(tenant.Value);
    }

    /// <summary>The tenant a simulated token was issued for, as a real token's tid claim tells it.</summary>
    internal static Guid? TenantFrom(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer " + TokenPrefix, StringComparison.Ordinal)
            && Guid.TryParse(header.AsSpan(("Bearer " + TokenPrefix).Length), out var id) ? id : null;
    }

    private static IResult Error(int status, string code, string message) => Results.Json(
        new { error = new { code, message, innerError = new Dictionary<string, string> { ["date"] = DateTime.UtcNow.ToString("s", CultureInfo.InvariantCulture), ["request-id"] = Guid.NewGuid().ToString() } } },
        statusCode: status);

    [GeneratedRegex(@"^\s*lastModifiedDateTime\s+ge\s+'?([0-9T:\.\-+Z]+)'?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ModifiedSince();

    private static bool Filtered(HttpContext http, out DateTimeOffset? since)
    {
        since = null;
        var filter = http.Request.Query["$filter"].ToString();
        if (filter.Length == 0)
        {
            return true;
        }

        var match = ModifiedSince().Match(filter);
        if (match.Success && DateTimeOffset.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            since = value;
            return true;
        }

        return false;
    }

    private static IResult BadFilter(HttpContext http) =>
        Error(400, "BadRequest", $"Invalid filter clause: {http.Request.Query["$filter"]}");

    private static IResult Page<T>(HttpContext http, SimulatorState state, string entitySet, List<T> all)
    {
        var skip = int.TryParse(http.Request.Query["$skiptoken"], CultureInfo.InvariantCulture, out var s) ? Math.Max(0, s) : 0;
        var size = int.TryParse(http.Request.Query["$top"], CultureInfo.InvariantCulture, out var top) && top > 0 ? Math.Min(top, state.PageSize) : state.PageSize;
        var page = all.Skip(skip).Take(size).ToList();
        var body = new JsonObject
        {
            ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#{entitySet}",
            ["value"] = JsonSerializer.SerializeToNode(page, SimulatorJson.Options),
        };
        if (skip + size < all.Count)
        {
            var query = http.Request.Query
                .Where(q => q.Key != "$skiptoken")
                .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append($"$skiptoken={skip + size}");
            body["@odata.nextLink"] = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}?{string.Join('&', query)}";
        }

        return Results.Text(body.ToJsonString(), "application/json");
    }

    private static IResult One<T>(T? item, string entity)
        where T : class
    {
        if (item is null)
        {
            return Error(404, "NotFound", "The requested resource does not exist.");
        }

        var body = JsonSerializer.SerializeToNode(item, SimulatorJson.Options)!.AsObject();
        body.Insert(0, "@odata.context", $"https://graph.microsoft.com/v1.0/$metadata#{entity}");
        return Results.Text(body.ToJsonString(), "application/json");
    }
}
