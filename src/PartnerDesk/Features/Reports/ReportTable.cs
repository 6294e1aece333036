using System.Globalization;
using System.Text;

namespace PartnerDesk.Features.Reports;

/// <summary>
/// The table behind a chart: what the page shows beside it and what <c>format=csv</c> exports. Cells are invariant
/// text (dates yyyy-MM-dd, numbers with a point), so that a spreadsheet reads them the same in every language.
/// </summary>
public sealed record ReportTable(string Name, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public static string Cell(object? value) => value switch
    {
        null => "",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double v => v.ToString("0.#", CultureInfo.InvariantCulture),
        decimal v => v.ToString("0.00", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// RFC 4180 CSV with a header line. A cell that a spreadsheet would read as a formula (customer and agent
    /// names are typed by people) is prefixed with an apostrophe.
    /// </summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', Columns.Select(Escape)).Append("\r\n");
        foreach (var row in Rows)
        {
            csv.AppendJoin(',', row.Select(Escape)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Escape(string cell)
    {
        if (cell.Length > 0 && cell[0] is '=' or '+' or '@' or '\t' or '\r' && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            cell = "'" + cell;
        }
        else if (cell.Length > 1 && cell[0] == '-' && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            cell = "'" + cell;
        }

        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell;
    }
}

/// <summary>What every report answers besides its own figures: its period and the tables behind its charts.</summary>
public interface IReport
{
    ReportPeriod Period { get; }

    IReadOnlyList<ReportTable> Tables();

    /// <summary>The charts, their words through <paramref name="text"/> (the page's localiser; the API's English).</summary>
    IReadOnlyList<ChartSpec> Charts(Func<string, string> text);
}
