using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace PartnerDesk.Platform.Data;

/// <summary>What a failed save means, for a catch that expects one kind of failure and lets every other one through.</summary>
public static class DbFailures
{
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    /// <summary>
    /// A unique index refused a row: the same thing was saved a moment earlier (two requests racing, a double click).
    /// Any other failure (a foreign key, a value the column cannot hold, an outage) is not this, and should reach the
    /// host, which answers it and logs it once (decisions 8y).
    /// </summary>
    public static bool IsDuplicate(DbUpdateException e) => e is not DbUpdateConcurrencyException && e.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        _ => false,
    };

    /// <summary>Saved a moment earlier by someone else: a unique index's refusal, or a row changed or removed meanwhile.</summary>
    public static bool IsRace(DbUpdateException e) => e is DbUpdateConcurrencyException || IsDuplicate(e);

    /// <summary>
    /// Whether the database failed somewhere in the chain: EF wraps a transient failure in an InvalidOperationException,
    /// which a caller of another service must not take for that service's failure.
    /// </summary>
    public static bool InChain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is DbException)
            {
                return true;
            }
        }

        return false;
    }
}
