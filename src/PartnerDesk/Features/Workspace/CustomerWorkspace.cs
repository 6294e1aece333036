using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Subscriptions;
using PartnerDesk.Features.Tickets;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Audit;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Workspace;

/// <summary>Microsoft's admin centres, opened in the customer's tenant with the agent's GDAP roles (the forms Partner Center's service management links use).</summary>
public sealed record AdminCenterLinks(string Microsoft365, string Entra, string Exchange, string Azure, string Intune, string Teams)
{
    public static AdminCenterLinks For(Guid tenantId, string defaultDomain)
    {
        var domain = Uri.EscapeDataString(defaultDomain);
        return new(
            $"https://admin.microsoft.com/Partner/BeginClientSession.aspx?CTID={tenantId}&CSDEST=o365admincenter",
            $"https://entra.microsoft.com/{tenantId}",
            $"https://admin.exchange.microsoft.com/?landingpage=homepage&form=mac_sidebar&delegatedOrg={domain}",
            $"https://portal.azure.com/{tenantId}",
            $"https://intune.microsoft.com/{tenantId}",
            $"https://admin.teams.microsoft.com/?delegatedOrg={domain}");
    }
}

public sealed record WorkspaceRelationship(
    string Id, string DisplayName, DelegatedAdminRelationshipStatus Status, DateTimeOffset? EndDateTime, GdapThreshold? Threshold, IReadOnlyList<EntraRoleView> Roles);

public sealed record WorkspaceTicket(
    Guid Id, string Number, string Title, TicketKind Kind, TicketStatus Status, Severity Severity, string? Assignee, DateTimeOffset UpdatedAt, DateTimeOffset? SlaDueAt);

public sealed record WorkspaceContract(Guid Id, Guid PlanId, string PlanName, DateOnly StartsOn, DateOnly? EndsOn, int Seats, string? SupportProvider);

/// <summary>
/// Everything an agent needs about one customer, from PartnerDesk's own data: the tenant, GDAP and who can
/// act through it, open tickets, service health and the contract. What only Microsoft knows (domains and
/// subscriptions) is at <c>/customers/{id}/tenant</c>, so that a slow Microsoft never slows this.
/// </summary>
public sealed record CustomerWorkspaceView(
    CustomerView Customer,
    string? TimeZone,
    AdminCenterLinks Links,
    IReadOnlyList<WorkspaceRelationship> Relationships,
    IReadOnlyList<AgentTenantAccess> Access,
    AgentTenantAccess? You,
    int OpenTicketCount,
    IReadOnlyList<WorkspaceTicket> OpenTickets,
    IReadOnlyList<IssueSummary> ActiveIssues,
    IReadOnlyList<CustomerServiceView> DegradedServices,
    WorkspaceContract? Contract,
    GdapSyncStateView GdapSync);

public sealed record DomainView(string Name, bool IsDefault, bool IsInitial, bool IsVerified);

/// <summary>A fact read from Microsoft: the value and when it was read, or why it could not be.</summary>
public sealed record LiveFact<T>(T? Value, DateTimeOffset? ReadAt, string? Error);

public sealed record TenantFactsView(LiveFact<List<DomainView>> Domains, LiveFact<List<SubscriptionView>> Subscriptions);

/// <summary>The facts; or, for a refresh too soon after the last read from Microsoft (at <paramref name="ReadAt"/>), how long to wait; neither: no such customer.</summary>
public readonly record struct TenantFactsRead(TenantFactsView? View, TimeSpan? RetryAfter, DateTimeOffset? ReadAt);

public sealed class WorkspaceOptions
{
    public const string Section = "PartnerDesk:Workspace";

    /// <summary>How long subscriptions and domains read from Microsoft are shown before they are read again.</summary>
    public TimeSpan LiveFactsFor { get; set; } = TimeSpan.FromMinutes(5);
}

public static class CustomerWorkspace
{
    /// <summary>Open tickets listed on the page; the count covers them all.</summary>
    public const int TicketsShown = 50;

    public static RouteGroupBuilder MapWorkspaceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/customers/{id:guid}/workspace", async (Guid id, PartnerDeskDb db, TimeProvider clock, IOptions<GdapOptions> gdap, CancellationToken ct) =>
                await Of(db, id, clock.GetUtcNow(), TimeSpan.FromDays(gdap.Value.WarnDays), ct) is { } view ? Results.Ok(view) : Results.Problem(statusCode: 404, title: "Not found."))
            .WithTags("Customers").RequireAuthorization(Policies.Agent)
            .WithSummary("One customer for agents: tenant, GDAP relationships and who can act in the tenant through which Entra role, open tickets, service health, contract and admin-centre links.");
        api.MapGet("/customers/{id:guid}/tenant", async Task (Guid id, bool? refresh, HttpContext http, PartnerDeskDb db, TenantFacts facts, CancellationToken ct) =>
            {
                var read = await facts.Of(db, id, refresh ?? false, ct);
                if (read.RetryAfter is { } wait)
                {
                    var seconds = RateLimits.Seconds(wait);
                    await RateLimits.Problem(http, seconds, "Microsoft was asked a moment ago.",
                        $"This customer's tenant was read from Microsoft at {read.ReadAt:u}; it is read again at most once in {TenantFacts.Spacing(http)} seconds. Retry after {seconds} seconds; until then the facts read then are answered without refresh=true.");
                    return;
                }

                await (read.View is { } view ? Results.Ok(view) : Results.Problem(statusCode: 404, title: "Not found.")).ExecuteAsync(http);
            })
            .WithTags("Customers").RequireAuthorization(Policies.Agent)
            .Produces<TenantFactsView>().ProducesProblem(404).ProducesProblem(429)
            .WithSummary("The customer's domains (Microsoft Graph) and subscriptions (Partner Center), read live and kept for five minutes; refresh=true reads again, at most once a minute per customer (else 429 with Retry-After). A failed read gives its reason, not an error.");
        api.MapGet("/customers/{id:guid}/tenant-access", async (Guid id, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                await db.Customers.AnyAsync(c => c.Id == id, ct)
                    ? Results.Ok(await TenantAccess.Of(db, id, clock.GetUtcNow(), ct))
                    : Results.Problem(statusCode: 404, title: "Not found."))
            .WithTags("GDAP").RequireAuthorization(Policies.Agent)
            .WithSummary("The agents who can act in the customer's tenant, with their Entra roles there and the GDAP relationships they come from.");
        return api;
    }

    /// <summary>The workspace, or null when the customer is not reachable for the caller.</summary>
    public static async Task<CustomerWorkspaceView?> Of(PartnerDeskDb db, Guid customerId, DateTimeOffset now, TimeSpan warn, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { View = new CustomerView(c.Id, c.Name, c.TenantId, c.DefaultDomain), c.TimeZoneId })
            .FirstOrDefaultAsync(ct);
        if (customer is null)
        {
            return null;
        }

        await db.AuditRead(customerId, "workspace.read", null, ct);

        var relationships = await db.DelegatedAdminRelationships.AsNoTracking().Where(r => r.CustomerId == customerId)
            .OrderBy(r => r.DisplayName).ToListAsync(ct);
        var access = await TenantAccess.Of(db, customerId, now, ct);

        var open = db.Tickets.AsNoTracking().Where(t => t.CustomerId == customerId && t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed);
        var openCount = await open.CountAsync(ct);
        var tickets = await open
            .OrderBy(t => t.Severity).ThenBy(t => t.SlaDueAt == null).ThenBy(t => t.SlaDueAt).ThenByDescending(t => t.Number)
            .Take(TicketsShown)
            .Select(t => new WorkspaceTicket(t.Id, TicketNumber.Format(t.Number), t.Title, t.Kind, t.Status, t.Severity, t.Assignee!.DisplayName, t.UpdatedAt, t.SlaDueAt))
            .ToListAsync(ct);

        var issues = await ServiceHealthQueries.Issues(new IssueListQuery(customerId, true, null, 20), db, ct);
        var degraded = await db.CustomerServiceStatuses.AsNoTracking().Where(s => s.CustomerId == customerId && s.Status != "serviceOperational")
            .OrderBy(s => s.Service).Select(s => new CustomerServiceView(s.Service, s.Status, s.UpdatedAt)).ToListAsync(ct);

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var contract = await db.SupportContracts.AsNoTracking()
            .Where(c => c.CustomerId == customerId && c.StartsOn <= today && (c.EndsOn == null || c.EndsOn >= today))
            .OrderByDescending(c => c.StartsOn)
            .Select(c => new WorkspaceContract(c.Id, c.PlanId, c.Plan!.Name, c.StartsOn, c.EndsOn, c.Seats, c.Plan.ProviderName))
            .FirstOrDefaultAsync(ct);
        var sync = await db.Set<GdapSyncState>().AsNoTracking()
            .Select(s => new GdapSyncStateView(s.LastAttemptAt, s.LastSuccessAt, s.LastError)).FirstOrDefaultAsync(ct);

        return new CustomerWorkspaceView(
            customer.View,
            customer.TimeZoneId,
            AdminCenterLinks.For(customer.View.TenantId, customer.View.DefaultDomain),
            [.. relationships.Select(r => new WorkspaceRelationship(
                r.Id, r.DisplayName, r.Status, r.EndDateTime, GdapExpiry.Of(r.Status, r.EndDateTime, now, warn), [.. r.UnifiedRoles.Select(EntraRoleNames.View)]))],
            access,
            access.FirstOrDefault(a => a.AgentId == db.Caller.UserId),
            openCount,
            tickets,
            issues.Value?.Items ?? [],
            degraded,
            contract,
            sync ?? new GdapSyncStateView(null, null, null));
    }
}

/// <summary>
/// What only Microsoft knows about a customer: domains (Graph, in the customer's tenant) and subscriptions with the
/// licences in use (Partner Center). Kept in memory for a few minutes per organisation and customer, so that
/// opening a workspace again costs no Microsoft call; a subscription change drops the customer's entry.
/// </summary>
public sealed class TenantFacts(GraphClients graph, PartnerCenterClient partnerCenter, IMemoryCache cache, IOptions<WorkspaceOptions> options, TimeProvider clock, TenantCallSpacing spacing)
{
    private static object Key(Guid organisationId, Guid customerId) => TenantFactsCache.Key(organisationId, customerId);

    private static object Generation(Guid organisationId, Guid customerId) => TenantFactsCache.Generation(organisationId, customerId);

    /// <summary>
    /// The facts, kept or read now. A read from Microsoft (a refresh, or a look after the kept facts expired or failed)
    /// is spaced per customer (<see cref="TenantCallSpacing"/>): a refresh within the spacing is refused with the
    /// wait, and a plain look within it gets what the last read gave, so neither asks Microsoft again.
    /// </summary>
    public async Task<TenantFactsRead> Of(PartnerDeskDb db, Guid customerId, bool refresh, CancellationToken ct)
    {
        var tenant = await db.Customers.Where(c => c.Id == customerId).Select(c => (Guid?)c.TenantId).FirstOrDefaultAsync(ct);
        if (tenant is null)
        {
            return default;
        }

        await db.AuditRead(customerId, refresh ? "tenant.refresh" : "tenant.read", null, ct);

        var organisationId = db.Caller.RequireOrganisation();
        var key = Key(organisationId, customerId);
        if (!refresh && cache.TryGetValue(key, out TenantFactsView? cached) && cached is not null)
        {
            return new(cached, null, null);
        }

        var (wait, lastAt, lastAnswer) = spacing.TryBegin(SpacedCall, organisationId, customerId);
        if (wait is not null)
        {
            return refresh || lastAnswer is not TenantFactsView last ? new(null, wait, lastAt) : new(last, null, null);
        }

        var generation = cache.GetOrCreate(Generation(organisationId, customerId), e =>
        {
            e.Priority = CacheItemPriority.NeverRemove;
            return new CancellationTokenSource();
        })!;
        var token = generation.Token;
        var domains = Domains(tenant.Value, ct);
        var subscriptions = Subscriptions(db, customerId, ct);
        await Task.WhenAll(domains, subscriptions);
        var view = new TenantFactsView(await domains, await subscriptions);
        spacing.Answered(SpacedCall, organisationId, customerId, view);
        if (view.Domains.Error is null && view.Subscriptions.Error is null)
        {
            // A failure is not kept for minutes: the next look after the spacing asks Microsoft again.
            cache.Set(key, view, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.LiveFactsFor }.AddExpirationToken(new CancellationChangeToken(token)));
        }

        return new(view, null, null);
    }

    private const string SpacedCall = "tenant-facts";

    /// <summary>The configured spacing in seconds, for the problem's text.</summary>
    public static int Spacing(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.TenantRefreshSeconds;

    private async Task<LiveFact<List<DomainView>>> Domains(Guid tenant, CancellationToken ct)
    {
        try
        {
            var client = graph.For(tenant);
            var domains = await GraphPages.All(
                await client.Domains.GetAsync(cancellationToken: ct), p => p.Value, p => p.OdataNextLink,
                next => client.Domains.WithUrl(next).GetAsync(cancellationToken: ct));
            return new([.. domains.Where(d => d.Id is not null)
                .Select(d => new DomainView(d.Id!, d.IsDefault ?? false, d.IsInitial ?? false, d.IsVerified ?? false))
                .OrderByDescending(d => d.IsDefault).ThenBy(d => d.Name, StringComparer.Ordinal)], clock.GetUtcNow(), null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new(null, null, HealthSync.Describe(e));
        }
    }

    private async Task<LiveFact<List<SubscriptionView>>> Subscriptions(PartnerDeskDb db, Guid customerId, CancellationToken ct)
    {
        var outcome = await SubscriptionChanges.Of(db, partnerCenter, customerId, ct);
        return outcome.Succeeded
            ? new(outcome.Value, clock.GetUtcNow(), null)
            : new(null, null, outcome.ConflictDetail ?? "Partner Center could not be read.");
    }
}

public static class WorkspaceSetup
{
    public static IServiceCollection AddPartnerDeskWorkspace(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WorkspaceOptions>(configuration.GetSection(WorkspaceOptions.Section));
        services.AddScoped<TenantFacts>(); // Partner Center's client is a typed HttpClient; the cache behind it is the app's
        return services;
    }
}
