namespace PartnerDesk.Platform.Data;

public static class TextPatterns
{
    /// <summary>A LIKE pattern (escape character \) that finds the text anywhere, its wildcards taken literally.</summary>
    public static string Contains(string text) =>
        "%" + text.Trim()
            .Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
