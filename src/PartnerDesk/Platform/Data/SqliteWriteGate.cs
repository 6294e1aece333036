using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// SQLite lets one transaction write at a time. Left to themselves, concurrent writers collide on its lock
/// and the driver puts their threads to sleep and retries, which costs throughput and gives long tails.
/// This gate queues transactions in the process instead, asynchronously, so that they take turns. The gate
/// is held from BEGIN to COMMIT or ROLLBACK, and let go when the connection closes or is disposed at the
/// latest.
/// One gate per host (per database file).
/// </summary>
internal sealed class SqliteWriteGate : DbTransactionInterceptor, IDbConnectionInterceptor
{
    private static readonly object Held = new();
    private readonly WriteTurnQueue gate = new();
    private readonly ConditionalWeakTable<DbConnection, object> holders = [];

    /// <summary>A gate that is not given back within this time is a bug; fail loudly rather than hang.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    // The interceptor issues BEGIN itself, so that a BEGIN that fails (busy, cancelled) gives the gate back:
    // EF raises no "failed" event for it.
    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (!gate.Wait(MaxWait, WriteTurns.IsFirstInLine))
        {
            throw new WriteTurnTimeoutException(MaxWait);
        }

        Hold(connection);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(connection.BeginTransaction(eventData.IsolationLevel));
        }
        catch
        {
            Release(connection);
            throw;
        }
    }

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (!await gate.WaitAsync(MaxWait, WriteTurns.IsFirstInLine, cancellationToken))
        {
            throw new WriteTurnTimeoutException(MaxWait);
        }

        Hold(connection);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken));
        }
        catch
        {
            Release(connection);
            throw;
        }
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context?.Database.GetDbConnection());

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAsync(eventData.Context?.Database.GetDbConnection());

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context?.Database.GetDbConnection());

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAsync(eventData.Context?.Database.GetDbConnection());

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(eventData.Context?.Database.GetDbConnection());

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAsync(eventData.Context?.Database.GetDbConnection());

    // A transaction disposed without commit or rollback ends with its connection, closed or disposed.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData) => ReleaseAsync(connection);

    public void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData) => ReleaseAsync(connection);

    // Pooled contexts close their connection on return without EF's connection events; the connection's
    // own StateChange event is raised however it closes.
    private void Hold(DbConnection connection)
    {
        holders.AddOrUpdate(connection, Held);
        connection.StateChange += OnStateChange;
    }

    private void OnStateChange(object sender, System.Data.StateChangeEventArgs e)
    {
        if (e.CurrentState == System.Data.ConnectionState.Closed)
        {
            Release((DbConnection)sender);
        }
    }

    private void Release(DbConnection? connection)
    {
        if (connection is null)
        {
            return;
        }

        connection.StateChange -= OnStateChange;
        if (holders.Remove(connection))
        {
            gate.Release();
        }
    }

    private Task ReleaseAsync(DbConnection? connection)
    {
        Release(connection);
        return Task.CompletedTask;
    }
}

/// <summary>
/// SQLite's write turns, one at a time, in the order they were asked for; except that a turn asked for first in line
/// (<see cref="WriteTurns.FirstInLine"/>) goes before the ordinary ones waiting, though never two such turns in a row
/// while an ordinary one waits, so that ordinary writers are never starved. A waiter that gives up (timeout,
/// cancellation) is passed over; one that gives up just as its turn came passes the turn on.
/// </summary>
internal sealed class WriteTurnQueue
{
    private readonly Lock sync = new();
    private readonly Queue<TaskCompletionSource> first = new();
    private readonly Queue<TaskCompletionSource> ordinary = new();
    private bool held;
    private bool lastWasFirst;

    public bool Wait(TimeSpan timeout, bool firstInLine)
    {
        if (Ask(firstInLine) is not { } turn)
        {
            return true;
        }

        if (turn.Task.Wait(timeout) || !turn.TrySetCanceled())
        {
            return true; // given, maybe just as the wait ran out: taken
        }

        return false;
    }

    public async Task<bool> WaitAsync(TimeSpan timeout, bool firstInLine, CancellationToken ct)
    {
        if (Ask(firstInLine) is not { } turn)
        {
            return true;
        }

        try
        {
            await turn.Task.WaitAsync(timeout, ct);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            if (!turn.TrySetCanceled(CancellationToken.None))
            {
                // Given just as the wait ended: not wanted any more, so on to the next.
                Release();
            }

            if (e is TimeoutException)
            {
                return false;
            }

            throw;
        }
    }

    public void Release()
    {
        lock (sync)
        {
            while (Next() is { } next)
            {
                if (next.Turn.TrySetResult())
                {
                    lastWasFirst = next.First;
                    return; // still held, by the next
                }
            }

            held = false;
            lastWasFirst = false;
        }
    }

    /// <summary>The next waiter: first in line, unless the turn just ending was such a one and an ordinary one waits.</summary>
    private (TaskCompletionSource Turn, bool First)? Next()
    {
        if (!(lastWasFirst && ordinary.Count > 0) && first.TryDequeue(out var urgent))
        {
            return (urgent, true);
        }

        if (ordinary.TryDequeue(out var next))
        {
            return (next, false);
        }

        return first.TryDequeue(out urgent) ? (urgent, true) : null;
    }

    /// <summary>The turn at once (null), or a place in line.</summary>
    private TaskCompletionSource? Ask(bool firstInLine)
    {
        lock (sync)
        {
            if (!held)
            {
                held = true;
                return null;
            }

            // Continuations off the releasing thread, as SemaphoreSlim does for its asynchronous waiters.
            var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (firstInLine ? first : ordinary).Enqueue(turn);
            return turn;
        }
    }
}

/// <summary>How a piece of work asks for SQLite's write turn.</summary>
public static class WriteTurns
{
    private static readonly AsyncLocal<bool> FirstInLineHere = new();

    internal static bool IsFirstInLine => FirstInLineHere.Value;

    /// <summary>
    /// The transactions begun in this flow until disposed go before every ordinary one waiting: for short work that a
    /// person waits for behind a queue of writes (a search indexing what was just written). Only for work that is rare
    /// and short, or it would starve the rest.
    /// </summary>
    public static FirstInLineScope FirstInLine()
    {
        var before = FirstInLineHere.Value;
        FirstInLineHere.Value = true;
        return new FirstInLineScope(before);
    }

    public readonly struct FirstInLineScope(bool before) : IDisposable
    {
        public void Dispose() => FirstInLineHere.Value = before;
    }
}

/// <summary>No write turn came in time: a bug holds one, or the database is overwhelmed. Nothing was written.</summary>
public sealed class WriteTurnTimeoutException(TimeSpan waited)
    : TimeoutException($"No SQLite write turn within {waited}.");
