using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Jobs;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.ServiceHealth;

/// <summary>
/// Reads every customer tenant when it is due, a few tenants at a time, on the one instance holding the
/// job's lease. Nothing that goes wrong with one tenant, one round or the database stops the loop.
/// </summary>
public sealed class HealthSyncJob(
    IServiceScopeFactory scopes, HealthSync sync, IOptions<ServiceHealthOptions> options, TimeProvider clock, ILogger<HealthSyncJob> log)
    : PeriodicJob(clock, log)
{
    public const string Name = "service-health-sync";

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Tick => options.Value.Tick;

    /// <summary>One round: each organisation's due tenants. Returns how many tenants were read.</summary>
    public override async Task<int> RunOnce(CancellationToken ct)
    {
        if (await JobLeases.TakeForOrganisations(scopes, Name, options.Value.Tick * 4, Clock, ct) is not { } organisations)
        {
            return 0;
        }

        var read = 0;
        foreach (var organisation in organisations)
        {
            read += await RunFor(organisation, ct);
        }

        return read;
    }

    private async Task<int> RunFor(Guid organisationId, CancellationToken ct)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
            var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
            var now = Clock.GetUtcNow();
            due = await db.Customers
                .Where(c => !db.Set<HealthSyncState>().Any(s => s.CustomerId == c.Id && s.NextDueAt > now))
                .OrderBy(c => db.Set<HealthSyncState>().Where(s => s.CustomerId == c.Id).Select(s => (DateTimeOffset?)s.NextDueAt).FirstOrDefault())
                .Select(c => c.Id)
                .Take(200)
                .ToListAsync(ct);
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct }, async (customerId, token) =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
                await sync.SyncCustomer(scope.ServiceProvider.GetRequiredService<PartnerDeskDb>(), customerId, token);
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                Log.LogWarning(e, "Service health sync of customer {Customer} failed.", customerId);
            }
        });
        return due.Count;
    }
}
