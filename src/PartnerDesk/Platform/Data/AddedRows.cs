using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// Writes a save that only adds rows (filing a ticket adds the ticket, its history line, the audit entry, a hand-over, a
/// mail) as one command of INSERTs whose text is built once per table, instead of through EF Core's update pipeline,
/// which builds every INSERT's SQL and parameters anew and sorts the commands at every save: a third of what a create
/// allocated (bench/README.md, "Rows written directly"; decisions 8p.4). Values are converted and bound by the same
/// type mappings EF uses, and a column the database fills (an identity key, a default) is read back as EF reads it.
/// A save that changes or removes anything, or adds a row of a shape this does not write exactly as EF would (owned
/// or complex types, collections in a column, a type that refers to itself, a database-filled key that another table
/// refers to), goes through EF unchanged.
/// </summary>
internal static class AddedRows
{
    private static readonly ConcurrentDictionary<IEntityType, Table?> Tables = new();
    private static readonly ConcurrentDictionary<(IEntityType Type, ulong ReadBack, int First), Statement> Statements = new();

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
        if (added.Count > 1)
        {
            added.Sort(static (a, b) => a.Table.Rank.CompareTo(b.Table.Rank));
        }

        // PostgreSQL: one batch, a command per row, sent in one round trip (its positional parameters allow one statement
        // a command). SQLite: one command of several statements, which it runs one after another.
        var isPostgres = db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        await using var batch = isPostgres ? connection.CreateBatch() : null;
        var text = isPostgres ? null : new StringBuilder();
        var reads = new List<(EntityEntry Entry, Statement Statement)>();
        foreach (var (entry, table) in added)
        {
            var values = entry.CurrentValues;
            var readBack = ReadBackMask(entry, table, values);
            if (readBack == ulong.MaxValue)
            {
                return null;
            }

            var statement = Statements.GetOrAdd((entry.Metadata, readBack, command.Parameters.Count), static (key, arg) => Statement.Build(arg.table, key.ReadBack, key.First, arg.isPostgres), (table, isPostgres));
            var parameters = command.Parameters;
            if (batch is not null)
            {
                var row = batch.CreateBatchCommand();
                row.CommandText = statement.Sql;
                batch.BatchCommands.Add(row);
                parameters = row.Parameters;
            }
            else
            {
                text!.Append(statement.Sql);
            }

            foreach (var column in statement.Written)
            {
                // The mapping converts the value (an enum's name, SQLite's ticks) and binds it as EF would.
                parameters.Add(table.Mappings[column].CreateParameter(
                    command, isPostgres ? "" : "p" + parameters.Count, values[table.Properties[column]], table.Properties[column].IsNullable));
            }

            if (statement.Read.Length > 0)
            {
                reads.Add((entry, statement));
            }
        }

        command.CommandText = text?.ToString() ?? "";
        var transaction = db.Database.CurrentTransaction;

        // SQLite runs the statements one by one: more than one needs a transaction to be one write (begun through EF, so
        // that the write gate holds it). PostgreSQL runs one command's statements as one implicit transaction.
        var own = transaction is null && !isPostgres && added.Count > 1 ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                command.Transaction = (transaction ?? own)?.GetDbTransaction();
                if (batch is not null)
                {
                    batch.Connection = connection;
                    batch.Transaction = transaction?.GetDbTransaction();
                }

                var rows = reads.Count == 0
                    ? await (batch?.ExecuteNonQueryAsync(ct) ?? command.ExecuteNonQueryAsync(ct))
                    : await ReadBack(await (batch?.ExecuteReaderAsync(ct) ?? command.ExecuteReaderAsync(ct)), reads, ct);
                if (rows != added.Count)
                {
                    throw new DbUpdateException($"{added.Count} rows were to be added, the database added {rows}.", [.. added.Select(a => a.Entry)]);
                }
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
        catch (Exception e) when (e is not DbUpdateException and not OperationCanceledException)
        {
            // As EF does: whatever the database or its driver refused (a key taken, a value it cannot store) is the save's failure.
            throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", e, [.. added.Select(a => a.Entry)]);
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }

        db.ChangeTracker.AcceptAllChanges();
        db.SavesWrittenDirectly++;
        return added.Count;
    }

    /// <summary>Runs the command, reading back what the database filled in; returns the rows it added.</summary>
    private static async Task<int> ReadBack(DbDataReader rows, List<(EntityEntry Entry, Statement Statement)> reads, CancellationToken ct)
    {
        await using var reader = rows;
        for (var i = 0; i < reads.Count; i++)
        {
            // Statements without RETURNING give no result set: each reader's result is the next statement that reads.
            if ((i > 0 && !await reader.NextResultAsync(ct)) || !await reader.ReadAsync(ct))
            {
                throw new InvalidOperationException("An added row's generated values did not come back.");
            }

            var (entry, statement) = reads[i];
            for (var c = 0; c < statement.Read.Length; c++)
            {
                var property = statement.Table.Properties[statement.Read[c]];
                var converter = statement.Table.Converters[statement.Read[c]];
                var provider = converter?.ProviderClrType ?? property.ClrType;
                var raw = Convert.ChangeType(reader.GetValue(c), Nullable.GetUnderlyingType(provider) ?? provider, System.Globalization.CultureInfo.InvariantCulture);
                var propertyEntry = entry.Property(property);
                propertyEntry.CurrentValue = converter is null ? raw : converter.ConvertFromProvider(raw);
                propertyEntry.IsTemporary = false;
            }
        }

        // SQLite runs a statement only when the reader reaches it: the INSERTs after the last that reads back run here.
        while (await reader.NextResultAsync(ct))
        {
        }

        return reader.RecordsAffected;
    }

    /// <summary>
    /// Which of the row's columns the database fills, as EF decides it: a column that generates its value on add and was
    /// given none (a temporary or default value). <see cref="ulong.MaxValue"/> when such a column is one this cannot read back.
    /// </summary>
    private static ulong ReadBackMask(EntityEntry entry, Table table, PropertyValues values)
    {
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
        public required IEntityType Type { get; init; }
        public required string Name { get; init; }
        public required IProperty[] Properties { get; init; }
        public required string[] Columns { get; init; }
        public required RelationalTypeMapping[] Mappings { get; init; }
        public required ValueConverter?[] Converters { get; init; }

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
                Type = type,
                Name = schema is null ? Quote(name) : Quote(schema) + "." + Quote(name),
                Properties = properties,
                Columns = [.. properties.Select(p => Quote(p.GetColumnName(store)!))],
                Mappings = mappings,
                Converters = [.. mappings.Select(m => m.Converter)],
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

    /// <summary>
    /// One INSERT of one table with one set of database-filled columns, its parameters numbered from a start (SQLite's
    /// statements share their command's parameters; each of PostgreSQL's has its own, from $1).
    /// </summary>
    private sealed class Statement
    {
        public required Table Table { get; init; }
        public required string Sql { get; init; }
        public required int[] Written { get; init; }
        public required int[] Read { get; init; }

        public static Statement Build(Table table, ulong readBack, int first, bool isPostgres)
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
                    .AppendJoin(", ", written.Select((_, n) => isPostgres ? "$" + (first + n + 1) : "@p" + (first + n))).Append(')');
            }

            if (read.Length > 0)
            {
                sql.Append(" RETURNING ").AppendJoin(", ", read.Select(i => table.Columns[i]));
            }

            return new Statement { Table = table, Sql = isPostgres ? sql.ToString() : sql.Append(";\n").ToString(), Written = written, Read = read };
        }
    }
}
