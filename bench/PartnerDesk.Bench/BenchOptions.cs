using System.Globalization;

namespace PartnerDesk.Bench;

public sealed record BenchOptions(
    string HostDll,
    string? PostgresServer,
    IReadOnlyList<string> DatabaseNames,
    int Tickets,
    int Customers,
    TimeSpan Duration,
    TimeSpan WarmUp,
    int Connections,
    int ListRequests,
    string WorkFolder,
    string ReportPath,
    string? Only = null)
{
    /// <summary>Creates the in-process probe (<c>--only create-probe</c>) sends before it measures, and measures.</summary>
    public int ProbeWarmUp { get; init; } = 1500;

    public int ProbeCreates { get; init; } = 2000;

    /// <summary>A file holding the recorded create-path figures (<c>--gate bench/README.md</c>): the probe fails the run when the create path got more than 20 % dearer.</summary>
    public string? Gate { get; init; }

    /// <summary>Write this run's figures into that file as the new record (<c>--gate-record true</c>), after a change meant to move them.</summary>
    public bool GateRecord { get; init; }
    /// <summary><c>--probe-search-triggers off</c>: the probe runs without the search index's triggers, to see what they add to a create.</summary>
    public bool ProbeSearchTriggers { get; init; } = true;

    /// <summary><c>--reuse-seed true</c>: keep the seeded database and, when it already holds the seed, measure it again without seeding.</summary>
    public bool ReuseSeed { get; init; }

    /// <summary><c>--reports volume,response-times</c>: only these reports (with <c>--only reports</c>).</summary>
    public IReadOnlyList<string>? Reports { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option (--name value), found '{args[i]}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        if (args.Length % 2 != 0)
        {
            throw new ArgumentException($"The option {args[^1]} has no value.");
        }

        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var work = Path.GetFullPath(Get("work", Path.Combine(Path.GetTempPath(), "partnerdesk-bench")));
        Directory.CreateDirectory(work);
        var options = new BenchOptions(
            Path.GetFullPath(values.GetValueOrDefault("host") ?? throw new ArgumentException("--host <path of PartnerDesk.dll> is required.")),
            values.GetValueOrDefault("postgres"),
            Get("databases", "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Int("tickets", 1_000_000),
            Int("customers", 5_000),
            TimeSpan.FromSeconds(Int("duration", 30)),
            TimeSpan.FromSeconds(Int("warmup", 15)),
            Int("connections", 64),
            Int("list-requests", 300),
            work,
            Path.GetFullPath(Get("report", Path.Combine(work, "report.md"))),
            values.GetValueOrDefault("only"))
        {
            ProbeWarmUp = Int("probe-warmup", 1500),
            ProbeCreates = Int("probe-creates", 2000),
            Gate = values.TryGetValue("gate", out var gate) ? Path.GetFullPath(gate) : null,
            GateRecord = values.GetValueOrDefault("gate-record") == "true",
            ProbeSearchTriggers = Get("probe-search-triggers", "on") != "off",
            ReuseSeed = values.GetValueOrDefault("reuse-seed") == "true",
            Reports = values.TryGetValue("reports", out var reports) ? reports.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
        };
        if (options.DatabaseNames.Contains("postgres") && options.PostgresServer is null)
        {
            throw new ArgumentException("--postgres <server connection string> is required for the postgres run.");
        }

        return options;
    }

    public IEnumerable<BenchDatabase> Databases() => DatabaseNames.Select<string, BenchDatabase>(name => name switch
    {
        "sqlite" => new SqliteBenchDatabase(WorkFolder),
        "postgres" => new PostgresBenchDatabase(PostgresServer!),
        _ => throw new ArgumentException($"Unknown database '{name}': use sqlite or postgres."),
    });
}
