using System.Globalization;

namespace PartnerDesk.Bench;

/// <summary>How busy the whole machine was between two readings of /proc/stat: every process counts, not only ours.</summary>
public sealed class CpuMeter
{
    private readonly (long Busy, long Total) start = Read();

    public double BusyPercent()
    {
        var end = Read();
        var total = end.Total - start.Total;
        return total == 0 ? 0 : 100.0 * (end.Busy - start.Busy) / total;
    }

    private static (long Busy, long Total) Read()
    {
        // cpu  user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        return (total - idle, total);
    }
}
