using Npgsql;

namespace PartnerDesk.Tests.Infrastructure;

/// <summary>
/// Which real database the suite runs on: SQLite by default, PostgreSQL when PD_TEST_POSTGRES holds a
/// connection string to a server (test.sh starts one). Each test class gets its own database, copied
/// from a template that the real migrations and the demo seed built once per run.
/// </summary>
public static class TestDatabase
{
    public const string DemoPassword = "Demo-Password-2026!";

    private static readonly string? PostgresServer = Environment.GetEnvironmentVariable("PD_TEST_POSTGRES");
    private static readonly string RunId = $"{Environment.ProcessId}_{DateTime.UtcNow:HHmmss}";
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "partnerdesk-tests", RunId);
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static bool templateReady;
    private static int counter;

    public static bool IsPostgres => !string.IsNullOrWhiteSpace(PostgresServer);

    public static string Provider => IsPostgres ? "Postgres" : "Sqlite";

    private static string TemplateName => $"pd_template_{RunId}";

    /// <summary>A fresh database with the demo world; returns its connection string.</summary>
    public static async Task<string> CreateAsync()
    {
        await EnsureTemplate();
        var n = Interlocked.Increment(ref counter);
        if (IsPostgres)
        {
            var name = $"pd_{RunId}_{n}";
            await using var admin = new NpgsqlConnection(Server("postgres"));
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{TemplateName}\"", admin);
            await create.ExecuteNonQueryAsync();
            return Server(name);
        }

        var file = Path.Combine(Folder, $"db{n}.sqlite");
        File.Copy(Path.Combine(Folder, "template.sqlite"), file);
        return $"Data Source={file}";
    }

    /// <summary>An empty database, for tests of what an empty start does.</summary>
    public static async Task<string> CreateEmptyAsync()
    {
        var n = Interlocked.Increment(ref counter);
        if (IsPostgres)
        {
            var name = $"pd_{RunId}_empty{n}";
            await using var admin = new NpgsqlConnection(Server("postgres"));
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
            return Server(name);
        }

        Directory.CreateDirectory(Folder);
        return $"Data Source={Path.Combine(Folder, $"empty{n}.sqlite")}";
    }

    private static async Task EnsureTemplate()
    {
        if (templateReady)
        {
            return;
        }

        await TemplateLock.WaitAsync();
        try
        {
            if (templateReady)
            {
                return;
            }

            Directory.CreateDirectory(Folder);
            string connection;
            if (IsPostgres)
            {
                await using (var admin = new NpgsqlConnection(Server("postgres")))
                {
                    await admin.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{TemplateName}\"", admin);
                    await create.ExecuteNonQueryAsync();
                }

                connection = Server(TemplateName);
            }
            else
            {
                connection = $"Data Source={Path.Combine(Folder, "template.sqlite")};Pooling=False";
            }

            // Starting the real host runs the real migrations and seeds the demo world.
            await using (var app = new PartnerDeskApp(connection))
            {
                app.CreateClient().Dispose();
            }

            if (IsPostgres)
            {
                NpgsqlConnection.ClearAllPools(); // a template must have no open connections
            }
            else
            {
                // Fold the write-ahead log into the file, so that a plain copy holds everything.
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                await using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection(connection);
                await sqlite.OpenAsync();
                await using var checkpoint = sqlite.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;";
                await checkpoint.ExecuteNonQueryAsync();
            }

            templateReady = true;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static string Server(string database) =>
        new NpgsqlConnectionStringBuilder(PostgresServer) { Database = database }.ConnectionString;
}
