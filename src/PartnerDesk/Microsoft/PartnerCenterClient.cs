using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartnerDesk.MicrosoftApis;

// Partner Center's service request resources as PartnerDesk reads and writes them (camelCase on the wire).

public sealed record PartnerCenterNote(string? CreatedByName, DateTimeOffset? CreatedDate, string? Text);

public sealed record PartnerCenterServiceRequest(
    string? Id,
    string? Title,
    string? Description,
    string? Severity,
    string? SupportTopicId,
    string? SupportTopicName,
    string? Status,
    DateTimeOffset? CreatedDate,
    DateTimeOffset? LastModifiedDate,
    List<PartnerCenterNote>? Notes);

public sealed record PartnerCenterSupportTopic(string? Name, string? Description, long Id);

/// <summary>A customer as Partner Center lists it: its id is its tenant id; the company profile names and addresses it.</summary>
/// <param name="AssociatedPartnerId">For an indirect provider: the indirect reseller the customer belongs to, where Partner Center says.</param>
public sealed record PartnerCenterCustomer(string? Id, PartnerCenterCompanyProfile? CompanyProfile, string? RelationshipToPartner, string? AssociatedPartnerId = null);

public sealed record PartnerCenterCompanyProfile(string? TenantId, string? Domain, string? CompanyName);

/// <summary>An indirect reseller of an indirect provider (GET /v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf): its id is its tenant id.</summary>
public sealed record PartnerCenterRelationship(string? Id, string? Name, string? RelationshipType, string? State, string? MpnId);

/// <summary>A customer's subscription as Partner Center shapes it (new commerce: refundOptions say until when it may shrink or be cancelled).</summary>
public sealed record PartnerCenterSubscription(
    string Id,
    string? OfferId,
    string? OfferName,
    string? FriendlyName,
    int Quantity,
    string? UnitType,
    DateTimeOffset? CreationDate,
    DateTimeOffset? EffectiveStartDate,
    DateTimeOffset? CommitmentEndDate,
    string? Status,
    bool AutoRenewEnabled,
    string? BillingCycle,
    string? TermDuration,
    bool IsTrial,
    List<PartnerCenterRefundOption>? RefundOptions);

public sealed record PartnerCenterRefundOption(string? Type, DateTimeOffset? ExpiresAt);

/// <summary>Licences of one product a customer holds (activeUnits) and has assigned (consumedUnits).</summary>
public sealed record PartnerCenterSubscribedSku(int ActiveUnits, int ConsumedUnits, PartnerCenterSkuProduct? ProductSku);

public sealed record PartnerCenterSkuProduct(string? Id, string? Name, string? SkuPartNumber);

/// <summary>How a partner's customers reach its support, as Partner Center keeps it (and shows it to them).</summary>
public sealed record PartnerCenterSupportProfile(string? Email, string? Telephone, string? Website);

/// <summary>Partner Center refused or failed a call; <see cref="Retryable"/> says whether trying again can help.</summary>
public sealed class PartnerCenterException(HttpStatusCode status, string reason, bool retryable, TimeSpan? retryAfter)
    : Exception($"Partner Center answered {(int)status}: {reason}")
{
    public HttpStatusCode Status { get; } = status;
    public string Reason { get; } = reason;
    public bool Retryable { get; } = retryable;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>App+User tokens for Partner Center, per organisation (each partner has its own Partner Center account; Organisations keeps them).</summary>
public interface IPartnerCenterTokens
{
    Task<string> GetTokenAsync(Guid organisationId, CancellationToken ct);
}

/// <summary>
/// Partner Center's service requests over a typed HttpClient (Partner Center has no current .NET SDK).
/// Every call carries an MS-RequestId: the caller passes a stable one for a create, so that Partner Center
/// recognises a retry; the retry handler in front retries 429 and 5xx honouring Retry-After.
/// </summary>
public sealed class PartnerCenterClient(HttpClient http, IPartnerCenterTokens tokens)
{
    public const string Scope = "https://api.partnercenter.microsoft.com/user_impersonation";

    /// <summary>Partner Center could not be reached or answered with an error: what callers catch and show, never a 500.</summary>
    public static bool IsFailure(Exception e) =>
        e is PartnerCenterException or HttpRequestException or TaskCanceledException or InvalidOperationException or TenantConsentException
        && !Platform.Data.DbFailures.InChain(e); // PartnerDesk's own database failing on the way (its token): not Partner Center's

    /// <summary>Why a call failed, in words for a person: Partner Center's own reason when it gave one.</summary>
    public static string Reason(Exception e) => e is PartnerCenterException p ? p.Reason : e.Message;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Task<PartnerCenterServiceRequest> Create(Guid organisationId, Guid requestId, string agentLocale, object request, CancellationToken ct) =>
        Send<PartnerCenterServiceRequest>(organisationId, HttpMethod.Post, $"v1/servicerequests/{Uri.EscapeDataString(agentLocale)}", request, requestId, ct);

    public Task<PartnerCenterServiceRequest> Get(Guid organisationId, string id, CancellationToken ct) =>
        Send<PartnerCenterServiceRequest>(organisationId, HttpMethod.Get, $"v1/servicerequests/{Uri.EscapeDataString(id)}", null, Guid.NewGuid(), ct);

    public Task<PartnerCenterServiceRequest> AddNote(Guid organisationId, Guid requestId, string id, string text, CancellationToken ct) =>
        Send<PartnerCenterServiceRequest>(organisationId, HttpMethod.Patch, $"v1/servicerequests/{Uri.EscapeDataString(id)}", new { newNote = new { text } }, requestId, ct);

    public Task<PartnerCenterServiceRequest> Close(Guid organisationId, Guid requestId, string id, CancellationToken ct) =>
        Send<PartnerCenterServiceRequest>(organisationId, HttpMethod.Patch, $"v1/servicerequests/{Uri.EscapeDataString(id)}", new { status = "closed" }, requestId, ct);

    public Task<PartnerCenterSupportProfile> GetSupportProfile(Guid organisationId, CancellationToken ct) =>
        Send<PartnerCenterSupportProfile>(organisationId, HttpMethod.Get, "v1/profiles/support", null, Guid.NewGuid(), ct);

    /// <summary>PUT of the whole profile (documented at v1/profiles/supportprofile).</summary>
    public Task<PartnerCenterSupportProfile> UpdateSupportProfile(Guid organisationId, Guid requestId, PartnerCenterSupportProfile profile, CancellationToken ct) =>
        Send<PartnerCenterSupportProfile>(organisationId, HttpMethod.Put, "v1/profiles/supportprofile",
            new { profile.Email, profile.Telephone, profile.Website, attributes = new { objectType = "SupportProfile" } }, requestId, ct);

    public async Task<List<PartnerCenterSubscription>> Subscriptions(Guid organisationId, Guid customerTenantId, CancellationToken ct) =>
        (await Send<Collection<PartnerCenterSubscription>>(organisationId, HttpMethod.Get, $"v1/customers/{customerTenantId}/subscriptions", null, Guid.NewGuid(), ct)).Items ?? [];

    public Task<PartnerCenterSubscription> Subscription(Guid organisationId, Guid customerTenantId, string id, CancellationToken ct) =>
        Send<PartnerCenterSubscription>(organisationId, HttpMethod.Get, $"v1/customers/{customerTenantId}/subscriptions/{Uri.EscapeDataString(id)}", null, Guid.NewGuid(), ct);

    /// <summary>PATCH with the whole subscription, changed (quantity, or status "deleted" to cancel), as Partner Center requires.</summary>
    public Task<PartnerCenterSubscription> UpdateSubscription(Guid organisationId, Guid requestId, Guid customerTenantId, PartnerCenterSubscription subscription, CancellationToken ct) =>
        Send<PartnerCenterSubscription>(organisationId, HttpMethod.Patch, $"v1/customers/{customerTenantId}/subscriptions/{Uri.EscapeDataString(subscription.Id)}",
            subscription, requestId, ct);

    public async Task<List<PartnerCenterSubscribedSku>> SubscribedSkus(Guid organisationId, Guid customerTenantId, CancellationToken ct) =>
        (await Send<Collection<PartnerCenterSubscribedSku>>(organisationId, HttpMethod.Get, $"v1/customers/{customerTenantId}/subscribedskus", null, Guid.NewGuid(), ct)).Items ?? [];

    public async Task<List<PartnerCenterSupportTopic>> SupportTopics(Guid organisationId, CancellationToken ct) =>
        (await Send<Collection<PartnerCenterSupportTopic>>(organisationId, HttpMethod.Get, "v1/servicerequests/supporttopics", null, Guid.NewGuid(), ct)).Items ?? [];

    /// <summary>
    /// Every customer of the partner (GET /v1/customers, 500 a page, the next page asked with the continuation token
    /// Partner Center hands back). A list that never ends is taken for a fault: a partial list must not pass for
    /// the whole, or an import would mark the rest as gone.
    /// </summary>
    public async Task<List<PartnerCenterCustomer>> Customers(Guid organisationId, CancellationToken ct, string? indirectReseller = null)
    {
        // An indirect provider asks for one reseller's customers with Partner Center's filter on IndirectReseller.
        var path = indirectReseller is null ? "v1/customers?size=500"
            : "v1/customers?size=500&filter=" + Uri.EscapeDataString(JsonSerializer.Serialize(new { Field = "IndirectReseller", Value = indirectReseller, Operator = "starts_with" }));
        var all = new List<PartnerCenterCustomer>();
        string? continuation = null;
        for (var pages = 0; ; pages++)
        {
            if (pages > 2_000)
            {
                throw new PartnerCenterException(HttpStatusCode.OK, "Partner Center kept giving next pages (more than 2,000).", retryable: false, retryAfter: null);
            }

            var page = await Send<CustomerPage>(organisationId, HttpMethod.Get, path, null, Guid.NewGuid(), ct, continuation);
            all.AddRange(page.Items ?? []);
            continuation = page.Links?.Next?.Headers?.FirstOrDefault(h => string.Equals(h.Key, "MS-ContinuationToken", StringComparison.OrdinalIgnoreCase))?.Value;
            if (string.IsNullOrEmpty(continuation))
            {
                return all;
            }
        }
    }

    /// <summary>An indirect provider's indirect resellers (one page: Partner Center returns them all).</summary>
    public async Task<List<PartnerCenterRelationship>> IndirectResellers(Guid organisationId, CancellationToken ct) =>
        (await Send<Collection<PartnerCenterRelationship>>(organisationId, HttpMethod.Get, "v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf", null, Guid.NewGuid(), ct)).Items ?? [];

    private async Task<T> Send<T>(Guid organisationId, HttpMethod method, string path, object? body, Guid requestId, CancellationToken ct, string? continuation = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (continuation is not null)
        {
            request.Headers.Add("MS-ContinuationToken", continuation);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(organisationId, ct));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Add("MS-RequestId", requestId.ToString());
        request.Headers.Add("MS-CorrelationId", Guid.NewGuid().ToString());
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            var reason = text;
            try
            {
                var fault = JsonSerializer.Deserialize<Fault>(text, Json);
                reason = fault?.Description is { Length: > 0 } d ? d : text;
            }
            catch (JsonException)
            {
                // Not Partner Center's fault body (a proxy's page, say): the raw text says more than nothing.
            }

            var status = response.StatusCode;
            var retryable = status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;
            throw new PartnerCenterException(status, reason.Length > 500 ? reason[..500] : reason, retryable, RetryAfterHandler.Delay(response));
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text, Json) ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            // An answer that cannot be read may still mean the request was carried out: retry (with the same MS-RequestId).
            throw new PartnerCenterException(response.StatusCode, $"the answer could not be read ({e.Message})", retryable: true, retryAfter: null);
        }
    }

    private sealed record Collection<TItem>(int TotalCount, List<TItem>? Items);

    private sealed record CustomerPage(int TotalCount, List<PartnerCenterCustomer>? Items, PageLinks? Links);

    private sealed record PageLinks(PageLink? Next);

    private sealed record PageLink(string? Uri, string? Method, List<LinkHeader>? Headers);

    private sealed record LinkHeader(string? Key, string? Value);

    private sealed record Fault(int Code, string? Description, string? ErrorName);
}

/// <summary>
/// Retries 429 and 5xx a few times within one call, waiting what Retry-After says (capped) or backing off
/// exponentially. Longer waits are the outbox's business, not the request's.
/// </summary>
public sealed class RetryAfterHandler(int maxRetries, TimeSpan maxWait) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (attempt >= maxRetries || (status != 429 && status < 500))
            {
                return response;
            }

            var wait = Delay(response) ?? TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt));
            if (wait > maxWait)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(wait, cancellationToken);
        }
    }

    public static TimeSpan? Delay(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta
        ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : (TimeSpan?)null)
        ?? (response.Headers.TryGetValues("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null);
}
