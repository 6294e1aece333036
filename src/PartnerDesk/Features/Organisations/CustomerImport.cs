using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Jobs;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Organisations;

/// <param name="Resellers">For an indirect provider: its indirect resellers, whose customers are imported with them.</param>
public sealed record CustomerImportResult(int Listed, int Added, int Renamed, int Left, int Returned, int Skipped, int Resellers = 0);

/// <summary>
/// Brings the partner's customers in from Partner Center (GET /v1/customers, every page): new ones are added,
/// renamed ones renamed, those Partner Center no longer lists are marked as left (their tickets stay), and one
/// that comes back is active again. Partner Center is read completely first and the change is one save, so a
/// page that fails midway changes nothing and the next run starts over; nothing is doubled (one customer per
/// tenant, by a unique index). Customers added by hand or handed over by resellers are never marked as left:
/// only those Partner Center listed before.
/// </summary>
public sealed class CustomerImport(PartnerCenterClient partnerCenter, CustomerImportGates gates, TimeProvider clock)
{
    public async Task<Outcome<CustomerImportResult>> Run(PartnerDeskDb db, CancellationToken ct)
    {
        if (!db.Caller.IsSystem && db.Caller.AgentRole != AgentRole.AdminAgent)
        {
            return Outcome<CustomerImportResult>.Missing;
        }

        var organisationId = db.Caller.RequireOrganisation();
        var gate = gates.For(organisationId);
        await gate.WaitAsync(ct);
        try
        {
            return await RunOnce(db, organisationId, ct);
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            db.ChangeTracker.Clear();
            return Outcome<CustomerImportResult>.Conflict("Another import of the customers ran at the same time; nothing of this one was saved. Try again.");
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Outcome<CustomerImportResult>> RunOnce(PartnerDeskDb db, Guid organisationId, CancellationToken ct)
    {
        List<PartnerCenterCustomer> listed;
        List<PartnerCenterRelationship> resellers = [];
        var resellerOf = new Dictionary<Guid, PartnerCenterRelationship>();
        try
        {
            listed = await partnerCenter.Customers(organisationId, ct);
            if (await db.Organisations.AnyAsync(o => o.Kind == OrganisationKind.IndirectProvider, ct))
            {
                // An indirect provider serves its resellers' customers too: each reseller's list names whose they are,
                // so that a ticket a reseller hands over (from this installation or another) finds its customer.
                resellers = [.. (await partnerCenter.IndirectResellers(organisationId, ct))
                    .Where(r => Guid.TryParse(r.Id, out _) && !string.Equals(r.State, "Inactive", StringComparison.OrdinalIgnoreCase))];
                var byId = resellers.ToDictionary(r => Guid.Parse(r.Id!));
                if (listed.Any(c => c.AssociatedPartnerId is not null))
                {
                    // The listing names each customer's reseller (associatedPartnerId): no call per reseller.
                    foreach (var customer in listed)
                    {
                        if (Guid.TryParse(customer.AssociatedPartnerId, out var partner) && byId.TryGetValue(partner, out var reseller)
                            && Guid.TryParse(customer.CompanyProfile?.TenantId ?? customer.Id, out var tenant))
                        {
                            resellerOf.TryAdd(tenant, reseller);
                        }
                    }
                }
                else
                {
                    // Otherwise each reseller's customers, with Partner Center's IndirectReseller filter (a paged call per reseller).
                    foreach (var reseller in resellers)
                    {
                        foreach (var customer in await partnerCenter.Customers(organisationId, ct, reseller.Id))
                        {
                            if (Guid.TryParse(customer.CompanyProfile?.TenantId ?? customer.Id, out var tenant) && resellerOf.TryAdd(tenant, reseller))
                            {
                                listed.Add(customer);
                            }
                        }
                    }
                }
            }
        }
        catch (Exception e) when (PartnerCenterClient.IsFailure(e) && !ct.IsCancellationRequested)
        {
            return Outcome<CustomerImportResult>.Conflict($"Partner Center could not list the customers, so nothing changed: {e.Message}");
        }

        var now = clock.GetUtcNow();
        var skipped = 0;
        var seen = new Dictionary<Guid, PartnerCenterCustomer>();
        foreach (var customer in listed)
        {
            // A customer without a tenant id (or a name) cannot be served: counted, not guessed.
            if (!Guid.TryParse(customer.CompanyProfile?.TenantId ?? customer.Id, out var tenant) || tenant == Guid.Empty
                || string.IsNullOrWhiteSpace(customer.CompanyProfile?.CompanyName))
            {
                skipped++;
                continue;
            }

            seen.TryAdd(tenant, customer);
        }

        var existing = await db.Customers.ToDictionaryAsync(c => c.TenantId, ct);
        int added = 0, renamed = 0, left = 0, returned = 0;
        foreach (var (tenant, customer) in seen)
        {
            var name = Trim(customer.CompanyProfile!.CompanyName!.Trim(), 200);
            var domain = Trim(customer.CompanyProfile.Domain?.Trim() ?? "", 253);
            var reseller = resellerOf.GetValueOrDefault(tenant);
            var resellerTenant = reseller is null ? (Guid?)null : Guid.Parse(reseller.Id!);
            var resellerName = reseller is null ? null : Trim(reseller.Name?.Trim() is { Length: > 0 } n ? n : reseller.Id!, 200);
            if (existing.TryGetValue(tenant, out var known))
            {
                known.ResellerTenantId = resellerTenant;
                known.ResellerName = resellerName;
                if (known.Name != name)
                {
                    known.Name = name;
                    renamed++;
                }

                if (domain.Length > 0 && known.DefaultDomain != domain)
                {
                    known.DefaultDomain = domain;
                }

                if (known.LeftAt is not null)
                {
                    known.LeftAt = null;
                    returned++;
                }

                known.PartnerCenterSeenAt = now;
            }
            else
            {
                db.Customers.Add(new Customer
                {
                    OrganisationId = organisationId,
                    Name = name,
                    TenantId = tenant,
                    DefaultDomain = domain,
                    CreatedAt = now,
                    PartnerCenterSeenAt = now,
                    ResellerTenantId = resellerTenant,
                    ResellerName = resellerName,
                });
                added++;
            }
        }

        // An empty list is taken for a fault (a partner without customers imports nothing to begin with): nobody is marked as left on it.
        if (seen.Count > 0)
        {
            foreach (var gone in existing.Values.Where(c => c.PartnerCenterSeenAt is not null && c.LeftAt is null && !seen.ContainsKey(c.TenantId)))
            {
                gone.LeftAt = now;
                left++;
            }
        }

        await db.SaveChangesAsync(ct);
        return new CustomerImportResult(seen.Count + skipped, added, renamed, left, returned, skipped, resellers.Count);
    }

    private static string Trim(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>One import per organisation at a time on this instance (across instances, the unique tenant index holds).</summary>
public sealed class CustomerImportGates
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> gates = new();

    public SemaphoreSlim For(Guid organisationId) => gates.GetOrAdd(organisationId, _ => new SemaphoreSlim(1, 1));
}

public sealed class CustomerImportOptions
{
    public const string Section = "PartnerDesk:CustomerImport";

    public bool Enabled { get; set; } = true;

    /// <summary>Once a day: customers come and go slowly; an admin imports on demand in between.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Imports every organisation's customers from Partner Center daily (organisations with a Partner Center account).</summary>
public sealed class CustomerImportJob(IServiceScopeFactory scopes, GdapSync accounts, IOptions<CustomerImportOptions> options, TimeProvider clock, ILogger<CustomerImportJob> log)
    : PeriodicJob(clock, log)
{
    public const string LeaseName = "customer-import";

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Tick => options.Value.Tick;

    public override async Task<int> RunOnce(CancellationToken ct)
    {
        // The lease lasts nearly a round: a restart or a second instance does not import again the same day.
        var lease = Tick > TimeSpan.FromHours(2) ? Tick - TimeSpan.FromHours(1) : Tick;
        if (await JobLeases.TakeForOrganisations(scopes, LeaseName, lease, Clock, ct) is not { } organisations)
        {
            return 0;
        }

        var imported = 0;
        foreach (var organisationId in organisations)
        {
            if (await accounts.PartnerTenantOf(organisationId, ct) is null)
            {
                continue;
            }

            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
            Outcome<CustomerImportResult> outcome;
            try
            {
                outcome = await scope.ServiceProvider.GetRequiredService<CustomerImport>().Run(scope.ServiceProvider.GetRequiredService<PartnerDeskDb>(), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // One organisation's fault stays its own: the others are imported all the same.
                Log.LogWarning(e, "The daily customer import of organisation {Organisation} failed.", organisationId);
                continue;
            }

            if (outcome.Succeeded)
            {
                imported += outcome.Value!.Added;
            }
            else
            {
                Log.LogWarning("The daily customer import of organisation {Organisation} did not run: {Reason}", organisationId, outcome.ConflictDetail);
            }
        }

        return imported;
    }
}
