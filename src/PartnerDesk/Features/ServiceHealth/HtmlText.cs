using System.Net;
using System.Text;

namespace PartnerDesk.Features.ServiceHealth;

/// <summary>Microsoft's posts are HTML; PartnerDesk keeps and shows them as plain text, so no markup of theirs ever renders.</summary>
public static class HtmlText
{
    public static string ToPlain(string? html, int maxLength)
    {
        if (string.IsNullOrEmpty(html))
        {
            return "";
        }

        var text = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            if (html[i] == '<')
            {
                var end = html.IndexOf('>', i);
                if (end < 0)
                {
                    break;
                }

                var tag = html.AsSpan(i + 1, end - i - 1).TrimStart('/').ToString().ToLowerInvariant();
                var name = tag.Split([' ', '/', '\t', '\n'], 2)[0];
                if (name is "script" or "style")
                {
                    // Skip the element's content too.
                    var close = html.IndexOf("</" + name, end, StringComparison.OrdinalIgnoreCase);
                    var closeEnd = close < 0 ? -1 : html.IndexOf('>', close);
                    i = closeEnd < 0 ? html.Length : closeEnd + 1;
                    continue;
                }

                if (name is "br" or "p" or "div" or "li" or "tr" or "h1" or "h2" or "h3" or "h4")
                {
                    text.Append('\n');
                }

                i = end + 1;
                continue;
            }

            text.Append(html[i]);
            i++;
        }

        var decoded = WebUtility.HtmlDecode(text.ToString()).Replace("\r", "", StringComparison.Ordinal);
        var lines = decoded.Split('\n').Select(l => l.Trim()).ToList();
        var result = new StringBuilder(decoded.Length);
        var blank = false;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                blank = result.Length > 0;
                continue;
            }

            if (result.Length > 0)
            {
                result.Append(blank ? "\n\n" : "\n");
            }

            result.Append(line);
            blank = false;
        }

        return result.Length > maxLength ? result.ToString(0, maxLength) : result.ToString();
    }
}
