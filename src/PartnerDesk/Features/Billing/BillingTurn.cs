using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Billing;

/// <summary>
/// Closing a customer's month and changing its time take turns, so that a time entry either lands in the
/// statement that closes or sees the month closed and is refused; never in a closed month unbilled. Taken
/// inside the caller's transaction and held until it ends. On PostgreSQL a transaction-scoped advisory lock
/// per customer (read committed: what is read after it includes the other's commit); on SQLite the
/// transaction already holds the host's write turn (<see cref="SqliteWriteGate"/>) from BEGIN to COMMIT.
/// </summary>
public static class BillingTurn
{
    public static async Task Take(PartnerDeskDb db, Guid customerId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The billing turn is held by a transaction: begin one first.");
        }

        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({Key(customerId)})", ct);
        }
    }

    /// <summary>The customer's lock key: two customers sharing one only wait for each other.</summary>
    public static long Key(Guid customerId)
    {
        Span<byte> bytes = stackalloc byte[16];
        customerId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }
}
