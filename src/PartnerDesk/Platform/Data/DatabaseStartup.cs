using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace PartnerDesk.Platform.Data;

/// <summary>At start: bring the database to the model's newest migration.</summary>
public static class DatabaseStartup
{
    public static async Task MigrateDatabase(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        if (db.Database.IsNpgsql())
        {
            await CreateHistoryTable(db);
        }

        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }

    /// <summary>
    /// On an empty PostgreSQL database EF reads its migrations table before it creates it, and logs the failed read as
    /// an error ("Failed executing DbCommand", npgsql/efcore.pg#3407) on a start that is healthy. Created first, with
    /// EF's own script (IF NOT EXISTS), the read finds it. Two instances starting at once may both create it: the
    /// loser's duplicate is harmless.
    /// </summary>
    private static async Task CreateHistoryTable(PartnerDeskDb db)
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript());
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
        }
    }
}
