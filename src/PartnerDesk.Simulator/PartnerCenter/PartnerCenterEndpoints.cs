using System.Globalization;
using PartnerDesk.Simulator.Graph;

namespace PartnerDesk.Simulator.PartnerCenter;

/// <summary>
/// Partner Center's service request and support topic endpoints, for the partner whose (simulated)
/// App+User token calls them. Faults injected for the partner's tenant id apply here too.
/// </summary>
public static class PartnerCenterEndpoints
{
    private static readonly string[] Severities = ["critical", "moderate", "minimal"];

    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/profiles/support", (HttpContext http, SimulatorState faults, PartnerCenterState state) =>
            Answer(http, faults, "profiles.support.get", partner => Task.FromResult(Results.Json(state.Profile(partner), SimulatorJson.Options))));
        // Documented as PUT /v1/profiles/supportprofile; /v1/profiles/support is accepted too.
        foreach (var path in new[] { "/profiles/supportprofile", "/profiles/support" })
        {
            v1.MapPut(path, (HttpContext http, SimulatorState faults, PartnerCenterState state) =>
                Answer(http, faults, "profiles.support.update", async partner =>
                {
                    var profile = await http.Request.ReadFromJsonAsync<SupportProfile>(SimulatorJson.Options);
                    if (profile is null || (profile.Email is null && profile.Telephone is null && profile.Website is null))
                    {
                        return Fault(400, "InvalidInput", "The support profile needs an email, a telephone or a website.");
                    }

                    if (profile.Email is { } email && !System.Net.Mail.MailAddress.TryCreate(email, out _))
                    {
                        return Fault(400, "InvalidInput", $"'{email}' is not a valid email address.");
                    }

                    if (profile.Website is { } website && !(Uri.TryCreate(website, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                    {
                        return Fault(400, "InvalidInput", $"'{website}' is not a valid website address.");
                    }

                    profile.Attributes = new() { ObjectType = "SupportProfile" };
                    return Results.Json(state.SetProfile(partner, profile), SimulatorJson.Options);
                }));
        }

        // The partner's customers, paged: size up to 500, the next page asked with the MS-ContinuationToken header.
        v1.MapGet("/customers", (HttpContext http, SimulatorState faults, CustomerDirectory customers) =>
            Answer(http, faults, "customers.list", partner =>
            {
                var size = int.TryParse(http.Request.Query["size"], CultureInfo.InvariantCulture, out var s) ? s : 200;
                if (size is < 1 or > 500)
                {
                    return Task.FromResult(Fault(400, "InvalidInput", "size must be between 1 and 500."));
                }

                var continuation = http.Request.Headers["MS-ContinuationToken"].ToString();
                var offset = continuation.Length == 0 ? 0 : CustomerDirectory.Offset(continuation);
                if (offset is null)
                {
                    return Task.FromResult(Fault(400, "InvalidContinuationToken", "The continuation token is not valid."));
                }

                if (offset.Value >= customers.FailFromOffset)
                {
                    http.Response.Headers.RetryAfter = "1";
                    return Task.FromResult(Fault(503, "ServiceUnavailable", "The service is temporarily unavailable.", retryable: true));
                }

                // filter={"Field":"IndirectReseller","Value":"<reseller tenant>","Operator":"starts_with"}: one reseller's customers.
                Guid? reseller = null;
                if (http.Request.Query["filter"].ToString() is { Length: > 0 } filter)
                {
                    try
                    {
                        var f = System.Text.Json.JsonDocument.Parse(filter).RootElement;
                        if (f.GetProperty("Field").GetString() != "IndirectReseller" || !Guid.TryParse(f.GetProperty("Value").GetString(), out var r))
                        {
                            return Task.FromResult(Fault(400, "InvalidInput", "The filter must name the field IndirectReseller and a reseller's tenant id."));
                        }

                        reseller = r;
                    }
                    catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
                    {
                        return Task.FromResult(Fault(400, "InvalidInput", "The filter is not valid JSON with Field, Value and Operator."));
                    }
                }

                var total = customers.Count(partner, reseller);
                var page = new CustomerPage { TotalCount = total, Items = customers.Page(partner, offset.Value, size, reseller) };
                if (offset.Value + size < total)
                {
                    page.Links = new PageLinks
                    {
                        Next = new PageLink
                        {
                            Uri = $"/customers?size={size}" + (reseller is null ? "" : "&filter=" + Uri.EscapeDataString(http.Request.Query["filter"].ToString())),
                            Headers = [new LinkHeader { Key = "MS-ContinuationToken", Value = CustomerDirectory.Token(offset.Value + size) }],
                        },
                    };
                }

                return Task.FromResult(Results.Json(page, SimulatorJson.Options));
            }));

        // An indirect provider's indirect resellers (Partner Center's PartnerRelationship resources).
        v1.MapGet("/relationships", (HttpContext http, SimulatorState faults, CustomerDirectory customers) =>
            Answer(http, faults, "relationships.list", partner =>
            {
                if (!string.Equals(http.Request.Query["relationship_type"], "IsIndirectCloudSolutionProviderOf", StringComparison.OrdinalIgnoreCase))
                {
                    return Task.FromResult(Fault(400, "InvalidInput", "relationship_type must be IsIndirectCloudSolutionProviderOf (or IsIndirectResellerOf, not simulated)."));
                }

                var items = customers.ResellersOf(partner).ConvertAll(r => new
                {
                    id = r.TenantId.ToString(),
                    name = r.Name,
                    relationshipType = "IsIndirectCloudSolutionProviderOf",
                    state = "Active",
                    mpnId = r.MpnId,
                    attributes = new { objectType = "PartnerRelationship" },
                });
                return Task.FromResult(Results.Json(new { totalCount = items.Count, items, attributes = new { objectType = "Collection" } }, SimulatorJson.Options));
            }));

        // Customers' subscriptions (new commerce): list, get, PATCH of quantity or status, and the licences in use.
        v1.MapGet("/customers/{customerTenantId:guid}/subscriptions", (HttpContext http, SimulatorState faults, SubscriptionState subscriptions, Guid customerTenantId) =>
            Answer(http, faults, "subscriptions.list", _ =>
            {
                var items = subscriptions.Of(customerTenantId).ConvertAll(s => s.Subscription);
                return Task.FromResult(Results.Json(new ResourceCollection<Subscription> { TotalCount = items.Count, Items = items }, SimulatorJson.Options));
            }));
        v1.MapGet("/customers/{customerTenantId:guid}/subscriptions/{id}", (HttpContext http, SimulatorState faults, SubscriptionState subscriptions, Guid customerTenantId, string id) =>
            Answer(http, faults, "subscriptions.get", _ => Task.FromResult(subscriptions.Get(customerTenantId, id) is { } found
                ? Results.Json(found, SimulatorJson.Options)
                : Fault(404, "NotFound", $"Subscription {id} was not found."))));
        v1.MapMethods("/customers/{customerTenantId:guid}/subscriptions/{id}", ["PATCH"], (HttpContext http, SimulatorState faults, SubscriptionState subscriptions, Guid customerTenantId, string id) =>
            Answer(http, faults, "subscriptions.update", async _ =>
            {
                var patch = await http.Request.ReadFromJsonAsync<Subscription>(SimulatorJson.Options);
                if (patch is null)
                {
                    return Fault(400, "InvalidInput", "The request body must be the subscription.");
                }

                var (updated, error) = subscriptions.Patch(customerTenantId, id, patch);
                return error is not null ? Fault(400, "InvalidInput", error)
                    : updated is null ? Fault(404, "NotFound", $"Subscription {id} was not found.")
                    : Results.Json(updated, SimulatorJson.Options);
            }));
        v1.MapGet("/customers/{customerTenantId:guid}/subscribedskus", (HttpContext http, SimulatorState faults, SubscriptionState subscriptions, Guid customerTenantId) =>
            Answer(http, faults, "subscribedskus", _ =>
            {
                var items = subscriptions.Skus(customerTenantId);
                return Task.FromResult(Results.Json(new ResourceCollection<SubscribedSku> { TotalCount = items.Count, Items = items }, SimulatorJson.Options));
            }));

        v1.MapGet("/servicerequests/supporttopics", (HttpContext http, SimulatorState faults) =>
            Answer(http, faults, "supporttopics", _ => Task.FromResult(Results.Json(
                new ResourceCollection<SupportTopic> { TotalCount = PartnerCenterState.Topics.Count, Items = [.. PartnerCenterState.Topics] }, SimulatorJson.Options))));
        v1.MapPost("/servicerequests/{agentLocale}", (HttpContext http, SimulatorState faults, PartnerCenterState state, string agentLocale) =>
            Answer(http, faults, "servicerequests.create", partner => Create(http, state, partner, agentLocale)));
        v1.MapGet("/servicerequests", (HttpContext http, SimulatorState faults, PartnerCenterState state) =>
            Answer(http, faults, "servicerequests.list", partner => Task.FromResult(List(state.All(partner)))));
        v1.MapGet("/customers/{customerTenantId:guid}/servicerequests", (HttpContext http, SimulatorState faults, PartnerCenterState state, Guid customerTenantId) =>
            Answer(http, faults, "servicerequests.list", partner => Task.FromResult(List(state.All(partner).Where(r => r.CustomerTenantId == customerTenantId).ToList()))));
        v1.MapGet("/servicerequests/{id}", (HttpContext http, SimulatorState faults, PartnerCenterState state, string id) =>
            Answer(http, faults, "servicerequests.get", partner => Task.FromResult(state.Get(partner, id) is { } request
                ? Results.Json(request, SimulatorJson.Options)
                : Fault(404, "NotFound", $"Service request {id} was not found."))));
        v1.MapMethods("/servicerequests/{id}", ["PATCH"], (HttpContext http, SimulatorState faults, PartnerCenterState state, string id) =>
            Answer(http, faults, "servicerequests.update", async partner =>
            {
                var patch = await http.Request.ReadFromJsonAsync<ServiceRequest>(SimulatorJson.Options);
                if (patch is null || (patch.NewNote is null && patch.Status is null))
                {
                    return Fault(400, "InvalidInput", "A NewNote or a Status is required.");
                }

                if (patch.Status is { } status && status is not ("closed" or "open"))
                {
                    return Fault(400, "InvalidInput", $"The status '{status}' cannot be set by a partner.");
                }

                return state.Update(partner, id, patch, "Partner agent") is { } updated
                    ? Results.Json(updated, SimulatorJson.Options)
                    : Fault(404, "NotFound", $"Service request {id} was not found.");
            }));
    }

    private static async Task<IResult> Create(HttpContext http, PartnerCenterState state, Guid partner, string agentLocale)
    {
        ServiceRequest? draft;
        try
        {
            draft = await http.Request.ReadFromJsonAsync<ServiceRequest>(SimulatorJson.Options);
        }
        catch (System.Text.Json.JsonException e)
        {
            return Fault(400, "InvalidInput", $"The request body could not be read: {e.Message}");
        }

        if (draft is null)
        {
            return Fault(400, "InvalidInput", "The request body is empty.");
        }

        var missing = new[] { ("Title", draft.Title), ("Description", draft.Description), ("Severity", draft.Severity), ("SupportTopicId", draft.SupportTopicId) }
            .Where(f => string.IsNullOrWhiteSpace(f.Item2)).Select(f => f.Item1).ToList();
        if (missing.Count > 0)
        {
            return Fault(400, "InvalidInput", $"Required: {string.Join(", ", missing)}.");
        }

        if (!CultureInfo.GetCultures(CultureTypes.SpecificCultures).Any(c => string.Equals(c.Name, agentLocale, StringComparison.OrdinalIgnoreCase)))
        {
            return Fault(400, "InvalidInput", $"The agent locale '{agentLocale}' is not supported.");
        }

        if (!Severities.Contains(draft.Severity))
        {
            return Fault(400, "InvalidInput", $"The severity '{draft.Severity}' is not valid: critical, moderate or minimal.");
        }

        if (draft.Title!.Length > 255)
        {
            return Fault(400, "InvalidInput", "The title is longer than 255 characters.");
        }

        var topic = PartnerCenterState.Topics.FirstOrDefault(t => t.Id.ToString(CultureInfo.InvariantCulture) == draft.SupportTopicId);
        if (topic is null)
        {
            return Fault(400, "InvalidInput", $"The support topic {draft.SupportTopicId} does not exist.");
        }

        var (request, created) = state.Create(partner, http.Request.Headers["MS-RequestId"].ToString(), draft, topic);
        if (state.HoldCreateAnswers)
        {
            // Carried out, but the answer never leaves: the caller's process dies or gives up first.
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        }

        return created ? Results.Json(request, SimulatorJson.Options, statusCode: 201) : Results.Json(request, SimulatorJson.Options);
    }

    private static IResult List(List<ServiceRequest> requests) =>
        Results.Json(new ResourceCollection<ServiceRequest> { TotalCount = requests.Count, Items = requests }, SimulatorJson.Options);

    private static async Task<IResult> Answer(HttpContext http, SimulatorState faults, string route, Func<Guid, Task<IResult>> answer)
    {
        var partner = GraphEndpoints.TenantFrom(http.Request);
        faults.Count(partner, route);
        if (partner is null)
        {
            return Fault(401, "Unauthorized", "The access token is missing or invalid.");
        }

        if (faults.TakeFault(partner, http.Request.Path, tokenRequest: false) is { } fault)
        {
            http.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return fault.Kind switch
            {
                FaultKind.Throttle => Fault(429, "TooManyRequests", "Too many requests."),
                FaultKind.Unavailable => Fault(503, "ServiceUnavailable", "The service is temporarily unavailable.", retryable: true),
                FaultKind.Unauthorized => Fault(401, "Unauthorized", "The access token has expired."),
                FaultKind.Forbidden => Fault(403, "Forbidden", "The user is not authorized to file service requests."),
                _ => Results.Text("{\"id\":", "application/json"),
            };
        }

        return await answer(partner.Value);
    }

    private static IResult Fault(int status, string name, string description, bool retryable = false) =>
        Results.Json(new ApiFault { Code = status, ErrorName = name, Description = description, IsRetryable = retryable }, SimulatorJson.Options, statusCode: status);
}
