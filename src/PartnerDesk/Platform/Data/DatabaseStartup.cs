using Microsoft.EntityFrameworkCore;

namespace PartnerDesk.Platform.Data;

/// <summary>At start: bring the database to the model's newest migration.</summary>
public static class DatabaseStartup
{
    public static async Task MigrateDatabase(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }
}
