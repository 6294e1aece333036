using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Jobs;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Outbox;

/// <summary>What became of one attempt.</summary>
public abstract record OutboxOutcome
{
    public static readonly OutboxOutcome Sent = new SentOutcome();

    public static OutboxOutcome Retry(string reason, TimeSpan? after = null) => new RetryOutcome(reason, after);

    public static OutboxOutcome Refused(string reason) => new RefusedOutcome(reason);

    public sealed record SentOutcome : OutboxOutcome;

    public sealed record RetryOutcome(string Reason, TimeSpan? After) : OutboxOutcome;

    public sealed record RefusedOutcome(string Reason) : OutboxOutcome;
}

/// <summary>
/// Carries out one kind of outbox message: makes the call, then records its result on tracked entities of
/// the given context without saving. The dispatcher saves the result and the message's state together.
/// </summary>
public interface IOutboxHandler
{
    string Kind { get; }

    Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct);
}

public sealed class OutboxOptions
{
    public const string Section = "PartnerDesk:Outbox";

    public bool Enabled { get; set; } = true;
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(2);
    public int Batch { get; set; } = 50;
}

/// <summary>
/// Sends what the outbox holds, oldest due first, on the instance that holds the outbox lease. A message
/// is marked sent in the same save as the result it produced; a crash between the call and that save
/// leaves it due, and the next attempt repeats the call with the same id, which the other side recognises.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, IEnumerable<IOutboxHandler> handlers, IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OutboxDispatcher> log)
    : BackgroundService
{
    public const string LeaseName = "outbox";
    private static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(30);
    private readonly Dictionary<string, IOutboxHandler> byKind = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);

    /// <summary>
    /// Short, and renewed after every message: an instance that dies hands the outbox on within seconds.
    /// Should a slow call outlive it and a second instance send the same message, the other side knows
    /// the message id and does it once.
    /// </summary>
    private TimeSpan Lease => options.Value.Tick * 5 > TimeSpan.FromSeconds(10) ? options.Value.Tick * 5 : TimeSpan.FromSeconds(10);

    /// <summary>Wakes the loop at once (a message was just written) instead of at the next tick.</summary>
    public void Nudge() => nudge.Release();

    private readonly SemaphoreSlim nudge = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnce(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "An outbox round failed; the next starts in {Tick}.", options.Value.Tick);
            }

            try
            {
                await nudge.WaitAsync(options.Value.Tick, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round over what is due. Returns how many messages were attempted.</summary>
    public async Task<int> RunOnce(CancellationToken ct)
    {
        List<(Guid Id, Guid OrganisationId)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
            if (!await JobLeases.TryTake(db, LeaseName, Lease, clock, ct))
            {
                return 0;
            }

            var now = clock.GetUtcNow();
            // Platform work across organisations: only ids leave this query; each message is then handled
            // inside its own organisation, under the usual filters.
            due = (await db.OutboxMessages.IgnoreQueryFilters()
                    .Where(m => m.SentAt == null && m.FailedAt == null && m.NextAttemptAt <= now)
                    .OrderBy(m => m.NextAttemptAt).Take(options.Value.Batch)
                    .Select(m => new { m.Id, m.OrganisationId }).ToListAsync(ct))
                .ConvertAll(m => (m.Id, m.OrganisationId));
        }

        foreach (var (id, organisationId) in due)
        {
            await Attempt(id, organisationId, ct);
            await using var scope = scopes.CreateAsyncScope();
            if (!await JobLeases.TryTake(scope.ServiceProvider.GetRequiredService<PartnerDeskDb>(), LeaseName, Lease, clock, ct))
            {
                break;
            }
        }

        return due.Count;
    }

    private async Task Attempt(Guid id, Guid organisationId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var message = await db.OutboxMessages.FirstOrDefaultAsync(m => m.Id == id && m.SentAt == null && m.FailedAt == null, ct);
        if (message is null)
        {
            return;
        }

        OutboxOutcome outcome;
        if (!byKind.TryGetValue(message.Kind, out var handler))
        {
            outcome = OutboxOutcome.Retry($"Nothing in this version sends {message.Kind} messages yet.", TimeSpan.FromHours(1));
        }
        else
        {
            try
            {
                outcome = await handler.Carry(message, db, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Outbox message {Id} ({Kind}) failed.", message.Id, message.Kind);
                db.ChangeTracker.Clear();
                message = await db.OutboxMessages.FirstAsync(m => m.Id == id, ct);
                outcome = OutboxOutcome.Retry($"{e.GetType().Name}: {e.Message}");
            }
        }

        var now = clock.GetUtcNow();
        message.Attempts++;
        switch (outcome)
        {
            case OutboxOutcome.SentOutcome:
                message.SentAt = now;
                message.LastError = null;
                break;
            case OutboxOutcome.RefusedOutcome refused:
                message.FailedAt = now;
                message.LastError = Clip(refused.Reason);
                break;
            case OutboxOutcome.RetryOutcome retry:
                var backoff = TimeSpan.FromSeconds(Math.Min(LongestWait.TotalSeconds, 5 * Math.Pow(2, Math.Min(message.Attempts - 1, 10))));
                message.NextAttemptAt = now + (retry.After is { } after && after > backoff ? (after < LongestWait ? after : LongestWait) : backoff);
                message.LastError = Clip(retry.Reason);
                break;
        }

        await db.SaveChangesAsync(ct);
    }

    private static string Clip(string text) => text.Length > 2000 ? text[..2000] : text;

    public override void Dispose()
    {
        nudge.Dispose();
        base.Dispose();
    }
}
