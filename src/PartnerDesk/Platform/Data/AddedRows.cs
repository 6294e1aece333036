using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// Writes a save that only adds rows (filing a ticket adds the ticket, its history line, the audit entry, a hand-over, a
/// mail) with INSERTs whose text is built once per table (a command per row on SQLite, one batch on PostgreSQL), instead
/// of through EF Core's update pipeline, which builds every INSERT's SQL and parameters anew and sorts the commands at
/// every save: a third of what a create allocated (bench/README.md, "Rows written directly"; decisions 8p.4). Values are converted and bound by the same
/// type mappings EF uses, and a column the database fills (an identity key, a default) is read back as EF reads it.
/// A save that changes or removes anything, or adds a row of a shape this does not write exactly as EF would (owned
/// or complex types, collections in a column, a type that refers to itself, a database-filled key that another table
/// refers to), goes through EF unchanged.
/// </summary>
internal static class AddedRows
{
    private static readonly ConcurrentDictionary<IEntityType, Table?> Tables = new();
    private static readonly ConcurrentDictionary<(IEntityType Type, ulong ReadBack), Statement> Statements = new();

    /// <summary>
    /// Writes the added rows when the save only adds and every row's table is one this writes; returns how many rows
    /// it wrote, or null when EF must write the save. The change tracker must be up to date (the caller compared).
    /// </summary>
    public static async ValueTask<int?> TryWrite(PartnerDeskDb db, CancellationToken ct)
    {
        List<(EntityEntry Entry, Table Table)>? added = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.State)
            {
                case EntityState.Unchanged:
                    continue;
                case EntityState.Added when TableOf(entry.Metadata) is { } table:
                    (added ??= []).Add((entry, table));
                    continue;
                default:
                    return null;
            }
        }

        if (added is null)
        {
            return null;
        }

        // A row before any row that refers to it, as the database checks each foreign key at once.
        // Stable, so that rows of one table keep the order they were added in (their identity keys follow it).
        if (added.Count > 1)
        {
            added = [.. added.OrderBy(static a => a.Table.Rank)];
        }

        var isPostgres = db.Database.IsNpgsql();
        var rows = new (EntityEntry Entry, Statement Statement)[added.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var (entry, table) = added[i];
            var readBack = ReadBackMask(entry, table);
            if (readBack == ulong.MaxValue)
            {
                return null;
            }

            rows[i] = (entry, Statements.GetOrAdd((entry.Metadata, readBack), static (key, arg) => Statement.Build(arg.table, key.ReadBack, arg.isPostgres), (table, isPostgres)));
        }

        var transaction = db.Database.CurrentTransaction;
        var entries = added.ConvertAll(a => a.Entry);

        // SQLite: a command per row, in a transaction when there are several (begun through EF, so that the write gate
        // holds it); each command binds only its own parameters. PostgreSQL: one batch, one round trip, which it runs as
        // one implicit transaction when no transaction is open. Inside a caller's transaction a savepoint, as EF sets:
        // a failed save leaves that transaction as it was, and usable (on PostgreSQL a failed statement aborts it).
        var own = transaction is null && !isPostgres && rows.Length > 1 ? await db.Database.BeginTransactionAsync(ct) : null;
        var savepoint = transaction is { SupportsSavepoints: true } && db.Database.AutoSavepointsEnabled;
        List<(EntityEntry Entry, IProperty Property, object? Value)> generated;
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                if (savepoint)
                {
                    await transaction!.CreateSavepointAsync(Savepoint, ct);
                }

                generated = await Write(db.Database.GetDbConnection(), (transaction ?? own)?.GetDbTransaction(), isPostgres, rows, entries, ct);
                if (savepoint)
                {
                    await transaction!.ReleaseSavepointAsync(Savepoint, ct);
                }
            }
            catch when (savepoint)
            {
                await transaction!.RollbackToSavepointAsync(Savepoint, CancellationToken.None);
                throw;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            if (own is not null)
            {
                await own.CommitAsync(ct);
            }
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }

        // The database's values reach the entities only once the rows are written for good, as EF keeps them aside.
        foreach (var (entry, property, value) in generated)
        {
            var propertyEntry = entry.Property(property);
            propertyEntry.CurrentValue = value;
            propertyEntry.IsTemporary = false;
        }

        db.ChangeTracker.AcceptAllChanges();
        db.SavesWrittenDirectly++;
        return rows.Length;
    }

    private const string Savepoint = "__EFSavePoint";

    /// <summary>
    /// Runs the INSERTs. As EF does, whatever the database or its driver refuses while running them (a key taken, a value
    /// it cannot store) is the save's failure, a <see cref="DbUpdateException"/>; opening the connection and the commit are not.
    /// </summary>
    private static async Task<List<(EntityEntry Entry, IProperty Property, object? Value)>> Write(
        DbConnection connection, DbTransaction? transaction, bool isPostgres, (EntityEntry Entry, Statement Statement)[] rows, List<EntityEntry> entries, CancellationToken ct)
    {
        var generated = new List<(EntityEntry Entry, IProperty Property, object? Value)>();
        int written;
        try
        {
            written = isPostgres
                ? await WriteBatch(connection, transaction, rows, generated, ct)
                : await WriteOneByOne(connection, transaction, rows, generated, ct);
        }
        catch (Exception e) when (e is not DbUpdateException and not OperationCanceledException)
        {
            throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", e, entries);
        }

        if (written != rows.Length)
        {
            throw new DbUpdateException($"{rows.Length} rows were to be added, the database added {written}.", entries);
        }

        return generated;
    }

    private static async Task<int> WriteOneByOne(
        DbConnection connection, DbTransaction? transaction, (EntityEntry Entry, Statement Statement)[] rows, List<(EntityEntry, IProperty, object?)> generated, CancellationToken ct)
    {
        var written = 0;
        foreach (var (entry, statement) in rows)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement.Sql;
            Bind(command.Parameters, command, entry, statement);
            if (statement.Read.Length == 0)
            {
                written += await command.ExecuteNonQueryAsync(ct);
                continue;
            }

            await using var reader = await command.ExecuteReaderAsync(ct);
            await ReadBack(reader, entry, statement, generated, ct);
            written += reader.RecordsAffected;
        }

        return written;
    }

    private static async Task<int> WriteBatch(
        DbConnection connection, DbTransaction? transaction, (EntityEntry Entry, Statement Statement)[] rows, List<(EntityEntry, IProperty, object?)> generated, CancellationToken ct)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;

        // EF's type mappings make a parameter only through a command; this one is never run, its parameters move on to
        // the row's batch command. Cheaper than a command per row, which a batch does not need.
        await using var factory = connection.CreateCommand();
        var reads = false;
        foreach (var (entry, statement) in rows)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = statement.Sql;
            Bind(command.Parameters, factory, entry, statement);
            batch.BatchCommands.Add(command);
            reads |= statement.Read.Length > 0;
        }

        if (!reads)
        {
            return await batch.ExecuteNonQueryAsync(ct);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var first = true;
        foreach (var (entry, statement) in rows)
        {
            // Statements without RETURNING give no result set: the reader's next result is the next row that reads back.
            if (statement.Read.Length > 0)
            {
                if (!first && !await reader.NextResultAsync(ct))
                {
                    throw new InvalidOperationException("An added row's generated values did not come back.");
                }

                first = false;
                await ReadBack(reader, entry, statement, generated, ct);
            }
        }

        while (await reader.NextResultAsync(ct))
        {
        }

        return reader.RecordsAffected;
    }

    /// <summary>The row's values as parameters; the mapping converts each (an enum's name, SQLite's ticks) and binds it as EF would.</summary>
    private static void Bind(DbParameterCollection parameters, DbCommand factory, EntityEntry entry, Statement statement)
    {
        var values = entry.CurrentValues;
        var table = statement.Table;
        for (var i = 0; i < statement.Written.Length; i++)
        {
            var column = statement.Written[i];
            var property = table.Properties[column];
            parameters.Add(table.Mappings[column].CreateParameter(factory, statement.ParameterNames[i], values[property], property.IsNullable));
        }
    }

    /// <summary>Reads the row's values the database filled in, to be set on its entry once the save has succeeded.</summary>
    private static async Task ReadBack(DbDataReader reader, EntityEntry entry, Statement statement, List<(EntityEntry, IProperty, object?)> generated, CancellationToken ct)
    {
        if (!await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException("An added row's generated values did not come back.");
        }

        for (var c = 0; c < statement.Read.Length; c++)
        {
            var property = statement.Table.Properties[statement.Read[c]];
            var converter = statement.Table.Mappings[statement.Read[c]].Converter;
            var provider = converter?.ProviderClrType ?? property.ClrType;
            var value = reader.IsDBNull(c) ? null
                : Convert.ChangeType(reader.GetValue(c), Nullable.GetUnderlyingType(provider) ?? provider, System.Globalization.CultureInfo.InvariantCulture);
            generated.Add((entry, property, value is null || converter is null ? value : converter.ConvertFromProvider(value)));
        }

        // SQLite counts the row once its statement has run to the end.
        while (await reader.ReadAsync(ct))
        {
        }
    }

    /// <summary>
    /// Which of the row's columns the database fills, as EF decides it: a column that generates its value on add and was
    /// given none (a temporary or default value). <see cref="ulong.MaxValue"/> when such a column is one this cannot read back.
    /// </summary>
    private static ulong ReadBackMask(EntityEntry entry, Table table)
    {
        if (table.Generated.Length == 0)
        {
            return 0;
        }

        var values = entry.CurrentValues;
        ulong mask = 0;
        foreach (var column in table.Generated)
        {
            var property = table.Properties[column];
            var value = values[property];
            if (Equals(value, property.Sentinel) || entry.Property(property).IsTemporary)
            {
                if (!table.Readable[column])
                {
                    return ulong.MaxValue;
                }

                mask |= 1UL << column;
            }
        }

        return mask;
    }

    private static Table? TableOf(IEntityType type) => Tables.GetOrAdd(type, Table.Of);

    /// <summary>How one entity type is written, or null when this writer leaves it to EF.</summary>
    private sealed class Table
    {
        public required string Name { get; init; }
        public required IProperty[] Properties { get; init; }
        public required string[] Columns { get; init; }

        /// <summary>Each column's type mapping: it converts a value (its converter) and binds it as EF binds it.</summary>
        public required RelationalTypeMapping[] Mappings { get; init; }

        /// <summary>Columns that may be filled by the database on add.</summary>
        public required int[] Generated { get; init; }

        /// <summary>Whether a generated column's value can be read back here (a number, text or a flag no other table refers to).</summary>
        public required bool[] Readable { get; init; }

        /// <summary>How far down the foreign keys the table is: rows are written in this order.</summary>
        public required int Rank { get; init; }

        public static Table? Of(IEntityType type)
        {
            if (type.GetTableName() is not { } name || type.IsOwned() || type.GetComplexProperties().Any() || type.GetNavigations().Any(n => n.TargetEntityType.IsOwned())
                || type.BaseType is not null || type.GetDirectlyDerivedTypes().Any() || type.GetMappingStrategy() is not null && type.GetMappingStrategy() != RelationalAnnotationNames.TphMappingStrategy
                || type.GetViewName() is not null || type.GetSqlQuery() is not null || type.GetFunctionName() is not null
                || type.GetTableMappings().Count() != 1 || type.GetTableMappings().Single().Table.EntityTypeMappings.Count() != 1 || type.GetForeignKeys().Any(fk => fk.PrincipalEntityType == type) || RankOf(type, []) is not { } rank)
            {
                return null;
            }

            var store = StoreObjectIdentifier.Table(name, type.GetSchema());
            var properties = type.GetProperties().ToArray();
            if (properties.Length > 64 || properties.Any(p => p.IsPrimitiveCollection || p.GetColumnName(store) is null || p.GetComputedColumnSql() is not null))
            {
                return null;
            }

            if (properties.Any(p => p.GetBeforeSaveBehavior() != PropertySaveBehavior.Save))
            {
                return null;
            }

            var mappings = properties.Select(p => (RelationalTypeMapping)p.GetTypeMapping()).ToArray();
            var generated = Enumerable.Range(0, properties.Length).Where(i => properties[i].ValueGenerated.HasFlag(ValueGenerated.OnAdd)).ToArray();
            var schema = type.GetSchema();
            return new Table
            {
                Name = schema is null ? Quote(name) : Quote(schema) + "." + Quote(name),
                Properties = properties,
                Columns = [.. properties.Select(p => Quote(p.GetColumnName(store)!))],
                Mappings = mappings,
                Generated = generated,
                // A key the database fills and another table refers to: a row added beside it would need the value first.
                Readable = [.. properties.Select((p, i) => IsReadable(mappings[i].Converter?.ProviderClrType ?? p.ClrType)
                    && !type.GetReferencingForeignKeys().Any(fk => fk.PrincipalKey.Properties.Contains(p)))],
                Rank = rank,
            };
        }

        private static bool IsReadable(Type type) =>
            (Nullable.GetUnderlyingType(type) ?? type) is var t && (t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(string) || t == typeof(bool));

        // Both databases quote names with double quotes; names here come from the model, never from a caller.
        private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

        private static int? RankOf(IEntityType type, HashSet<IEntityType> path)
        {
            if (!path.Add(type))
            {
                return null;
            }

            var rank = 0;
            foreach (var foreignKey in type.GetForeignKeys())
            {
                if (foreignKey.PrincipalEntityType == type)
                {
                    continue; // the type itself is not written here (below), but the types below it may be
                }

                if (RankOf(foreignKey.PrincipalEntityType, path) is not { } above)
                {
                    return null;
                }

                rank = Math.Max(rank, above + 1);
            }

            path.Remove(type);
            return rank;
        }
    }

    /// <summary>One INSERT of one table with one set of database-filled columns; its parameters @p0… (SQLite) or $1… (PostgreSQL).</summary>
    private sealed class Statement
    {
        public required Table Table { get; init; }
        public required string Sql { get; init; }
        public required int[] Written { get; init; }
        /// <summary>@p0… on SQLite; empty on PostgreSQL, whose positional $1… take unnamed parameters.</summary>
        public required string[] ParameterNames { get; init; }
        public required int[] Read { get; init; }

        public static Statement Build(Table table, ulong readBack, bool isPostgres)
        {
            var written = Enumerable.Range(0, table.Properties.Length).Where(i => (readBack & (1UL << i)) == 0).ToArray();
            var read = Enumerable.Range(0, table.Properties.Length).Where(i => (readBack & (1UL << i)) != 0).ToArray();
            var sql = new StringBuilder("INSERT INTO ").Append(table.Name);
            if (written.Length == 0)
            {
                sql.Append(" DEFAULT VALUES");
            }
            else
            {
                sql.Append(" (").AppendJoin(", ", written.Select(i => table.Columns[i])).Append(") VALUES (")
                    .AppendJoin(", ", written.Select((_, n) => isPostgres ? "$" + (n + 1) : "@p" + n)).Append(')');
            }

            if (read.Length > 0)
            {
                sql.Append(" RETURNING ").AppendJoin(", ", read.Select(i => table.Columns[i]));
            }

            return new Statement
            {
                Table = table,
                Sql = sql.ToString(),
                Written = written,
                ParameterNames = [.. written.Select((_, n) => isPostgres ? "" : "@p" + n)],
                Read = read,
            };
        }
    }
}
