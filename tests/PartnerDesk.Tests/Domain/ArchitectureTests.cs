using System.Text.RegularExpressions;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Tests.Domain;

/// <summary>Rules of the code base: one-way uses between parts (docs/architecture.md), and isolation in one place.</summary>
public sealed partial class ArchitectureTests
{
    private static string Root()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PartnerDesk.slnx")))
        {
            folder = folder.Parent;
        }

        return folder!.FullName;
    }

    private static string Source(params string[] parts) => Path.Combine([Root(), "src", "PartnerDesk", .. parts]);

    /// <summary>The table of allowed uses, read from docs/architecture.md: part → the parts it may use.</summary>
    private static Dictionary<string, HashSet<string>> AllowedUses()
    {
        var text = File.ReadAllText(Path.Combine(Root(), "docs", "architecture.md"));
        var table = text[text.IndexOf("<!-- allowed-uses: begin -->", StringComparison.Ordinal)..text.IndexOf("<!-- allowed-uses: end -->", StringComparison.Ordinal)];
        var allowed = new Dictionary<string, HashSet<string>>();
        foreach (Match row in TableRow().Matches(table))
        {
            var part = row.Groups[1].Value.Trim();
            if (part is "Part" || part.StartsWith('-'))
            {
                continue;
            }

            allowed[part] = [.. row.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        return allowed;
    }

    [GeneratedRegex(@"^\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|\s*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [Fact]
    public void Every_use_between_parts_is_one_the_table_allows()
    {
        var allowed = AllowedUses();
        Assert.Contains("Tickets", allowed.Keys);
        var graph = DependencyGraph.Read(typeof(Program).Assembly);
        var offences = new List<string>();
        foreach (var (part, uses) in graph)
        {
            if (!allowed.TryGetValue(part, out var may))
            {
                offences.Add($"{part} is not in the table of docs/architecture.md.");
                continue;
            }

            foreach (var (used, example) in uses)
            {
                var ok = may.Contains("*") || may.Contains(used) || (used == "Platform" && part != "Platform");
                if (!ok)
                {
                    offences.Add($"{part} may not use {used} ({example}).");
                }
            }
        }

        Assert.True(offences.Count == 0, string.Join(Environment.NewLine, offences));
    }

    [Fact]
    public void The_table_and_the_code_have_no_cycle()
    {
        var allowed = AllowedUses().ToDictionary(a => a.Key, a => a.Value.Where(v => v != "*").ToDictionary(v => v, v => ""));
        Assert.Empty(DependencyGraph.Cycles(allowed));
        Assert.Empty(DependencyGraph.Cycles(DependencyGraph.Read(typeof(Program).Assembly)));
    }

    [Fact]
    public void The_dependency_reader_sees_uses_in_method_bodies_lambdas_and_pages()
    {
        var graph = DependencyGraph.Read(typeof(Program).Assembly);
        // CreateTicket's handler names Ticket (same part) and Platform's FieldErrors in its body only.
        Assert.Contains("Platform", graph["Tickets"].Keys);
        // The console's ticket page (Razor) shows Billing's time panel.
        Assert.Contains("Billing", graph["AgentConsole"].Keys);
        Assert.Empty(graph.GetValueOrDefault("Platform") ?? []);
    }

    [Fact]
    public void A_files_namespace_is_its_folder()
    {
        var source = Source();
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal) || !relative.Contains(Path.DirectorySeparatorChar))
            {
                continue;
            }

            var folders = Path.GetDirectoryName(relative)!.Split(Path.DirectorySeparatorChar);
            folders[0] = folders[0] == "Microsoft" ? "MicrosoftApis" : folders[0]; // the folder is named for Microsoft, the namespace for its APIs
            var folder = string.Join('.', folders);
            var declared = NamespaceLine().Match(File.ReadAllText(file)).Groups[1].Value;
            if (declared != "PartnerDesk." + folder)
            {
                offenders.Add($"{relative}: namespace {declared}");
            }
        }

        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }

    [GeneratedRegex(@"^namespace ([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [Fact]
    public void Only_platform_and_files_named_unfiltered_bypass_the_isolation_filters()
    {
        var offenders = Directory.EnumerateFiles(Source("Features"), "*.*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Source("Components"), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) != "Unfiltered.cs")
            .Where(f => File.ReadAllText(f).Contains("IgnoreQueryFilters", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Source(), f))
            .ToList();
        Assert.True(offenders.Count == 0, "Only Platform/ and a feature's Unfiltered.cs may bypass the query filters; found in: " + string.Join(", ", offenders));
        Assert.NotEmpty(Directory.EnumerateFiles(Source("Features"), "Unfiltered.cs", SearchOption.AllDirectories));
    }

    [Fact]
    public void Every_organisation_owned_entity_is_filtered()
    {
        var owned = typeof(IOrganisationOwned).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IOrganisationOwned).IsAssignableFrom(t))
            .ToList();
        Assert.NotEmpty(owned);

        var model = new PartnerDesk.Platform.Data.SqliteDbDesignFactory().CreateDbContext([]).Model;
        foreach (var type in owned)
        {
            var entity = model.FindEntityType(type);
            Assert.True(entity is not null, $"{type.Name} is organisation-owned but not in the model.");
            Assert.True(entity.GetDeclaredQueryFilters().Count > 0, $"{type.Name} has no query filter.");
        }
    }
}
