
namespace PartnerDesk.Tests.Domain;

/// <summary>Rules of the code base that keep isolation in one place.</summary>
public sealed class ArchitectureTests
{
    private static string Source(params string[] parts)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PartnerDesk.slnx")))
        {
            folder = folder.Parent;
        }

        return Path.Combine([folder!.FullName, "src", "PartnerDesk", .. parts]);
    }

    [Fact]
    public void Features_never_bypass_the_isolation_filters()
    {
        var offenders = Directory.EnumerateFiles(Source("Features"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("IgnoreQueryFilters", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();
        Assert.True(offenders.Count == 0, "Only Platform/ may bypass the query filters; found in: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Every_organisation_owned_entity_is_filtered()
    {
        var owned = typeof(PartnerDesk.Platform.Tenancy.IOrganisationOwned).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(PartnerDesk.Platform.Tenancy.IOrganisationOwned).IsAssignableFrom(t))
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
