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

    /// <summary>
    /// Where its calls go (a mail server, Partner Center, a support provider). Messages of one organisation and
    /// one destination go out in order, one at a time; a destination that fails or hangs holds up only its own.
    /// A message's kind may name a destination of its own after a colon ("Webhook:&lt;subscription&gt;" is carried by the
    /// handler of kind "Webhook"): each such destination is a lane of its own (one webhook receiver per lane).
    /// </summary>
    string Destination => Kind.Split('.')[0];

    Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct);
}

public sealed class OutboxOptions
{
    public const string Section = "PartnerDesk:Outbox";

    public bool Enabled { get; set; } = true;
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Messages one lane reads at a time.</summary>
    public int Batch { get; set; } = 50;

    /// <summary>Lanes (organisation and destination) sending at the same time.</summary>
    public int Lanes { get; set; } = 16;

    /// <summary>The longest one attempt may take, connecting included; then it counts as failed and is retried.</summary>
    public TimeSpan AttemptDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After this many failed attempts a message is parked for an admin (about nine hours of backoff).</summary>
    public int MaxAttempts { get; set; } = 25;

    /// <summary>A message still not out this long after it was written is parked at its next failure.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// Sends what the outbox holds on the instance that holds the outbox lease. Each organisation's messages to one
/// destination form a lane: in the order they were written, one at a time, so one ticket's messages keep their order; lanes run
/// side by side, so a mail server that accepts connections and never answers delays its own organisation's mail
/// and nothing else. Every attempt has a deadline; a lane whose destination failed rests until its message's next
/// attempt; a message that keeps failing is parked with its reason for an admin to see and send again.
/// A message is marked sent in the same save as the result it produced; a crash between the call and that save
/// leaves it due, and the next attempt repeats the call with the same id, which the other side recognises.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, IEnumerable<IOutboxHandler> handlers, IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OutboxDispatcher> log)
    : BackgroundService
{
    public const string LeaseName = "outbox";
    private static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(30);
    private readonly Dictionary<string, IOutboxHandler> byKind = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly Lock gate = new();
    private readonly Dictionary<(Guid OrganisationId, string Destination), LaneState> lanes = [];
    private readonly SemaphoreSlim slots = new(Math.Max(1, options.Value.Lanes));
    private readonly SemaphoreSlim leaseGate = new(1, 1);
    private readonly SemaphoreSlim nudge = new(0);
    private DateTimeOffset leaseRenewAt = DateTimeOffset.MinValue;

    private sealed class LaneState
    {
        public Task<int> Running = Task.FromResult(0);
        public DateTimeOffset RestUntil;
    }

    /// <summary>
    /// Short, and renewed while lanes send: an instance that dies hands the outbox on within seconds. Should a
    /// slow call outlive it and a second instance send the same message, the other side knows the message id.
    /// </summary>
    private TimeSpan Lease => options.Value.Tick * 5 > TimeSpan.FromSeconds(10) ? options.Value.Tick * 5 : TimeSpan.FromSeconds(10);

    /// <summary>Wakes the loop at once (a message was just written) instead of at the next tick.</summary>
    public void Nudge() => nudge.Release();

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
                await StartDue(stoppingToken);
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
                break;
            }
        }

        await Task.WhenAll(Running().Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    /// <summary>
    /// Starts a lane for everything due and waits until every running lane is through. Returns how many messages
    /// were attempted (for tests and tools; the host's loop starts lanes and does not wait).
    /// </summary>
    public async Task<int> RunOnce(CancellationToken ct)
    {
        var started = await StartDue(ct);
        await Task.WhenAll(Running());
        return (await Task.WhenAll(started)).Sum();
    }

    private Task<int>[] Running()
    {
        lock (gate)
        {
            return [.. lanes.Values.Select(l => l.Running).Where(t => !t.IsCompleted)];
        }
    }

    /// <summary>Starts a lane for each organisation and destination with due messages that is neither sending nor resting.</summary>
    private async Task<List<Task<int>>> StartDue(CancellationToken ct)
    {
        var started = new List<Task<int>>();
        if (!await HoldLease(ct))
        {
            return started;
        }

        List<(Guid OrganisationId, string Kind)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
            var now = clock.GetUtcNow();
            // Platform work across organisations: only organisation ids and kinds leave this query; each lane then
            // works inside its own organisation, under the usual filters.
            due = (await db.OutboxMessages.IgnoreQueryFilters()
                    .Where(m => m.SentAt == null && m.FailedAt == null && m.NextAttemptAt <= now)
                    .Select(m => new { m.OrganisationId, m.Kind }).Distinct().ToListAsync(ct))
                .ConvertAll(m => (m.OrganisationId, m.Kind));
        }

        var today = clock.GetUtcNow();
        foreach (var lane in due.GroupBy(d => (d.OrganisationId, Destination: DestinationOf(d.Kind))))
        {
            // Every kind of the lane, due or not: a message waiting for its retry must hold back the later ones.
            var kinds = lane.Select(d => d.Kind)
                .Union(byKind.Values.Where(h => h.Destination == lane.Key.Destination).Select(h => h.Kind), StringComparer.Ordinal).ToArray();
            lock (gate)
            {
                if (!lanes.TryGetValue(lane.Key, out var state))
                {
                    lanes[lane.Key] = state = new LaneState();
                }

                if (state.Running.IsCompleted && state.RestUntil <= today)
                {
                    state.Running = Task.Run(() => RunLane(lane.Key.OrganisationId, kinds, state, ct), CancellationToken.None);
                    started.Add(state.Running);
                }
            }
        }

        return started;
    }

    /// <summary>The handler of a kind: by its name, or, for "Kind:qualifier", by the part before the colon.</summary>
    private IOutboxHandler? HandlerOf(string kind) =>
        byKind.TryGetValue(kind, out var handler) ? handler
        : kind.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon && byKind.TryGetValue(kind[..colon], out handler) ? handler
        : null;

    private string DestinationOf(string kind) => HandlerOf(kind) switch
    {
        null => kind,
        { } handler when byKind.ContainsKey(kind) => handler.Destination,
        { } handler => handler.Destination + kind[kind.IndexOf(':', StringComparison.Ordinal)..],
    };

    /// <summary>One organisation's messages to one destination, in the order written, until one is not due yet or fails.</summary>
    private async Task<int> RunLane(Guid organisationId, string[] kinds, LaneState state, CancellationToken ct)
    {
        var attempted = 0;
        try
        {
            await slots.WaitAsync(ct);
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    List<(Guid Id, DateTimeOffset DueAt)> pending;
                    await using (var scope = scopes.CreateAsyncScope())
                    {
                        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
                        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
                        // In the order they were written, due or not: a message waiting for its next attempt holds
                        // back the later ones of its lane, so that one ticket's messages never overtake each other.
                        pending = (await db.OutboxMessages
                                .Where(m => m.SentAt == null && m.FailedAt == null && kinds.Contains(m.Kind))
                                .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Take(options.Value.Batch)
                                .Select(m => new { m.Id, m.NextAttemptAt }).ToListAsync(ct))
                            .ConvertAll(m => (m.Id, m.NextAttemptAt));
                    }

                    foreach (var (id, dueAt) in pending)
                    {
                        if (dueAt > clock.GetUtcNow())
                        {
                            state.RestUntil = dueAt;
                            return attempted;
                        }

                        if (!await HoldLease(ct))
                        {
                            return attempted;
                        }

                        attempted++;
                        if (await Attempt(id, organisationId, ct) is { } retryAt)
                        {
                            // The destination failed: the rest of this lane waits with it, in order.
                            state.RestUntil = retryAt;
                            return attempted;
                        }
                    }

                    if (pending.Count < options.Value.Batch)
                    {
                        return attempted;
                    }
                }
            }
            finally
            {
                slots.Release();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            log.LogWarning(e, "An outbox lane of organisation {Organisation} failed; it starts again at the next round.", organisationId);
        }

        return attempted;
    }

    /// <summary>Takes or renews the outbox lease when half of it is used up; false while another instance holds it.</summary>
    private async Task<bool> HoldLease(CancellationToken ct)
    {
        if (clock.GetUtcNow() < leaseRenewAt)
        {
            return true;
        }

        await leaseGate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (now < leaseRenewAt)
            {
                return true;
            }

            await using var scope = scopes.CreateAsyncScope();
            var held = await JobLeases.TryTake(scope.ServiceProvider.GetRequiredService<PartnerDeskDb>(), LeaseName, Lease, clock, ct);
            leaseRenewAt = held ? now + Lease / 2 : DateTimeOffset.MinValue;
            return held;
        }
        finally
        {
            leaseGate.Release();
        }
    }

    /// <summary>One attempt of one message. Returns when it is due again if it failed and will be retried.</summary>
    private async Task<DateTimeOffset?> Attempt(Guid id, Guid organisationId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var message = await db.OutboxMessages.FirstOrDefaultAsync(m => m.Id == id && m.SentAt == null && m.FailedAt == null, ct);
        if (message is null)
        {
            return null;
        }

        OutboxOutcome outcome;
        if (HandlerOf(message.Kind) is not { } handler)
        {
            outcome = OutboxOutcome.Retry($"Nothing in this version sends {message.Kind} messages yet.", TimeSpan.FromHours(1));
        }
        else
        {
            // Real time, not the clock the rest reads: the deadline guards against a peer that never answers.
            using var deadline = new CancellationTokenSource(options.Value.AttemptDeadline, TimeProvider.System);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            try
            {
                outcome = await handler.Carry(message, db, both.Token);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var timedOut = deadline.IsCancellationRequested;
                log.LogWarning(timedOut ? null : e, "Outbox message {Id} ({Kind}) of organisation {Organisation} failed{How}.",
                    message.Id, message.Kind, organisationId, timedOut ? $": no answer within {options.Value.AttemptDeadline.TotalSeconds:0} s" : "");
                db.ChangeTracker.Clear();
                message = await db.OutboxMessages.FirstAsync(m => m.Id == id, ct);
                outcome = OutboxOutcome.Retry(timedOut
                    ? $"The other side did not answer within {options.Value.AttemptDeadline.TotalSeconds:0} seconds."
                    : OutboxFailure.Describe(e));
            }
        }

        var now = clock.GetUtcNow();
        message.Attempts++;
        DateTimeOffset? retryAt = null;
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
            case OutboxOutcome.RetryOutcome retry when message.Attempts >= options.Value.MaxAttempts || now - message.CreatedAt >= options.Value.MaxAge:
                message.FailedAt = now;
                message.Parked = true;
                message.LastError = Clip($"Parked after {message.Attempts} attempts: {retry.Reason}");
                log.LogWarning("Outbox message {Id} ({Kind}) of organisation {Organisation} is parked after {Attempts} attempts: {Reason}",
                    message.Id, message.Kind, organisationId, message.Attempts, retry.Reason);
                break;
            case OutboxOutcome.RetryOutcome retry:
                var backoff = TimeSpan.FromSeconds(Math.Min(LongestWait.TotalSeconds, 5 * Math.Pow(2, Math.Min(message.Attempts - 1, 10))));
                message.NextAttemptAt = now + (retry.After is { } after && after > backoff ? (after < LongestWait ? after : LongestWait) : backoff);
                message.LastError = Clip(retry.Reason);
                retryAt = message.NextAttemptAt;
                break;
        }

        await SaveResult(db, message, outcome, ct);
        return retryAt;
    }

    /// <summary>
    /// Saves the result and the message's state together. Once the call went out, a conflict with a change made
    /// meanwhile (an agent edited the ticket) must not make the call go out again: the result is saved over the
    /// newer values it touches, and should even that fail, the message is marked sent on its own.
    /// </summary>
    private async Task SaveResult(PartnerDeskDb db, OutboxMessage message, OutboxOutcome outcome, CancellationToken ct)
    {
        for (var round = 1; ; round++)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException e) when (round < 3 && outcome is OutboxOutcome.SentOutcome)
            {
                foreach (var entry in e.Entries)
                {
                    if (await entry.GetDatabaseValuesAsync(ct) is not { } current)
                    {
                        entry.State = EntityState.Detached; // gone meanwhile: nothing left to record on it
                        continue;
                    }

                    entry.OriginalValues.SetValues(current);
                }
            }
            catch (DbUpdateException e) when (outcome is OutboxOutcome.SentOutcome && !ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Outbox message {Id} ({Kind}) went out, but its result could not be saved; it is marked sent so that it does not go twice.", message.Id, message.Kind);
                var (id, attempts, now) = (message.Id, message.Attempts, clock.GetUtcNow());
                db.ChangeTracker.Clear();
                await db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.SentAt, now).SetProperty(m => m.Attempts, attempts)
                    .SetProperty(m => m.LastError, "Sent, but recording its result failed (see the log)."), ct);
                return;
            }
        }
    }

    private static string Clip(string text) => text.Length > 2000 ? text[..2000] : text;

    public override void Dispose()
    {
        nudge.Dispose();
        slots.Dispose();
        leaseGate.Dispose();
        base.Dispose();
    }
}

/// <summary>What an admin reads about a failed call: a category, never the raw socket or stack text (that is logged).</summary>
public static class OutboxFailure
{
    public static string Describe(Exception e) => e switch
    {
        HttpRequestException { StatusCode: { } status } => $"The other side answered {(int)status}.",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "The host name could not be found.",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "The connection could not be made.",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "The secure connection failed.",
        HttpRequestException => "The other side could not be reached.",
        System.Net.Sockets.SocketException => "The connection could not be made.",
        TimeoutException or TaskCanceledException => "The other side did not answer in time.",
        IOException => "The connection broke off.",
        System.Text.Json.JsonException => "The other side's answer could not be read.",
        _ => "PartnerDesk failed on this message (see the log).",
    };
}
