using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Data;

public static class DataSetup
{
    public const string ConnectionName = "PartnerDesk";
    public const string DefaultSqlite = "Data Source=data/partnerdesk.db";

    public static IServiceCollection AddPartnerDeskData(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(PartnerDeskOptions.Section).Get<PartnerDeskOptions>() ?? new PartnerDeskOptions();
        var connection = configuration.GetConnectionString(ConnectionName);
        services.AddScoped<Caller>();
        services.AddSingleton<AgentReach>();
        services.Configure<Outbox.OutboxOptions>(configuration.GetSection(Outbox.OutboxOptions.Section));
        services.AddSingleton<Outbox.OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Outbox.OutboxDispatcher>());
        services.AddHostedService<Housekeeping>();
        services.AddHttpContextAccessor();
        services.Configure<Audit.AuditOptions>(configuration.GetSection(Audit.AuditOptions.Section));
        services.AddSingleton<Audit.AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<Audit.AuditWriter>());
        services.AddSingleton<ICleanup, Audit.AuditRetention>();
        services.AddSingleton(TimeProvider.System);
        if (options.UsePostgres)
        {
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new InvalidOperationException("PartnerDesk__Database is Postgres: set ConnectionStrings__PartnerDesk.");
            }

            // Prepared statements spare the planning of the queries the host sends most.
            var npgsql = new Npgsql.NpgsqlConnectionStringBuilder(connection);
            if (!connection.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                npgsql.MaxAutoPrepare = 50;
            }

            connection = npgsql.ConnectionString;
            services.AddPooledDbContextFactory<PostgresDb>((sp, o) => o.UseNpgsql(connection, n => n.MigrationsHistoryTable("__ef_migrations"))
                .AddInterceptors(sp.GetServices<IInterceptor>()).ConfigureWarnings(Quiet));
            services.AddScoped<PartnerDeskDb>(Rent<PostgresDb>);
        }
        else
        {
            var sqlite = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(connection) ? DefaultSqlite : connection);
            if (Path.GetDirectoryName(Path.GetFullPath(sqlite.DataSource)) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }

            services.AddSingleton<SqliteWriteGate>();
            services.AddPooledDbContextFactory<SqliteDb>((sp, o) => o.UseSqlite(sqlite.ToString(), s => s.MigrationsHistoryTable("__ef_migrations"))
                .AddInterceptors([SqlitePragmas.Instance, sp.GetRequiredService<SqliteWriteGate>(), .. sp.GetServices<IInterceptor>()]).ConfigureWarnings(Quiet));
            services.AddScoped<PartnerDeskDb>(Rent<SqliteDb>);
        }

        return services;
    }

    /// <summary>A pooled context for the scope's caller; disposing the scope returns it to the pool.</summary>
    private static PartnerDeskDb Rent<T>(IServiceProvider services)
        where T : PartnerDeskDb =>
        services.GetRequiredService<IDbContextFactory<T>>().CreateDbContext()
            .For(services.GetRequiredService<Caller>(), services.GetRequiredService<TimeProvider>());

    /// <summary>
    /// Filters on both ends of a required relationship are intended: each end enforces isolation itself.
    /// A failed command, query, save, transaction or connection is its exception's to tell: whoever handles it (a 409 for a
    /// conflict, a 503 for an outage, a job's next round) decides what to log, and the host logs once what nobody handled.
    /// EF's own lines for it, three or four at Error for one failure, made every handled conflict and every request during a
    /// database outage several `fail` lines (decisions 8y). They stay at Debug for whoever looks closer.
    /// </summary>
    private static void Quiet(WarningsConfigurationBuilder w) => w
        .Ignore(CoreEventId.PossibleIncorrectRequiredNavigationWithQueryFilterInteractionWarning)
        .Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug));

    /// <summary>
    /// NORMAL sync is safe with WAL (set once at start) and spares an fsync per commit. busy_timeout lets
    /// SQLite wait for the write lock in small steps instead of failing to the driver's coarse retry.
    /// cache_size: SQLite keeps a page cache per connection (2 MB by default), the pool keeps a connection per request
    /// served at once, and in WAL mode a connection empties its cache whenever another one has committed since its last
    /// read, so under writes the cache rarely outlives a request; the pages come from the OS's file cache instead.
    /// 256 KB a connection: figures in decisions 8p.6.
    /// </summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        // The native connection is pooled and keeps its settings: set them once per native connection,
        // not at every open.
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = [];

        private const int CacheKiB = 256;

        private static void Apply(DbConnection connection)
        {
            var handle = (connection as SqliteConnection)?.Handle;
            if (handle is not null && Configured.TryGetValue(handle, out _))
            {
                return;
            }

            using var command = connection.CreateCommand();
            // Wait for the write lock as long as a command may take (Default Timeout, 30 s unless set).
            var timeout = connection is SqliteConnection sqlite ? sqlite.DefaultTimeout : 30;
            command.CommandText = $"PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={timeout * 1000}; PRAGMA cache_size=-{CacheKiB};";
            command.ExecuteNonQuery();
            if (handle is not null)
            {
                Configured.AddOrUpdate(handle, handle);
            }
        }
    }
}

/// <summary>Used by `dotnet ef migrations add … --context SqliteDb`.</summary>
internal sealed class SqliteDbDesignFactory : IDesignTimeDbContextFactory<SqliteDb>
{
    public SqliteDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteDb>().UseSqlite(DataSetup.DefaultSqlite, s => s.MigrationsHistoryTable("__ef_migrations")).Options);
}

/// <summary>Used by `dotnet ef migrations add … --context PostgresDb`.</summary>
internal sealed class PostgresDbDesignFactory : IDesignTimeDbContextFactory<PostgresDb>
{
    public PostgresDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresDb>().UseNpgsql("Host=localhost;Database=partnerdesk", n => n.MigrationsHistoryTable("__ef_migrations")).Options);
}
