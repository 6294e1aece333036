using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// Tables are named for what they hold, in the plural (Tickets, TimeEntries, SlaBreaches), without the
/// context naming every entity's set. A feature may still name a table itself with <c>ToTable</c>.
/// </summary>
internal static class TableNames
{
    public static void MakePlural(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            if (entity.IsOwned() || entity.BaseType is not null || entity.FindAnnotation(RelationalAnnotationNames.TableName) is not null)
            {
                continue;
            }

            entity.SetTableName(Plural(entity.ClrType.Name));
        }
    }

    public static string Plural(string name) => name switch
    {
        _ when name.EndsWith('y') && name.Length > 1 && !"aeiou".Contains(name[^2]) => name[..^1] + "ies",
        _ when name.EndsWith('s') || name.EndsWith('x') || name.EndsWith("ch", StringComparison.Ordinal) || name.EndsWith("sh", StringComparison.Ordinal) => name + "es",
        _ => name + "s",
    };
}
