using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Bench;

/// <summary>
/// The host's list handlers called in process, one context per call as a request or a Blazor render
/// would have it: the query's own cost, without HTTP, JSON and token checks. Also records the plan the
/// database chose.
/// </summary>
public sealed class QueryWorkload(BenchDatabase database)
{
    /// <summary>A handler of the host, run for the Contoso admin; answers how many tickets it found, or -1 when it refused the query.</summary>
    public delegate Task<int> ListCall(PartnerDeskDb db);

    public static ListCall Api(ListTicketsQuery query) => async db =>
        (await ListTickets.Handle(query, db, CancellationToken.None)).Value?.Items.Count ?? -1;

    /// <summary>The agent console's queue page (Features/AgentConsole/Queue.razor).</summary>
    public static ListCall ConsoleQueue(QueueQuery query) => async db => (await TicketQueue.Handle(query, db)).Items.Count;

    public async Task<LatencySummary> Measure(ListCall call, int warmUp, int count)
    {
        var latencies = new Latencies();
        for (var i = 0; i < warmUp + count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using (var db = database.NewContext(ContosoAdmin()))
            {
                if (await call(db) < 0)
                {
                    throw new InvalidOperationException("The host refused a list query.");
                }
            }

            if (i >= warmUp)
            {
                latencies.Add(Stopwatch.GetTimestamp() - started);
            }
        }

        return latencies.Summarise();
    }

    /// <summary>The SQL of every command the handler sends and the database's plan for each (EXPLAIN ANALYZE on PostgreSQL).</summary>
    public async Task<string> Explain(ListCall call)
    {
        var capture = new PlanCapture();
        await using var db = database.NewContext(ContosoAdmin(), capture);
        await call(db);
        return capture.Text;
    }

    /// <summary>Admin agents see every customer of their organisation, as the system does.</summary>
    private static Caller ContosoAdmin()
    {
        var caller = new Caller();
        caller.ActAsSystem(SeedPlan.Organisation);
        return caller;
    }

    private sealed class PlanCapture : DbCommandInterceptor
    {
        public string Text { get; private set; } = "";

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            var isPostgres = command.GetType().Name.StartsWith("Npgsql", StringComparison.Ordinal);
            await using var explain = command.Connection!.CreateCommand();
            explain.Transaction = command.Transaction;
            explain.CommandText = (isPostgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN ") + command.CommandText;
            foreach (DbParameter p in command.Parameters)
            {
                var copy = explain.CreateParameter();
                copy.ParameterName = p.ParameterName;
                copy.Value = p.Value;
                explain.Parameters.Add(copy);
            }

            var lines = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    lines.Add(isPostgres ? reader.GetString(0) : $"{reader.GetValue(1)} {reader.GetValue(3)}");
                }
            }

            // Every command of the call (a search reads the index, then the tickets, in rounds).
            Text += (Text.Length > 0 ? "\n\n" : "") + command.CommandText + "\n\n" + string.Join('\n', lines);
            return result;
        }
    }
}
