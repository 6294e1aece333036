using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace PartnerDesk.Bench;

/// <summary>Figures of one kind of request in the measured part of a phase.</summary>
public sealed record LoadKind(string Kind, bool Write, int Count, double PerSecond, double P50, double P95, double P99, double Max);

/// <summary>The count check of one kind of write: what the clients saw succeed against what the database holds.</summary>
public sealed record LoadCount(string Kind, int Sent, int SeenOk, int Stored, int Lost, int Doubled, int StoredUnseen);

/// <summary>A command run during a phase (the failure, or the recovery) and when, in seconds from the phase's start.</summary>
public sealed record LoadEvent(string What, double At, double Done, int ExitCode);

public sealed record LoadPhaseResult(
    string Name,
    string Title,
    int Instances,
    DateTimeOffset StartedAt,
    double WarmUpSeconds,
    double MeasuredSeconds,
    int Agents,
    int Contacts,
    string LoadAverageBefore,
    string LoadAverageAfter,
    double RequestsPerSecond,
    IReadOnlyList<LoadKind> Kinds,
    IReadOnlyList<LoadFailure> Failures,
    IReadOnlyDictionary<string, int> Retried,
    IReadOnlyDictionary<string, int> SucceededAfterRetry,
    IReadOnlyDictionary<string, int> EndedWithoutSuccess,
    IReadOnlyList<string> FailureExamples,
    IReadOnlyList<LoadCount> Counts,
    IReadOnlyList<LoadEvent> Events,
    IReadOnlyDictionary<int, int> OkBySecond,
    IReadOnlyDictionary<int, int>? SlowReadsBySecond = null,
    IReadOnlyList<string>? RollupRounds = null);

/// <summary>
/// <c>PartnerDesk.Bench load seed|phase|report …</c>: the load and failure suite of issue 20, driven by bench/load.sh,
/// which starts and stops everything around it (see bench/README.md, "Load and failure suite").
/// </summary>
public static class LoadCommand
{
    public static async Task<int> Run(string[] args)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("load seed|phase|report [--option value …]");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");
        string Or(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        int Int(string name, int fallback) => int.Parse(Or(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        double Number(string name, double fallback) => double.Parse(Or(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        switch (args[0])
        {
            case "seed":
                await Seed(Get("postgres"), Int("tickets", 1_000_000), Int("customers", 5_000), Int("agents", 200), Int("contacts", 1_000), Get("work"));
                return 0;
            case "phase":
                var result = await Phase(new Uri(Get("url")), Get("postgres"), LoadSeed.Read(Get("people")), Get("name"), Or("title", Get("name")), Int("instances", 2),
                    Number("warmup", 60), Number("duration", 600), Number("agent-think", 3), Number("contact-think", 15), Int("sources", 64),
                    values.GetValueOrDefault("fault"), Number("fault-at", 0), values.GetValueOrDefault("recover"), Number("recover-after", 10));
                await File.WriteAllTextAsync(Get("out"), JsonSerializer.Serialize(result, LoadJson.Options));
                return 0;
            case "report":
                var phases = Get("phases").Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(name => Path.Combine(Get("work"), $"phase-{name}.json")).Where(File.Exists)
                    .Select(path => JsonSerializer.Deserialize<LoadPhaseResult>(File.ReadAllText(path), LoadJson.Options)!).ToList();
                // nginx's access log, counted by bench/load.sh: the instance that answered each request.
                var splits = phases.ToDictionary(p => p.Name, p => Path.Combine(Get("work"), $"split-{p.Name}.txt") is var split && File.Exists(split)
                    ? string.Join(", ", File.ReadAllLines(split).Where(l => l.Length > 0).Select(l => l.Split(' ')).Select(f => $"{f[0]} {f[^1]}"))
                    : "");
                var report = LoadReport.Write(phases, splits, File.ReadAllText(Path.Combine(Get("work"), "seed.txt")), Or("command", "bench/load.sh"));
                await File.WriteAllTextAsync(Get("out"), report);
                Console.WriteLine(report);
                // The suite fails when a write the clients saw succeed is missing or doubled.
                return phases.Any(p => p.Counts.Any(c => c.Lost > 0 || c.Doubled > 0)) ? 1 : 0;
            default:
                throw new ArgumentException($"Unknown load action '{args[0]}': seed, phase or report.");
        }
    }

    private static async Task Seed(string server, int tickets, int customers, int agents, int contacts, string work)
    {
        var database = new PostgresBenchDatabase(server);
        var watch = Stopwatch.StartNew();
        await database.CreateEmpty();
        await database.MigrateAndSeedDemo();
        var plan = new SeedPlan(customers, tickets, DateTimeOffset.UtcNow) { FirstNumber = await database.ContosoLastNumber() + 1 };
        await database.BulkInsert(plan);
        var bulk = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var people = await LoadSeed.Seed(database, plan, agents, contacts);
        await LoadSeed.Write(people, Path.Combine(work, "people.json"));
        var peopleSeconds = watch.Elapsed.TotalSeconds;

        // A partner's database in steady state has its closed months counted; a fresh seed has none, and the instances'
        // first rollup round would count 24 months during the first phase (stop 24: 168 of its 174 slow reads came in
        // the 20 seconds it ran). Counted here, as the job would count them.
        var (months, counting) = await ReportWorkload.CountClosedMonths(database, DateTimeOffset.UtcNow);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Seed: {tickets:N0} tickets and {tickets * 3:N0} messages over {customers:N0} customers (bench bulk seed, {bulk:F0} s); {agents:N0} agents ({people.Agents.Count(a => a.Role == Platform.Tenancy.AgentRole.AdminAgent)} admins, the rest helpdesk agents reaching every customer through GDAP) and {contacts:N0} contacts ({people.Contacts.Count(c => c.IsCustomerAdmin)} customer admins), each with a personal access token ({peopleSeconds:F0} s); {months} closed months of response times counted, as the rollup job would ({counting.TotalSeconds:F1} s).");
        await File.WriteAllTextAsync(Path.Combine(work, "seed.txt"), text);
        Console.WriteLine(text);
    }

    private static async Task<LoadPhaseResult> Phase(
        Uri url, string postgres, LoadPeople people, string name, string title, int instances, double warmUp, double duration,
        double agentThink, double contactThink, int sources, string? fault, double faultAt, string? recover, double recoverAfter)
    {
        var loadBefore = LoadAverage();
        var startedAt = DateTimeOffset.UtcNow;
        var start = Stopwatch.GetTimestamp();
        var recorder = new LoadRecorder(start, warmUp);
        using var client = new LoadClient(url, sources, recorder);
        var simulation = new LoadSimulation(people, client, name, TimeSpan.FromSeconds(agentThink), TimeSpan.FromSeconds(contactThink));
        var end = start + (long)((warmUp + duration) * Stopwatch.Frequency);
        Console.WriteLine($"Phase {name}: {people.Agents.Count} agents, {people.Contacts.Count} contacts, {warmUp:F0} s warm-up + {duration:F0} s measured against {url}.");

        var events = new List<LoadEvent>();
        var failing = fault is null ? Task.CompletedTask : Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(faultAt));
            events.Add(await Shell("failure", fault, recorder));
            if (recover is not null)
            {
                await Task.Delay(TimeSpan.FromSeconds(recoverAfter));
                events.Add(await Shell("recovery", recover, recorder));
            }
        });
        var progress = Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                await Task.Delay(TimeSpan.FromSeconds(10));
                var ok = recorder.OkBySecond().Where(p => p.Key >= (int)recorder.Now - 10).Sum(p => p.Value);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {recorder.Now,5:F0} s: {ok / 10.0:F0} answers/s, failed attempts so far {recorder.Failures().Sum(f => f.Count)}"));
            }
        });
        await simulation.Run(end);
        await failing;
        await progress;
        // Operations begun in the measured time, over that time (the last ones finish, with their retries, after it).
        var measured = duration;

        var kinds = recorder.Summaries().OrderBy(p => LoadSimulation.IsWrite(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new LoadKind(p.Key, LoadSimulation.IsWrite(p.Key), p.Value.Count, p.Value.Count / measured, p.Value.P50, p.Value.P95, p.Value.P99, p.Value.Max)).ToList();
        var (retried, afterRetry, gaveUp, examples) = recorder.Retries();
        var counts = await CountCheck(postgres, name, simulation.Writes);
        return new LoadPhaseResult(name, title, instances, startedAt, warmUp, measured, people.Agents.Count, people.Contacts.Count, loadBefore, LoadAverage(),
            kinds.Sum(k => k.Count) / measured, kinds, recorder.Failures(), retried, afterRetry, gaveUp, examples, counts, events, recorder.OkBySecond(), recorder.SlowReadsBySecond(),
            await RollupRounds(postgres, startedAt));
    }

    /// <summary>
    /// The response-time rollup's rounds since the phase began (a round stamps every month it counts with its start),
    /// as "20:38:55 UTC, 24 months": a round reads a month of tickets for each, which the slow windows may show.
    /// </summary>
    private static async Task<IReadOnlyList<string>> RollupRounds(string postgres, DateTimeOffset since)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "BuiltAt", count(*) FROM "ResponseTimeMonths" WHERE "BuiltAt" >= $1 GROUP BY "BuiltAt" ORDER BY "BuiltAt" """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        var rounds = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var at = reader.GetFieldValue<DateTimeOffset>(0);
            rounds.Add(string.Create(CultureInfo.InvariantCulture, $"{at.UtcDateTime:HH:mm:ss} UTC (s {(at - since).TotalSeconds:F0}), {reader.GetInt64(1)} months"));
        }

        return rounds;
    }

    /// <summary>
    /// Every write the clients saw succeed must be in the database exactly once: tickets and messages found by their
    /// marker (doubles show as a marker on two rows), status changes by their Idempotency-Key's stored answer (whose
    /// unique index admits one). Rows whose write the clients never saw succeed (they gave up) are counted apart: not
    /// lost, not doubled, only never confirmed.
    /// </summary>
    private static async Task<IReadOnlyList<LoadCount>> CountCheck(string postgres, string phase, IReadOnlyCollection<LoadWrite> writes)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        var rows = new Dictionary<long, int>();
        async Task Read(string sql, string pattern)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            command.Parameters.Add(new NpgsqlParameter { Value = pattern });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var n = long.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
                rows[n] = rows.GetValueOrDefault(n) + reader.GetInt32(1);
            }
        }

        var marker = $"%[ld:{phase}:%";
        await Read("""SELECT substring("Title" from '\[ld:[^:]+:([0-9]+)\]'), count(*)::int FROM "Tickets" WHERE "Title" LIKE $1 GROUP BY 1""", marker);
        await Read("""SELECT substring("Body" from '\[ld:[^:]+:([0-9]+)\]'), count(*)::int FROM "TicketMessages" WHERE "Body" LIKE $1 GROUP BY 1""", marker);
        var keys = new Dictionary<long, int>();
        await using (var command = new NpgsqlCommand("""SELECT "Key" FROM "IdempotencyRecords" WHERE "Key" LIKE $1""", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = $"ld-{phase}-%" });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var n = long.Parse(reader.GetString(0)[$"ld-{phase}-".Length..], CultureInfo.InvariantCulture);
                keys[n] = keys.GetValueOrDefault(n) + 1;
            }
        }

        return [.. writes.GroupBy(w => w.Kind).OrderBy(g => Array.IndexOf(LoadSimulation.WriteKinds, g.Key)).Select(g =>
        {
            // A status change leaves no text of its own: its stored answer stands for it.
            var found = g.Key == "status" ? keys : rows;
            return new LoadCount(
                g.Key,
                g.Count(),
                g.Count(w => w.Seen),
                g.Count(w => found.ContainsKey(w.Sequence)),
                g.Count(w => w.Seen && !found.ContainsKey(w.Sequence)),
                g.Count(w => found.GetValueOrDefault(w.Sequence) > 1),
                g.Count(w => !w.Seen && found.ContainsKey(w.Sequence)));
        })];
    }

    private static async Task<LoadEvent> Shell(string what, string command, LoadRecorder recorder)
    {
        var at = recorder.Now;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {at,5:F0} s: {what}: {command}"));
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not run {command}");
        await process.WaitForExitAsync();
        var done = recorder.Now;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {done,5:F0} s: {what} done (exit code {process.ExitCode})"));
        return new LoadEvent($"{what}: `{command}`", at, done, process.ExitCode);
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
