namespace PartnerDesk.Tests.Domain;

public sealed class GraphDump
{
    [Fact]
    public void Dump()
    {
        var g = DependencyGraph.Read(typeof(Program).Assembly);
        var lines = new List<string>();
        foreach (var (from, uses) in g.OrderBy(x => x.Key))
        {
            lines.Add($"{from} -> {string.Join(", ", uses.Keys.Order())}");
        }

        lines.Add("CYCLES");
        lines.AddRange(DependencyGraph.Cycles(g));
        lines.Add("PLATFORM");
        foreach (var t in typeof(Program).Assembly.GetTypes().Where(t => DependencyGraph.PartOf(t) == "Platform" && !t.IsNested))
        {
            var g1 = DependencyGraph.UsedParts(t).Where(p => p is not ("Platform" or "MicrosoftApis")).ToList();
            if (g1.Count > 0)
            {
                lines.Add($"{t.FullName}: {string.Join(", ", g1)}");
            }
        }

        File.WriteAllLines("/tmp/graph.txt", lines);
    }
}
