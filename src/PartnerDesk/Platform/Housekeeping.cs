using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Platform;

/// <summary>A feature's share of the hourly housekeeping: deletes what has served its purpose, across organisations.</summary>
public interface ICleanup
{
    /// <summary>Returns how many rows it removed. Runs without a caller: the filters must be bypassed, for deletes only.</summary>
    Task<int> Run(PartnerDeskDb db, DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// Removes what has served its purpose: session tokens a day after they expired and stored idempotent
/// answers after a day (clients retry within minutes), and what the features' <see cref="ICleanup"/>s say. Deletes are idempotent, so several instances
/// running this at once do no harm.
/// </summary>
public sealed class Housekeeping(IServiceScopeFactory scopes, TimeProvider clock, ILogger<Housekeeping> log) : Jobs.PeriodicJob(clock, log)
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);

    protected override bool Enabled => true;

    protected override TimeSpan Tick => Interval;

    public override Task<int> RunOnce(CancellationToken ct) => RunOnce(scopes, Clock, ct);

    public static async Task<int> RunOnce(IServiceScopeFactory scopes, TimeProvider clock, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var now = clock.GetUtcNow();
        var tokenCutoff = now.AddDays(-1);
        var idempotencyCutoff = now - IdempotencyWindow;
        // Platform work across organisations: the filters are bypassed on purpose, for deletes only.
        var tokens = await db.ApiTokens.IgnoreQueryFilters()
            .Where(t => t.Kind == ApiTokenKind.Session && t.ExpiresAt < tokenCutoff)
            .ExecuteDeleteAsync(ct);
        var answers = await db.IdempotencyRecords.IgnoreQueryFilters()
            .Where(r => r.CreatedAt < idempotencyCutoff)
            .ExecuteDeleteAsync(ct);
        var removed = tokens + answers;
        foreach (var cleanup in scope.ServiceProvider.GetServices<ICleanup>())
        {
            removed += await cleanup.Run(db, now, ct);
        }

        return removed;
    }
}
