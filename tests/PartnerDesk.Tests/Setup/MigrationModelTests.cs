using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Tests.Setup;

/// <summary>
/// Each database's migrations build exactly today's model: a change to an entity or its configuration without a
/// migration (or a filter written one way in the model and another in a migration) fails here, not at a partner's
/// first start on a new version. No connection is opened; both databases are checked on every run.
/// </summary>
public sealed class MigrationModelTests
{
    [Fact]
    public void The_SQLite_migrations_build_todays_model()
    {
        using var db = new SqliteDb(new DbContextOptionsBuilder<SqliteDb>().UseSqlite("Data Source=:memory:", s => s.MigrationsHistoryTable("__ef_migrations")).Options);
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no SQLite migration carries: dotnet ef migrations add … --context SqliteDb");
    }

    [Fact]
    public void The_PostgreSQL_migrations_build_todays_model()
    {
        using var db = new PostgresDb(new DbContextOptionsBuilder<PostgresDb>().UseNpgsql("Host=localhost;Database=partnerdesk", n => n.MigrationsHistoryTable("__ef_migrations")).Options);
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no PostgreSQL migration carries: dotnet ef migrations add … --context PostgresDb");
    }
}
