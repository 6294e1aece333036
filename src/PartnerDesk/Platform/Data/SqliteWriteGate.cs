using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// SQLite lets one transaction write at a time. Left to themselves, concurrent writers collide on its lock
/// and the driver puts their threads to sleep and retries, which costs throughput and gives long tails.
/// This gate queues transactions in the process instead, asynchronously, so that they take turns. The gate
/// is held from BEGIN to COMMIT or ROLLBACK, and let go when the connection closes at the latest.
/// One gate per host (per database file).
/// </summary>
internal sealed class SqliteWriteGate : DbTransactionInterceptor, IDbConnectionInterceptor, IDisposable
{
    private static readonly object Held = new();
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, object> holders = [];

    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        gate.Wait();
        holders.AddOrUpdate(connection, Held);
        return result;
    }

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        holders.AddOrUpdate(connection, Held);
        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context?.Database.GetDbConnection());

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Release(eventData.Context?.Database.GetDbConnection());

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context?.Database.GetDbConnection());

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Release(eventData.Context?.Database.GetDbConnection());

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(eventData.Context?.Database.GetDbConnection());

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default) =>
        Release(eventData.Context?.Database.GetDbConnection());

    // A transaction disposed without commit or rollback ends with its connection.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public void Dispose() => gate.Dispose();

    private Task Release(DbConnection? connection)
    {
        if (connection is not null && holders.Remove(connection))
        {
            gate.Release();
        }

        return Task.CompletedTask;
    }
}
