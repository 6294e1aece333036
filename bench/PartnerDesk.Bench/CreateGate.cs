using System.Globalization;
using System.Text.RegularExpressions;

namespace PartnerDesk.Bench;

/// <summary>
/// Keeps the create path from getting dearer unnoticed: the probe's bytes allocated and CPU per create against the
/// figures recorded in a line of bench/README.md (<c>&lt;!-- create-gate SQLite: adatum-kb=… adatum-ms=… bare-kb=… bare-ms=… --&gt;</c>).
/// Bytes are exact from run to run; CPU is the least of three rounds, and is machine-bound: record it on the machine
/// that runs the gate.
/// </summary>
public static partial class CreateGate
{
    public const double Tolerance = 1.20;

    public sealed record Verdict(bool Passed, IReadOnlyList<string> Lines);

    public static Verdict Judge(string file, string database, IReadOnlyList<CreateProbe.Figures> figures, bool record)
    {
        var inv = CultureInfo.InvariantCulture;
        var now = new Dictionary<string, double>
        {
            ["adatum-kb"] = figures[0].AllocatedKiB,
            ["adatum-ms"] = figures[0].CpuMs,
            ["bare-kb"] = figures[1].AllocatedKiB,
            ["bare-ms"] = figures[1].CpuMs,
        };
        var text = File.ReadAllText(file);
        var pattern = new Regex($@"<!-- create-gate {Regex.Escape(database)}: (?<values>[^>]*?) -->");
        var found = pattern.Match(text);
        var recordLine = $"<!-- create-gate {database}: {string.Join(' ', now.Select(v => string.Create(inv, $"{v.Key}={v.Value:F2}")))} -->";
        if (record)
        {
            text = found.Success ? pattern.Replace(text, recordLine, 1) : text.TrimEnd() + Environment.NewLine + Environment.NewLine + recordLine + Environment.NewLine;
            File.WriteAllText(file, text);
            return new Verdict(true, [$"Create gate ({database}): recorded in {Path.GetFileName(file)}: `{recordLine}`"]);
        }

        if (!found.Success)
        {
            return new Verdict(false, [$"Create gate ({database}): no recorded figures in {file}; record them with --gate-record true."]);
        }

        var recorded = ValuePair().Matches(found.Groups["values"].Value)
            .ToDictionary(m => m.Groups["key"].Value, m => double.Parse(m.Groups["value"].Value, inv));
        var lines = new List<string> { $"Create gate ({database}), limit {Tolerance:P0} of the record:" };
        var passed = true;
        foreach (var (key, value) in now)
        {
            if (!recorded.TryGetValue(key, out var was))
            {
                continue;
            }

            var ok = value <= was * Tolerance;
            passed &= ok;
            lines.Add(string.Create(inv, $"- {key}: {value:F2} against {was:F2} recorded ({value / was:P0}) {(ok ? "ok" : "TOO SLOW")}"));
        }

        lines.Add(passed ? "Create gate: passed." : "Create gate: FAILED: the create path got more than 20 % dearer than recorded.");
        return new Verdict(passed, lines);
    }

    [GeneratedRegex(@"(?<key>[a-z-]+)=(?<value>[0-9.]+)")]
    private static partial Regex ValuePair();
}
