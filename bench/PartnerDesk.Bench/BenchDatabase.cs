using System.Data.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Bench;

/// <summary>
/// One database under test: its schema comes from the host's own migrations and demo world, its bulk
/// data from the fastest path the database offers.
/// </summary>
public abstract class BenchDatabase
{
    public const string DemoPassword = "Bench-password-1!";

    public abstract string Name { get; }

    /// <summary>The value of PartnerDesk__Database for the host.</summary>
    public abstract string HostSetting { get; }

    public abstract string ConnectionString { get; }

    public abstract Task CreateEmpty();

    public abstract PartnerDeskDb NewContext(Caller caller, DbCommandInterceptor? interceptor = null);

    public abstract Task BulkInsert(SeedPlan plan);

    public abstract Task Drop();

    /// <summary>Removes the search index's triggers (for the create probe's comparison: what they add to a create).</summary>
    public abstract Task DropSearchTriggers();

    /// <summary>Runs the host's migrations only.</summary>
    public async Task Migrate()
    {
        await using var db = NewContext(new Caller());
        await db.Database.MigrateAsync();
    }

    /// <summary>Runs the host's migrations and demo world in process, as the host does at its first start.</summary>
    public async Task MigrateAndSeedDemo()
    {
        await using var db = NewContext(new Caller());
        await db.Database.MigrateAsync();
        await DemoWorld.Seed(db, new PasswordHasher<UserAccount>(), DemoPassword, TimeProvider.System);
    }

    /// <summary>
    /// Whether the database already holds a seed of at least that many tickets (<c>--reuse-seed true</c>: experiments on a
    /// large seed without seeding again). Any failure to read it means no.
    /// </summary>
    public virtual async Task<bool> HoldsSeed(int tickets)
    {
        try
        {
            await using var db = NewContext(new Caller());
            return await db.Tickets.IgnoreQueryFilters().CountAsync(t => t.OrganisationId == SeedPlan.Organisation) >= tickets;
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <summary>A seeded customer's id, found by its name (ids are made anew by every seed plan).</summary>
    public async Task<Guid> CustomerNamed(string name)
    {
        await using var db = NewContext(new Caller());
        return await db.Customers.IgnoreQueryFilters().Where(c => c.OrganisationId == SeedPlan.Organisation && c.Name == name).Select(c => c.Id).SingleAsync();
    }

    public async Task<long> ContosoLastNumber()
    {
        await using var db = NewContext(new Caller());
        return await db.TicketNumberCounters.Where(c => c.OrganisationId == SeedPlan.Organisation)
            .Select(c => c.LastNumber).SingleAsync();
    }

    protected static void AddParameters(DbCommand command, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@p" + i;
            command.Parameters.Add(p);
        }
    }

    protected static string TicketColumns =>
        "\"Id\", \"OrganisationId\", \"CustomerId\", \"Number\", \"Title\", \"Description\", \"Kind\", \"Severity\", \"Status\", "
        + "\"Service\", \"Channel\", \"RequesterContactId\", \"CreatedByUserId\", \"AssigneeAgentId\", \"CreatedAt\", \"UpdatedAt\", \"ResolvedAt\", "
        // Columns without a default in SQLite, whose tables migrations rebuild from the model.
        + "\"AttentionNeeded\", \"SlaWarned\", \"SlaBreached\", \"SlaState\", \"Revision\", "
        // The SLA's times the reports read.
        + "\"FirstRespondedAt\", \"FirstResponseDueAt\", \"ResolutionDueAt\"";

    protected static string MessageColumns =>
        "\"Id\", \"OrganisationId\", \"CustomerId\", \"TicketId\", \"AuthorUserId\", \"AuthorName\", \"AuthorIsAgent\", \"Body\", \"Visibility\", \"CreatedAt\"";

    protected static string CustomerColumns => "\"Id\", \"OrganisationId\", \"Name\", \"TenantId\", \"DefaultDomain\", \"CreatedAt\"";
}

/// <summary>SQLite: a file of its own; one transaction and one prepared, re-used INSERT per table.</summary>
public sealed class SqliteBenchDatabase(string folder) : BenchDatabase
{
    private readonly string path = Path.Combine(folder, "partnerdesk-bench.db");

    public override string Name => "SQLite";
    public override string HostSetting => "Sqlite";
    public override string ConnectionString => $"Data Source={path}";

    public override Task CreateEmpty()
    {
        Directory.CreateDirectory(folder);
        SqliteConnection.ClearAllPools();
        DeleteFiles();
        return Task.CompletedTask;
    }

    // Opening a missing file would make an empty one.
    public override async Task<bool> HoldsSeed(int tickets) => File.Exists(path) && await base.HoldsSeed(tickets);

    public override PartnerDeskDb NewContext(Caller caller, DbCommandInterceptor? interceptor = null)
    {
        var options = new DbContextOptionsBuilder<SqliteDb>()
            .UseSqlite(ConnectionString, s => s.MigrationsHistoryTable("__ef_migrations"));
        if (interceptor is not null)
        {
            options.AddInterceptors(interceptor);
        }

        return new SqliteDb(options.Options).For(caller, TimeProvider.System);
    }

    public override async Task BulkInsert(SeedPlan plan)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        // A rollback journal costs nothing for pages that did not exist before, unlike WAL, which would
        // write every new page twice. The host switches back to WAL at its start (DatabaseStartup).
        await Execute(connection, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF; PRAGMA cache_size=-524288;");
        await using (var transaction = connection.BeginTransaction())
        {
            // The search index's triggers queue a ticket for itself and for each of its messages (four entries a ticket,
            // each indexed later): off during the load, the rows written in one statement at the end, the triggers back as they were.
            var triggers = await SearchTriggers(connection);
            foreach (var name in triggers.Keys)
            {
                await Execute(connection, $"DROP TRIGGER \"{name}\"");
            }

            await using var customers = connection.CreateCommand();
            customers.CommandText = $"INSERT INTO \"Customers\" ({CustomerColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5)";
            AddParameters(customers, 6);
            customers.Prepare();
            var organisation = Text(SeedPlan.Organisation);
            foreach (var c in plan.Customers)
            {
                Bind(customers, Text(c.Id), organisation, c.Name, Text(c.TenantId), c.DefaultDomain, c.CreatedAt.UtcTicks);
                customers.ExecuteNonQuery();
            }

            await using var messages = connection.CreateCommand();
            messages.CommandText = $"INSERT INTO \"TicketMessages\" ({MessageColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9)";
            AddParameters(messages, 10);
            messages.Prepare();
            var words = new Random(7);

            await using var tickets = connection.CreateCommand();
            tickets.CommandText = $"INSERT INTO \"Tickets\" ({TicketColumns}) VALUES ({string.Join(", ", Enumerable.Range(0, 25).Select(i => "@p" + i))})";
            AddParameters(tickets, 25);
            tickets.Prepare();
            foreach (var t in plan.Tickets())
            {
                Bind(tickets, Text(t.Id), organisation, Text(t.CustomerId), t.Number, t.Title, t.Description, t.Kind.ToString(),
                    t.Severity.ToString(), t.Status.ToString(), t.Service, t.Channel.ToString(), null, Text(t.CreatedByUserId),
                    t.AssigneeAgentId is { } a ? Text(a) : null, t.CreatedAt.UtcTicks, t.UpdatedAt.UtcTicks, t.ResolvedAt?.UtcTicks,
                    0, 0, t.SlaBreached, "None", 0, t.FirstRespondedAt?.UtcTicks, t.FirstResponseDueAt?.UtcTicks, t.ResolutionDueAt?.UtcTicks);
                tickets.ExecuteNonQuery();
                foreach (var m in SeedPlan.Messages(SeedThread.Of(t), words))
                {
                    Bind(messages, Text(m.Id), organisation, Text(m.CustomerId), Text(m.TicketId), Text(m.AuthorUserId), m.AuthorName, m.AuthorIsAgent ? 1 : 0,
                        m.Body, m.Visibility.ToString(), m.CreatedAt.UtcTicks);
                    messages.ExecuteNonQuery();
                }
            }

            await using var counter = connection.CreateCommand();
            counter.CommandText = "UPDATE \"TicketNumberCounters\" SET \"LastNumber\" = @p0 WHERE \"OrganisationId\" = @p1";
            AddParameters(counter, 2);
            Bind(counter, plan.LastNumber, organisation);
            if (counter.ExecuteNonQuery() != 1)
            {
                throw new InvalidOperationException("Contoso has no ticket number counter: the demo world is missing.");
            }

            // As the migration's backfill (TicketSearch, SQLite): public text, then the notes; row id = slot << 40 + number.
            await using (var index = connection.CreateCommand())
            {
                index.CommandText = """
                    INSERT OR IGNORE INTO "TicketSearchOrganisations" ("OrganisationId") VALUES (@p0);
                    INSERT INTO "TicketSearchTexts" (rowid, "PublicText", "InternalText")
                    SELECT (s."Slot" << 40) + t."Number",
                           t."Title" || char(10) || t."Description"
                               || coalesce((SELECT char(10) || group_concat(m."Body", char(10)) FROM "TicketMessages" m WHERE m."TicketId" = t."Id" AND m."Visibility" = 'Public'), ''),
                           coalesce((SELECT group_concat(m."Body", char(10)) FROM "TicketMessages" m WHERE m."TicketId" = t."Id" AND m."Visibility" <> 'Public'), '')
                    FROM "Tickets" t JOIN "TicketSearchOrganisations" s ON s."OrganisationId" = t."OrganisationId"
                    WHERE t."OrganisationId" = @p0 AND t."Number" >= @p1
                    ORDER BY t."Number";
                    """;
                AddParameters(index, 2);
                Bind(index, organisation, plan.FirstNumber);
                await index.ExecuteNonQueryAsync();
            }

            foreach (var sql in triggers.Values)
            {
                await Execute(connection, sql);
            }

            transaction.Commit();
        }

        await Execute(connection, "PRAGMA journal_mode=WAL;");
    }

    public override async Task DropSearchTriggers()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        foreach (var name in (await SearchTriggers(connection)).Keys)
        {
            await Execute(connection, $"DROP TRIGGER \"{name}\"");
        }
    }

    /// <summary>The search index's triggers (migration TicketSearch) by name, with the SQL that creates each.</summary>
    private static async Task<Dictionary<string, string>> SearchTriggers(SqliteConnection connection)
    {
        var triggers = new Dictionary<string, string>();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'TicketSearch%'";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            triggers[reader.GetString(0)] = reader.GetString(1);
        }

        return triggers.Count > 0 ? triggers : throw new InvalidOperationException("The search index's triggers are missing: migration TicketSearch?");
    }

    public override Task Drop()
    {
        SqliteConnection.ClearAllPools();
        DeleteFiles();
        return Task.CompletedTask;
    }

    private void DeleteFiles()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(path + suffix);
        }
    }

    /// <summary>EF Core stores a Guid in SQLite as upper-case text.</summary>
    private static string Text(Guid id) => id.ToString().ToUpperInvariant();

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>PostgreSQL: a database of its own on the given server; binary COPY per table.</summary>
public sealed class PostgresBenchDatabase(string serverConnectionString) : BenchDatabase
{
    private const string DatabaseName = "partnerdesk_bench";

    public override string Name => "PostgreSQL";
    public override string HostSetting => "Postgres";

    public override string ConnectionString =>
        new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = DatabaseName }.ConnectionString;

    public override async Task CreateEmpty()
    {
        await Drop();
        await ExecuteOnServer($"CREATE DATABASE {DatabaseName}");
    }

    public override PartnerDeskDb NewContext(Caller caller, DbCommandInterceptor? interceptor = null)
    {
        var options = new DbContextOptionsBuilder<PostgresDb>()
            .UseNpgsql(ConnectionString, n => n.MigrationsHistoryTable("__ef_migrations"));
        if (interceptor is not null)
        {
            options.AddInterceptors(interceptor);
        }

        return new PostgresDb(options.Options).For(caller, TimeProvider.System);
    }

    public override async Task BulkInsert(SeedPlan plan)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // The search index's triggers and indexes are off during the COPYs (its statement trigger would update every
        // ticket's row, GIN entries and all, a second time for the messages); the rows are written in one statement
        // at the end and the indexes built after them, as the migration's backfill does.
        var searchIndexes = new List<string>();
        await using (var read = new NpgsqlCommand("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'TicketSearch' AND indexname <> 'TicketSearch_pkey'", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                searchIndexes.Add(reader.GetString(1));
            }
        }

        await Execute(connection, transaction, """
            ALTER TABLE "Tickets" DISABLE TRIGGER ticket_search_tickets_added;
            ALTER TABLE "TicketMessages" DISABLE TRIGGER ticket_search_messages_added;
            DROP INDEX "IX_TicketSearch_OrganisationId_Number", "IX_TicketSearch_PublicText", "IX_TicketSearch_AllText";
            """);
        await using (var customers = await connection.BeginBinaryImportAsync($"COPY \"Customers\" ({CustomerColumns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var c in plan.Customers)
            {
                await customers.StartRowAsync();
                await customers.WriteAsync(c.Id, NpgsqlDbType.Uuid);
                await customers.WriteAsync(SeedPlan.Organisation, NpgsqlDbType.Uuid);
                await customers.WriteAsync(c.Name, NpgsqlDbType.Varchar);
                await customers.WriteAsync(c.TenantId, NpgsqlDbType.Uuid);
                await customers.WriteAsync(c.DefaultDomain, NpgsqlDbType.Varchar);
                await customers.WriteAsync(c.CreatedAt, NpgsqlDbType.TimestampTz);
            }

            await customers.CompleteAsync();
        }

        var threads = new List<SeedThread>(plan.TicketCount);
        await using (var tickets = await connection.BeginBinaryImportAsync($"COPY \"Tickets\" ({TicketColumns}) FROM STDIN (FORMAT BINARY)"))
        {
            tickets.Timeout = TimeSpan.FromMinutes(30);
            foreach (var t in plan.Tickets())
            {
                threads.Add(SeedThread.Of(t));
                await tickets.StartRowAsync();
                await tickets.WriteAsync(t.Id, NpgsqlDbType.Uuid);
                await tickets.WriteAsync(SeedPlan.Organisation, NpgsqlDbType.Uuid);
                await tickets.WriteAsync(t.CustomerId, NpgsqlDbType.Uuid);
                await tickets.WriteAsync(t.Number, NpgsqlDbType.Bigint);
                await tickets.WriteAsync(t.Title, NpgsqlDbType.Varchar);
                await tickets.WriteAsync(t.Description, NpgsqlDbType.Varchar);
                await tickets.WriteAsync(t.Kind.ToString(), NpgsqlDbType.Varchar);
                await tickets.WriteAsync(t.Severity.ToString(), NpgsqlDbType.Varchar);
                await tickets.WriteAsync(t.Status.ToString(), NpgsqlDbType.Varchar);
                await WriteNullable(tickets, t.Service, NpgsqlDbType.Varchar);
                await tickets.WriteAsync(t.Channel.ToString(), NpgsqlDbType.Varchar);
                await tickets.WriteNullAsync();
                await tickets.WriteAsync(t.CreatedByUserId, NpgsqlDbType.Uuid);
                await WriteNullable(tickets, t.AssigneeAgentId, NpgsqlDbType.Uuid);
                await tickets.WriteAsync(t.CreatedAt, NpgsqlDbType.TimestampTz);
                await tickets.WriteAsync(t.UpdatedAt, NpgsqlDbType.TimestampTz);
                await WriteNullable(tickets, t.ResolvedAt, NpgsqlDbType.TimestampTz);
                await tickets.WriteAsync(false, NpgsqlDbType.Boolean);
                await tickets.WriteAsync(0, NpgsqlDbType.Integer);
                await tickets.WriteAsync(t.SlaBreached, NpgsqlDbType.Integer);
                await tickets.WriteAsync("None", NpgsqlDbType.Varchar);
                await tickets.WriteAsync(0, NpgsqlDbType.Integer);
                await WriteNullable(tickets, t.FirstRespondedAt, NpgsqlDbType.TimestampTz);
                await WriteNullable(tickets, t.FirstResponseDueAt, NpgsqlDbType.TimestampTz);
                await WriteNullable(tickets, t.ResolutionDueAt, NpgsqlDbType.TimestampTz);
            }

            await tickets.CompleteAsync();
        }

        await using (var messages = await connection.BeginBinaryImportAsync($"COPY \"TicketMessages\" ({MessageColumns}) FROM STDIN (FORMAT BINARY)"))
        {
            messages.Timeout = TimeSpan.FromMinutes(30);
            var words = new Random(7);
            foreach (var m in threads.SelectMany(t => SeedPlan.Messages(t, words)))
            {
                await messages.StartRowAsync();
                await messages.WriteAsync(m.Id, NpgsqlDbType.Uuid);
                await messages.WriteAsync(SeedPlan.Organisation, NpgsqlDbType.Uuid);
                await messages.WriteAsync(m.CustomerId, NpgsqlDbType.Uuid);
                await messages.WriteAsync(m.TicketId, NpgsqlDbType.Uuid);
                await messages.WriteAsync(m.AuthorUserId, NpgsqlDbType.Uuid);
                await messages.WriteAsync(m.AuthorName, NpgsqlDbType.Varchar);
                await messages.WriteAsync(m.AuthorIsAgent, NpgsqlDbType.Boolean);
                await messages.WriteAsync(m.Body, NpgsqlDbType.Varchar);
                await messages.WriteAsync(m.Visibility.ToString(), NpgsqlDbType.Varchar);
                await messages.WriteAsync(m.CreatedAt, NpgsqlDbType.TimestampTz);
            }

            await messages.CompleteAsync();
        }

        await using (var counter = new NpgsqlCommand("UPDATE \"TicketNumberCounters\" SET \"LastNumber\" = $1 WHERE \"OrganisationId\" = $2", connection, transaction))
        {
            counter.Parameters.Add(new NpgsqlParameter { Value = plan.LastNumber });
            counter.Parameters.Add(new NpgsqlParameter { Value = SeedPlan.Organisation });
            if (await counter.ExecuteNonQueryAsync() != 1)
            {
                throw new InvalidOperationException("Contoso has no ticket number counter: the demo world is missing.");
            }
        }

        // The migration's backfill (TicketSearch, PostgreSQL) for the seeded tickets, then the indexes as they were.
        await Execute(connection, transaction, $$"""
            INSERT INTO "TicketSearch" ("TicketId", "OrganisationId", "Number", "PublicText", "AllText")
            SELECT t."Id", t."OrganisationId", t."Number", p.words, p.words || ticket_search_words(i.body)
            FROM "Tickets" t
                LEFT JOIN LATERAL (SELECT string_agg(m."Body", E'\n') FILTER (WHERE m."Visibility" = 'Public') AS public_body,
                                          string_agg(m."Body", E'\n') FILTER (WHERE m."Visibility" <> 'Public') AS body
                                   FROM "TicketMessages" m WHERE m."TicketId" = t."Id") i ON true
                CROSS JOIN LATERAL (SELECT ticket_search_words(t."Title" || E'\n' || t."Description" || E'\n' || coalesce(i.public_body, ''))) AS p(words)
            WHERE NOT EXISTS (SELECT 1 FROM "TicketSearch" s WHERE s."TicketId" = t."Id");
            {{string.Join(";\n", searchIndexes)}};
            ALTER TABLE "Tickets" ENABLE TRIGGER ticket_search_tickets_added;
            ALTER TABLE "TicketMessages" ENABLE TRIGGER ticket_search_messages_added;
            """);

        await transaction.CommitAsync();
        // Autovacuum would get here a minute later on a real server; the bench should not measure that minute.
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE \"Customers\", \"Tickets\", \"TicketMessages\", \"TicketSearch\"", connection);
        vacuum.CommandTimeout = 600;
        await vacuum.ExecuteNonQueryAsync();
    }

    public override async Task Drop()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServer($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)");
    }

    public override async Task DropSearchTriggers()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await Execute(connection, null, """
            DROP TRIGGER ticket_search_tickets_added ON "Tickets";
            DROP TRIGGER ticket_search_ticket_changed ON "Tickets";
            DROP TRIGGER ticket_search_messages_added ON "TicketMessages";
            DROP TRIGGER ticket_search_message_changed ON "TicketMessages";
            """);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 1800 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WriteNullable<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            await importer.WriteNullAsync();
        }
        else
        {
            await importer.WriteAsync(value, type);
        }
    }

    private async Task ExecuteOnServer(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
