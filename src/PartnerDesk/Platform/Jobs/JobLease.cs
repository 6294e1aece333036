using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Platform.Jobs;

/// <summary>
/// Who runs a periodic job until when. With several instances against one PostgreSQL, each job runs on
/// the instance that holds its lease; a holder that dies loses it when it expires.
/// </summary>
public sealed class JobLease
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> b)
    {
        b.HasKey(l => l.Name);
        b.Property(l => l.Name).HasMaxLength(100);
        b.Property(l => l.Holder).HasMaxLength(200);
    }
}

public static class JobLeases
{
    /// <summary>This process, as a lease holder.</summary>
    public static readonly string ThisInstance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Takes or renews the lease; false while another live instance holds it.</summary>
    public static async Task<bool> TryTake(PartnerDeskDb db, string job, TimeSpan lease, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + lease;
        var holder = ThisInstance;
        var renewed = await db.JobLeases
            .Where(l => l.Name == job && (l.Holder == holder || l.ExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), ct);
        if (renewed == 1)
        {
            return true;
        }

        if (await db.JobLeases.AnyAsync(l => l.Name == job, ct))
        {
            return false;
        }

        try
        {
            db.JobLeases.Add(new JobLease { Name = job, Holder = holder, ExpiresAt = until });
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            // Another instance created it first.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>
    /// Hands back the leases this instance holds to run a job (it is stopping, its jobs have ended), so that another
    /// instance takes each at its next round instead of waiting for it to expire. A lease that runs longer than
    /// <see cref="LongestHandedBack"/> is a "done until" mark (the daily customer import holds its lease for nearly a
    /// day so that nobody imports again that day): it is kept. Expired as of long ago rather than now: another
    /// machine's clock may be behind.
    /// </summary>
    public static Task<int> ReleaseHeld(PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var holder = ThisInstance;
        var running = clock.GetUtcNow() + LongestHandedBack;
        var expired = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return db.JobLeases.Where(l => l.Holder == holder && l.ExpiresAt <= running)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, expired), ct);
    }

    /// <summary>Leases up to this long say who runs a job now (outbox, mail, SLA sweep, health); longer ones say it is done for a while.</summary>
    public static readonly TimeSpan LongestHandedBack = TimeSpan.FromMinutes(10);

    /// <summary>For a job that works through the organisations in turn: takes its lease and lists them; null while another instance holds it.</summary>
    public static async Task<List<Guid>?> TakeForOrganisations(IServiceScopeFactory scopes, string job, TimeSpan lease, TimeProvider clock, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        return await TryTake(db, job, lease, clock, ct) ? await OrganisationIds(db, ct) : null;
    }

    /// <summary>
    /// Every organisation's id, for platform jobs that then work inside each organisation as its system
    /// caller (and so under the usual filters). Only ids cross the organisations' boundary here.
    /// </summary>
    public static Task<List<Guid>> OrganisationIds(PartnerDeskDb db, CancellationToken ct) =>
        db.Organisations.IgnoreQueryFilters().OrderBy(o => o.Id).Select(o => o.Id).ToListAsync(ct);
}
