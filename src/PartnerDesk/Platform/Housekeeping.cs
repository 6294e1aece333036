using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Features.Notifications;

namespace PartnerDesk.Platform;

/// <summary>
/// Removes what has served its purpose: session tokens a day after they expired and stored idempotent
/// answers after a day (clients retry within minutes). Deletes are idempotent, so several instances
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
        // SLA alerts seen a month ago have done their work; breaches themselves are kept (SlaBreaches).
        var seenCutoff = now.AddDays(-30);
        var alerts = await db.AgentAlerts.IgnoreQueryFilters()
            .Where(a => a.ReadAt < seenCutoff)
            .ExecuteDeleteAsync(ct);
        return tokens + answers + alerts;
    }
}
