using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Tickets;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Jobs;
using PartnerDesk.Platform.ScaleOut;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Organisations;

public enum GdapThreshold
{
    /// <summary>Ends within the warning period (30 days unless set).</summary>
    EndsSoon,
    Expired,
}

/// <summary>That the organisation's admins were told once of a relationship reaching a threshold.</summary>
public sealed class GdapNotice : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public required string RelationshipId { get; set; }
    public GdapThreshold Threshold { get; set; }
    public DateTimeOffset NotifiedAt { get; set; }
}

public sealed record ExpiringRelationship(
    string RelationshipId, string DisplayName, Guid CustomerId, string CustomerName, DelegatedAdminRelationshipStatus Status, DateTimeOffset? EndDateTime,
    GdapThreshold Threshold, int OpenTickets);

public sealed record GdapSyncStateView(DateTimeOffset? LastAttemptAt, DateTimeOffset? LastSuccessAt, string? LastError);

public sealed class GdapOptions
{
    public const string Section = "PartnerDesk:Gdap";

    public bool Enabled { get; set; } = true;
    public TimeSpan Tick { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Read relationships from Microsoft Graph before looking for ending ones (off where no Microsoft is configured).</summary>
    public bool Sync { get; set; } = true;
    public int WarnDays { get; set; } = 30;
}

internal sealed class GdapNoticeConfiguration : IEntityTypeConfiguration<GdapNotice>
{
    public void Configure(EntityTypeBuilder<GdapNotice> b)
    {
        b.HasKey(n => new { n.OrganisationId, n.RelationshipId, n.Threshold });
        b.Property(n => n.RelationshipId).HasMaxLength(100);
    }
}

/// <summary>
/// GDAP relationships that end soon or have ended (issue 7): without one, the partner's agents lose their admin
/// rights in the customer's tenant. Shown on the agents' start page with what they affect; the admins are told
/// once per relationship and threshold.
/// </summary>
public static class GdapExpiry
{
    /// <summary>The threshold a relationship has reached, or null. A terminated relationship was ended on purpose: no warning.</summary>
    public static GdapThreshold? Of(DelegatedAdminRelationshipStatus status, DateTimeOffset? end, DateTimeOffset now, TimeSpan warn) =>
        status is DelegatedAdminRelationshipStatus.Terminated or DelegatedAdminRelationshipStatus.Terminating or DelegatedAdminRelationshipStatus.TerminationRequested ? null
        : status == DelegatedAdminRelationshipStatus.Expired || end <= now ? GdapThreshold.Expired
        : end <= now + warn ? GdapThreshold.EndsSoon
        : null;

    public static RouteGroupBuilder MapGdapEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/gdap/expiring", async (PartnerDeskDb db, IOptions<GdapOptions> options, TimeProvider clock, CancellationToken ct) =>
                TypedResults.Ok(await Expiring(db, clock.GetUtcNow(), TimeSpan.FromDays(options.Value.WarnDays), ct)))
            .WithTags("Organisations").RequireAuthorization(Policies.Agent)
            .WithSummary("GDAP relationships of reachable customers that end within the warning period or have ended, with the open tickets they affect.");
        api.MapPost("/delegated-admin/sync", Sync).WithTags("GDAP").RequireAuthorization(Policies.Admin)
            .WithSummary("Reads the organisation's GDAP relationships, access assignments and the members of their security groups from Microsoft Graph now (admins). 502 with the reason when Microsoft fails; nothing is changed then.");
        api.MapGet("/delegated-admin/sync", async (PartnerDeskDb db, CancellationToken ct) =>
                await db.Set<GdapSyncState>().AsNoTracking().FirstOrDefaultAsync(ct) is { } state
                    ? Results.Ok(new GdapSyncStateView(state.LastAttemptAt, state.LastSuccessAt, state.LastError))
                    : Results.Ok(new GdapSyncStateView(null, null, null)))
            .WithTags("GDAP").RequireAuthorization(Policies.Agent).WithSummary("When GDAP was last read from Microsoft Graph, and the last error.");
        return api;
    }

    private static async Task<Results<Ok<GdapSyncResult>, ProblemHttpResult>> Sync(PartnerDeskDb db, GdapSync sync, CancellationToken ct)
    {
        if (await sync.PartnerTenantOf(db.Caller.RequireOrganisation(), ct) is null)
        {
            return TypedResults.Problem(statusCode: 409, title: "GDAP cannot be read for this organisation.",
                detail: "Partner Center is not connected (an admin connects it on the Going live page), so the partner tenant is unknown.");
        }

        var result = await sync.Run(db, ct);
        return result.Succeeded ? TypedResults.Ok(result) : TypedResults.Problem(statusCode: 502, title: "Microsoft Graph could not be read.", detail: result.Error);
    }

    public static async Task<List<ExpiringRelationship>> Expiring(PartnerDeskDb db, DateTimeOffset now, TimeSpan warn, CancellationToken ct)
    {
        var until = now + warn;
        var relationships = await db.DelegatedAdminRelationships.AsNoTracking()
            .Where(r => r.Status == DelegatedAdminRelationshipStatus.Expired || (r.EndDateTime != null && r.EndDateTime <= until))
            .Join(db.Customers, r => r.CustomerId, c => c.Id, (r, c) => new { r.Id, r.DisplayName, r.CustomerId, Customer = c.Name, r.Status, r.EndDateTime })
            .ToListAsync(ct);
        var customers = relationships.Select(r => r.CustomerId).Distinct().ToList();
        var open = await db.Tickets.AsNoTracking()
            .Where(t => customers.Contains(t.CustomerId) && t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed)
            .GroupBy(t => t.CustomerId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return [.. relationships
            .Select(r => (r, Threshold: Of(r.Status, r.EndDateTime, now, warn)))
            .Where(x => x.Threshold is not null)
            .OrderBy(x => x.r.EndDateTime)
            .Select(x => new ExpiringRelationship(x.r.Id, x.r.DisplayName, x.r.CustomerId, x.r.Customer, x.r.Status, x.r.EndDateTime, x.Threshold!.Value, open.GetValueOrDefault(x.r.CustomerId)))];
    }

    /// <summary>Tells each admin of the organisation, once per relationship and threshold. Returns how many notices were new.</summary>
    public static async Task<int> Notify(PartnerDeskDb db, DateTimeOffset now, TimeSpan warn, CancellationToken ct)
    {
        var expiring = await Expiring(db, now, warn, ct);
        if (expiring.Count == 0)
        {
            return 0;
        }

        var told = (await db.Set<GdapNotice>().Select(n => new { n.RelationshipId, n.Threshold }).ToListAsync(ct)).Select(n => (n.RelationshipId, n.Threshold)).ToHashSet();
        var admins = await db.Agents.Where(a => a.IsActive && a.Role == AgentRole.AdminAgent).Select(a => a.Id).ToListAsync(ct);
        var organisationId = db.Caller.RequireOrganisation();
        var added = 0;
        foreach (var r in expiring.Where(r => !told.Contains((r.RelationshipId, r.Threshold))))
        {
            db.Add(new GdapNotice { OrganisationId = organisationId, RelationshipId = r.RelationshipId, Threshold = r.Threshold, NotifiedAt = now });
            var text = r.Threshold == GdapThreshold.Expired
                ? $"The GDAP relationship \"{r.DisplayName}\" with {r.CustomerName} has ended: agents can no longer act in the tenant ({r.OpenTickets} open tickets). Ask the customer to approve a new one."
                : $"The GDAP relationship \"{r.DisplayName}\" with {r.CustomerName} ends on {r.EndDateTime:yyyy-MM-dd} ({r.OpenTickets} open tickets). Renew it in time.";
            foreach (var admin in admins)
            {
                db.AgentAlerts.Add(new AgentAlert { OrganisationId = organisationId, CustomerId = r.CustomerId, AgentId = admin, Kind = $"Gdap{r.Threshold}", Text = text, CreatedAt = now });
            }

            added++;
        }

        await db.SaveChangesAsync(ct);
        return added;
    }
}

/// <summary>Hourly, on one instance: reads every organisation's GDAP relationships from Microsoft Graph, then looks for ending ones.</summary>
public sealed class GdapExpiryJob(IServiceScopeFactory scopes, IOptions<GdapOptions> options, GdapSync sync, TimeProvider clock, ILogger<GdapExpiryJob> log)
    : PeriodicJob(clock, log)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Tick => options.Value.Tick;

    public override async Task<int> RunOnce(CancellationToken ct)
    {
        if (await JobLeases.TakeForOrganisations(scopes, "gdap-expiry", Tick, Clock, ct) is not { } organisations)
        {
            return 0;
        }

        var told = 0;
        foreach (var organisationId in organisations)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
            var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
            try
            {
                if (options.Value.Sync && await sync.PartnerTenantOf(organisationId, ct) is not null)
                {
                    await sync.Run(db, ct); // a failure is recorded; the expiry check runs on what is stored
                    db.ChangeTracker.Clear();
                }

                told += await GdapExpiry.Notify(db, Clock.GetUtcNow(), TimeSpan.FromDays(options.Value.WarnDays), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // One organisation's trouble must not cost the others their hour.
                Log.LogError(e, "The GDAP job failed for organisation {Organisation}", organisationId);
            }
        }

        return told;
    }
}

public static class OrganisationsSetup
{
    /// <summary>The GDAP sync and expiry job, and the support profile's publication.</summary>
    public static IServiceCollection AddPartnerDeskOrganisations(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GdapOptions>(configuration.GetSection(GdapOptions.Section));
        services.AddSingleton<GdapSync>();
        services.AddSingleton<GdapExpiryJob>();
        services.AddHostedService(sp => sp.GetRequiredService<GdapExpiryJob>());
        services.AddSingleton<Platform.Outbox.IOutboxHandler, PublishSupportProfileHandler>(); // the support profile, to Partner Center
        services.Configure<CustomerImportOptions>(configuration.GetSection(CustomerImportOptions.Section));
        services.AddScoped<CustomerImport>(); // Partner Center's client is a typed HttpClient
        services.AddSingleton<CustomerImportGates>();
        services.AddSingleton<PartnerCenterConnections>();
        services.AddHttpClient(nameof(PartnerCenterTokens), http => http.Timeout = TimeSpan.FromSeconds(60));
        services.AddSingleton<PartnerCenterTokens>();
        services.HearOtherInstances<PartnerCenterTokens>(PartnerCenterTokens.Topic, (t, what) => t.ForgetHere(what));
        services.AddSingleton<IPartnerCenterTokens>(sp => sp.GetRequiredService<PartnerCenterTokens>());
        services.AddPartnerCenterConsent();
        services.AddMemoryCache();
        services.AddSingleton<PortalBrands>();
        services.HearOtherInstances<PortalBrands>(PortalBrands.Topic, (b, what) => b.ForgetHere(what));
        services.AddSingleton<Platform.Ui.IPortalBrands>(sp => sp.GetRequiredService<PortalBrands>());
        services.AddHostedService<CustomerImportJob>();
        return services;
    }
}
