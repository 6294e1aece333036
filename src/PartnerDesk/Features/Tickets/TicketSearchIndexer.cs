using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

/// <summary>
/// SQLite: keeps the search index (FTS5) in step with the tickets and their conversation. Triggers note each change of
/// a ticket's text in a queue (migration SearchQueue), in the transaction that made it; this writes the queued tickets'
/// rows, many in one write turn. An FTS5 row written in a transaction of its own cost each create about 0.65 ms of
/// SQLite's one write turn, a third of it; in batches it costs about 0.1 ms (bench/README.md, "The search index
/// written in batches"; decisions 8p.7). A search that finds its organisation's tickets queued catches up first
/// (<see cref="CatchUp"/>), so what was written is found at once; otherwise the queue is emptied every
/// <see cref="Pace"/>. PostgreSQL keeps its index in the writing transaction and has no queue.
/// </summary>
public sealed class TicketSearchIndexer(IServiceScopeFactory scopes, ILogger<TicketSearchIndexer> log) : BackgroundService
{
    /// <summary>Real time, not business time: how soon the index follows the writes, whatever the clock says.</summary>
    public static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(200);

    /// <summary>The most queued changes one write turn indexes: the creates waiting for the turn wait for it (about 25 ms).</summary>
    internal const int Batch = 250;

    private const string Pending = """SELECT EXISTS (SELECT 1 FROM "TicketSearchQueue" WHERE "Seq" <= @upTo)""";

    // The batch's last queue entry, then the batch: new organisations get their slot; every row the batch names goes
    // (a removed ticket's, a changed ticket's old one, the current row of each ticket to write again); each ticket still
    // there is written from its tables, with every message; the entries are done. One statement each: the driver runs
    // a command's statements one by one anyway.
    private const string Through = """SELECT max("Seq") FROM (SELECT "Seq" FROM "TicketSearchQueue" WHERE "Seq" <= @upTo ORDER BY "Seq" LIMIT @batch)""";

    private static readonly string[] Index =
    [
        """
        INSERT OR IGNORE INTO "TicketSearchOrganisations" ("OrganisationId")
        SELECT DISTINCT t."OrganisationId" FROM "TicketSearchQueue" q JOIN "Tickets" t ON t."Id" = q."TicketId" WHERE q."Seq" <= @through
        """,
        """
        DELETE FROM "TicketSearchTexts" WHERE rowid IN (
            SELECT "Removed" FROM "TicketSearchQueue" WHERE "Seq" <= @through AND "Removed" IS NOT NULL
            UNION ALL
            SELECT (s."Slot" << 40) + t."Number" FROM "TicketSearchQueue" q JOIN "Tickets" t ON t."Id" = q."TicketId"
                JOIN "TicketSearchOrganisations" s ON s."OrganisationId" = t."OrganisationId"
            WHERE q."Seq" <= @through)
        """,
        """
        INSERT INTO "TicketSearchTexts" (rowid, "PublicText", "InternalText")
        SELECT (s."Slot" << 40) + t."Number",
               t."Title" || char(10) || t."Description"
                   || coalesce((SELECT char(10) || group_concat(m."Body", char(10)) FROM "TicketMessages" m WHERE m."TicketId" = t."Id" AND m."Visibility" = 'Public'), ''),
               coalesce((SELECT group_concat(m."Body", char(10)) FROM "TicketMessages" m WHERE m."TicketId" = t."Id" AND m."Visibility" <> 'Public'), '')
        FROM "Tickets" t JOIN "TicketSearchOrganisations" s ON s."OrganisationId" = t."OrganisationId"
        WHERE t."Id" IN (SELECT "TicketId" FROM "TicketSearchQueue" WHERE "Seq" <= @through)
        """,
        """DELETE FROM "TicketSearchQueue" WHERE "Seq" <= @through""",
    ];

    private bool sqlite;
    private bool failing;

    /// <summary>What was written before the host serves (the demo world at the first start, a queue left by a stop) is found from the first request.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            sqlite = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>().Database.IsSqlite();
        }

        if (sqlite)
        {
            await Round(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!sqlite)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Pace, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await Round(stoppingToken);
        }
    }

    /// <summary>One catching up; a failure is logged once while it lasts (the next round comes 200 ms later), and searches catch up themselves meanwhile.</summary>
    private async Task Round(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await CatchUp(scope.ServiceProvider.GetRequiredService<PartnerDeskDb>(), ct);
            if (failing)
            {
                failing = false;
                log.LogInformation("Indexing tickets for search works again.");
            }
        }
        catch (Exception e)
        {
            if (!failing && !ct.IsCancellationRequested) // a round cut short by the host's stop is no failure
            {
                failing = true;
                log.LogWarning(e, "Indexing tickets for search failed; trying again every {Pace}. Searches index what they need themselves meanwhile.", Pace);
            }
        }
    }

    /// <summary>
    /// Indexes the queued changes up to <paramref name="upTo"/> (every one by default), a batch per write turn; returns how
    /// many turns wrote something. Reads first and takes a write turn only when something is queued; a catching up that
    /// finds, once it has its turn, that another did the work writes nothing. Platform work across organisations: no row
    /// leaves it.
    /// </summary>
    /// <param name="firstInLine">A search waits for it: its turns go before the creates waiting (decisions 8p.7).</param>
    public static async Task<int> CatchUp(PartnerDeskDb db, CancellationToken ct, long upTo = long.MaxValue, bool firstInLine = false)
    {
        var done = 0;
        using var turns = firstInLine ? WriteTurns.FirstInLine() : (WriteTurns.FirstInLineScope?)null;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            while (await Scalar(connection, null, Pending, ct, ("upTo", upTo)) is 1L)
            {
                // Through EF, so that the write gate gives this transaction its turn like any other.
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var own = transaction.GetDbTransaction();
                if (await Scalar(connection, own, Through, ct, ("upTo", upTo), ("batch", Batch)) is not long through)
                {
                    break;
                }

                foreach (var sql in Index)
                {
                    await Scalar(connection, own, sql, ct, ("through", through));
                }

                await transaction.CommitAsync(ct);
                done++;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return done;
    }

    private static async Task<object?> Scalar(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct, params (string Name, long Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var dbParameter = command.CreateParameter();
            dbParameter.ParameterName = name;
            dbParameter.Value = value;
            command.Parameters.Add(dbParameter);
        }

        return await command.ExecuteScalarAsync(ct);
    }
}
