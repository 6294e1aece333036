using System.Globalization;
using System.Text;

namespace PartnerDesk.Bench;

/// <summary>The suite's figures as markdown, each against the targets of issue 20.</summary>
public static class LoadReport
{
    public const double ReadTarget = 100;
    public const double WriteTarget = 200;

    /// <summary>After the failure's last command has finished, clients may still be failing for this long and count as "in the seconds of a failure".</summary>
    public const int SettleSeconds = 15;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Write(IReadOnlyList<LoadPhaseResult> phases, IReadOnlyDictionary<string, string> splits, string seed, string command)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.AppendLine(line);
        Line(string.Create(Inv, $"# Load and failure suite, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        Line();
        Line($"Command: `{command}`");
        Line();
        Line(string.Create(Inv, $"Machine: {Environment.ProcessorCount} cores, clients, nginx, the instances, Redis and PostgreSQL on the one machine. {seed}"));
        Line();
        Line("Targets (issue 20): 0 lost or doubled writes; in steady state p99 under 100 ms for reads and 200 ms for writes; errors only in the seconds of a failure, and retried by the clients where the API says so.");
        Line();
        Line("| Phase | instances | answers/s | worst read p99 ms | worst write p99 ms | failed attempts (5xx, transport) | refused (4xx) | seconds with failures | ended without success | lost | doubled |");
        Line("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in phases)
        {
            var reads = p.Kinds.Where(k => !k.Write).OrderByDescending(k => k.P99).FirstOrDefault();
            var writes = p.Kinds.Where(k => k.Write).OrderByDescending(k => k.P99).FirstOrDefault();
            Line(string.Create(Inv, $"| {p.Title} | {p.Instances} | {p.RequestsPerSecond:F1} | {Worst(reads, ReadTarget, Steady(p))} | {Worst(writes, WriteTarget, Steady(p))} | {p.Failures.Where(IsServerSide).Sum(f => f.Count)} | {p.Failures.Where(f => !IsServerSide(f)).Sum(f => f.Count)} | {Ranges(p.Failures.Select(f => f.Second))} | {p.EndedWithoutSuccess.Values.Sum()} | {p.Counts.Sum(c => c.Lost)} | {p.Counts.Sum(c => c.Doubled)} |"));
        }

        foreach (var p in phases)
        {
            Line();
            Line($"## {p.Title}");
            Line();
            Line(string.Create(Inv, $"{p.Agents} agents and {p.Contacts} contacts against {p.Instances} instance(s) through nginx, started {p.StartedAt:HH:mm:ss} UTC: {p.WarmUpSeconds:F0} s warm-up (not measured), then {p.MeasuredSeconds:F0} s measured. Load average before {p.LoadAverageBefore}, after {p.LoadAverageAfter}. Seconds count from the phase's start."));
            if (splits.GetValueOrDefault(p.Name) is { Length: > 0 } split)
            {
                Line($"- Requests by the instance that answered them (nginx's access log, warm-up included; `-`: nginx answered itself): {split}.");
            }

            foreach (var e in p.Events)
            {
                Line(string.Create(Inv, $"- {e.What} at {e.At:F1} s, done at {e.Done:F1} s (exit code {e.ExitCode})."));
            }

            Line();
            Line("| Kind | answers | per s | p50 ms | p95 ms | p99 ms | max ms | p99 target |");
            Line("|---|---|---|---|---|---|---|---|");
            foreach (var k in p.Kinds)
            {
                var target = k.Write ? WriteTarget : ReadTarget;
                var verdict = Steady(p) ? (k.P99 < target ? $"< {target:F0} ✔" : $"< {target:F0} ✘") : "(failure phase)";
                Line(string.Create(Inv, $"| {k.Kind}{(k.Write ? " (write)" : "")} | {k.Count:N0} | {k.PerSecond:F1} | {k.P50:F1} | {k.P95:F1} | {k.P99:F1} | {k.Max:F0} | {verdict} |"));
            }

            Line();
            if (p.SlowReadsBySecond is { Count: > 0 } slow)
            {
                // Tails spread evenly are the machine's share per request; tails bunched in a few windows are something
                // else running then (a job, a vacuum, a checkpoint): the windows name the time to look for in the logs.
                var slowTotal = slow.Values.Sum();
                var windows = slow.GroupBy(x => x.Key / 10 * 10).Select(g => (From: g.Key, Count: g.Sum(x => x.Value)))
                    .OrderByDescending(w => w.Count).Take(5).OrderBy(w => w.From).ToList();
                var share = windows.Sum(w => w.Count) * 100.0 / slowTotal;
                var at = p.StartedAt.UtcDateTime;
                var listed = string.Join(", ", windows.Select(w => string.Create(Inv, $"s {w.From}–{w.From + 9} ({at.AddSeconds(w.From):HH:mm:ss} UTC) {w.Count}")));
                Line(string.Create(Inv, $"Reads over {LoadRecorder.SlowReadMs:F0} ms: {slowTotal:N0}. The five 10-second windows with most of them hold {share:F0} % (an even spread over {Math.Ceiling(p.MeasuredSeconds / 10):F0} windows would give {Math.Min(100, 500 / Math.Ceiling(p.MeasuredSeconds / 10)):F0} %): {listed}."));
                Line();
            }

            if (p.RollupRounds is not null)
            {
                Line("Response-time rollup rounds in the phase (its stamp on the months it counted): " + (p.RollupRounds.Count == 0 ? "none." : string.Join("; ", p.RollupRounds) + "."));
                Line();
            }

            var byFailure = p.Failures.GroupBy(f => f.Failure).OrderByDescending(g => g.Sum(f => f.Count)).ToList();
            if (byFailure.Count == 0)
            {
                Line("Failed attempts: none.");
            }
            else
            {
                Line("Failed attempts (every attempt, also those a retry then got through):");
                Line();
                foreach (var g in byFailure)
                {
                    Line(string.Create(Inv, $"- {g.Key}: {g.Sum(f => f.Count):N0}, in seconds {Ranges(g.Select(f => f.Second))}"));
                }
            }

            Line();
            Line(string.Create(Inv, $"Retries: {p.Retried.Values.Sum():N0} attempts sent again ({Join(p.Retried)}); operations that succeeded after a retry: {p.SucceededAfterRetry.Values.Sum():N0} ({Join(p.SucceededAfterRetry)}); ended without success (gave up after {LoadClient.MaxAttempts} attempts or 60 s, or an answer not to retry): {p.EndedWithoutSuccess.Values.Sum():N0} ({Join(p.EndedWithoutSuccess)})."));
            foreach (var example in p.FailureExamples)
            {
                Line($"  - `{example.Replace('`', '\'').ReplaceLineEndings(" ")}`");
            }

            Line();
            Line(Verdict(p));
            Line();
            Line("Count check (PostgreSQL after the phase: tickets and messages by their marker, status changes by their stored Idempotency-Key):");
            Line();
            Line("| Write | sent | seen to succeed | in the database | lost | doubled | in the database, never confirmed |");
            Line("|---|---|---|---|---|---|---|");
            foreach (var c in p.Counts)
            {
                Line(string.Create(Inv, $"| {c.Kind} | {c.Sent:N0} | {c.SeenOk:N0} | {c.Stored:N0} | {c.Lost} | {c.Doubled} | {c.StoredUnseen} |"));
            }

            if (p.Events.Count > 0)
            {
                var from = Math.Max(0, (int)p.Events[0].At - 5);
                var to = (int)p.Events[^1].Done + SettleSeconds + 5;
                Line();
                Line("Around the failure, second by second (answers accepted / failed attempts):");
                Line();
                var cells = Enumerable.Range(from, to - from + 1).Select(s =>
                    string.Create(Inv, $"{s}: {p.OkBySecond.GetValueOrDefault(s)}/{p.Failures.Where(f => f.Second == s).Sum(f => f.Count)}"));
                Line(string.Join(" · ", cells));
            }
        }

        return text.ToString();
    }

    private static bool Steady(LoadPhaseResult p) => p.Events.Count == 0;

    /// <summary>The instance or the database failed (or the connection did); a 4xx is an answer about the request itself.</summary>
    private static bool IsServerSide(LoadFailure f) => !(f.Failure.Length == 3 && f.Failure[0] == '4' && f.Failure != "429");

    private static string Verdict(LoadPhaseResult p)
    {
        var lost = p.Counts.Sum(c => c.Lost);
        var doubled = p.Counts.Sum(c => c.Doubled);
        var parts = new List<string> { lost + doubled == 0 ? "0 lost, 0 doubled ✔" : $"{lost} lost, {doubled} doubled ✘" };
        var failures = p.Failures.Where(IsServerSide).ToList();
        if (Steady(p))
        {
            parts.Add(failures.Count == 0 ? "no failed attempts ✔" : $"failed attempts in a steady state, seconds {Ranges(failures.Select(f => f.Second))} ✘");
        }
        else
        {
            var from = (int)p.Events[0].At;
            var to = (int)p.Events[^1].Done + SettleSeconds;
            var outside = failures.Where(f => f.Second < from || f.Second > to).ToList();
            parts.Add(outside.Count == 0
                ? string.Create(Inv, $"failed attempts only between the failure ({from} s) and {SettleSeconds} s after its last command ({to} s) ✔")
                : string.Create(Inv, $"failed attempts outside the failure's seconds ({from}–{to} s): seconds {Ranges(outside.Select(f => f.Second))} ✘"));
        }

        return "Against the targets: " + string.Join("; ", parts) + ".";
    }

    private static string Worst(LoadKind? kind, double target, bool steady) =>
        kind is null ? "—" : string.Create(Inv, $"{kind.P99:F0} ({kind.Kind}){(steady ? kind.P99 < target ? " ✔" : " ✘" : "")}");

    private static string Join(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderByDescending(p => p.Value).Select(p => string.Create(Inv, $"{p.Key} {p.Value}")));

    /// <summary>Seconds as ranges: 41–47, 52.</summary>
    private static string Ranges(IEnumerable<int> seconds)
    {
        var sorted = seconds.Distinct().Order().ToList();
        if (sorted.Count == 0)
        {
            return "—";
        }

        var ranges = new List<string>();
        var first = sorted[0];
        var last = first;
        foreach (var s in sorted.Skip(1).Append(int.MaxValue))
        {
            if (s == last + 1)
            {
                last = s;
                continue;
            }

            ranges.Add(first == last ? first.ToString(Inv) : string.Create(Inv, $"{first}–{last}"));
            first = last = s;
        }

        return string.Join(", ", ranges);
    }
}
