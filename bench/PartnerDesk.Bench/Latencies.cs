using System.Diagnostics;
using System.Globalization;

namespace PartnerDesk.Bench;

/// <summary>Latencies of one measurement, kept whole: a few hundred thousand longs sort in milliseconds.</summary>
public sealed class Latencies
{
    private readonly List<long> ticks = [];

    public int Count => ticks.Count;

    public void Add(long stopwatchTicks) => ticks.Add(stopwatchTicks);

    public void AddRange(Latencies other) => ticks.AddRange(other.ticks);

    public LatencySummary Summarise()
    {
        if (ticks.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }

        ticks.Sort();
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        double At(double q) => Ms(ticks[Math.Min(ticks.Count - 1, (int)Math.Ceiling(q * ticks.Count) - 1)]);
        return new LatencySummary(ticks.Count, ticks.Average(t => Ms(t)), At(0.50), At(0.95), At(0.99), Ms(ticks[^1]));
    }
}

public sealed record LatencySummary(int Count, double Mean, double P50, double P95, double P99, double Max)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"n={Count} mean={Mean:F2} p50={P50:F2} p95={P95:F2} p99={P99:F2} max={Max:F2} ms");
}
