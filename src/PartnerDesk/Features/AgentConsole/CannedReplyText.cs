using System.Text;

namespace PartnerDesk.Features.AgentConsole;

/// <summary>What a canned reply's placeholders stand for on one ticket.</summary>
public sealed record ReplyPlaceholders(string Customer, string? Contact, string Ticket, string Agent);

/// <summary>
/// The rules of a canned reply's text: <c>{customer}</c>, <c>{contact}</c>, <c>{ticket}</c> (its number) and
/// <c>{agent}</c> are filled in; <c>{{</c> and <c>}}</c> write a brace. A ticket without a requester greets the
/// customer. Anything else in braces is an unknown placeholder: refused when the reply is saved, left as written
/// when filled (an agent sees it in the reply box before sending).
/// </summary>
public static class CannedReplyText
{
    public static readonly IReadOnlyList<string> Known = ["customer", "contact", "ticket", "agent"];

    /// <summary>The reply's language for a contact's language ("de", "de-AT" → German; anything else English).</summary>
    public static string LanguageOf(string? contactLanguage) =>
        contactLanguage is { } l && l.StartsWith("de", StringComparison.OrdinalIgnoreCase) ? "de" : "en";

    public static string BodyFor(CannedReply reply, string? contactLanguage) =>
        LanguageOf(contactLanguage) == "de" ? reply.BodyDe : reply.BodyEn;

    public static string Fill(string body, ReplyPlaceholders values)
    {
        var text = new StringBuilder(body.Length + 64);
        Walk(body, (name, raw) => text.Append(name switch
        {
            "customer" => values.Customer,
            "contact" => string.IsNullOrWhiteSpace(values.Contact) ? values.Customer : values.Contact,
            "ticket" => values.Ticket,
            "agent" => values.Agent,
            _ => raw,
        }), literal => text.Append(literal));
        return text.ToString();
    }

    /// <summary>The names in braces that are no placeholder (or an opening brace never closed: "{").</summary>
    public static IReadOnlyList<string> Unknown(string body)
    {
        var unknown = new List<string>();
        Walk(body, (name, raw) =>
        {
            if (!Known.Contains(name) && !unknown.Contains(raw))
            {
                unknown.Add(raw);
            }
        }, _ => { });
        return unknown;
    }

    // Calls placeholder(name, raw text) for each {name}, literal(text) for the rest; "{{" and "}}" are literal braces.
    private static void Walk(string body, Action<string, string> placeholder, Action<string> literal)
    {
        var i = 0;
        while (i < body.Length)
        {
            var c = body[i];
            if ((c == '{' || c == '}') && i + 1 < body.Length && body[i + 1] == c)
            {
                literal(c.ToString());
                i += 2;
                continue;
            }

            if (c == '{')
            {
                var end = body.IndexOfAny(['}', '{', '\n'], i + 1);
                if (end < 0 || body[end] != '}')
                {
                    placeholder("", body[i..(end < 0 ? body.Length : end)]);
                    i = end < 0 ? body.Length : end;
                    continue;
                }

                var raw = body[i..(end + 1)];
                placeholder(raw[1..^1].Trim().ToLowerInvariant(), raw);
                i = end + 1;
                continue;
            }

            var next = body.IndexOfAny(['{', '}'], i + 1);
            if (c == '}')
            {
                next = i + 1; // a lone closing brace is text
            }

            var stop = next < 0 ? body.Length : next;
            literal(body[i..stop]);
            i = stop;
        }
    }
}
