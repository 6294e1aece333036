using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

/// <summary>
/// The words of a search (pure): runs of letters and digits, lower case, the accents of Latin letters folded
/// (ä → a, é → e; ß stays), at most <see cref="MaxWords"/>. Every word must be found in the ticket; a word of two
/// letters or more also finds the words it begins ("postfä" finds "Postfächer"). Everything else in the text
/// (quotes, *, -, parentheses, AND, NEAR) is a separator or a plain word: the database's query syntax is written
/// here, from these words only, never from what the caller typed.
/// </summary>
public sealed class SearchWords
{
    public const int MaxWords = 10;

    /// <summary>Folded as PostgreSQL's <c>ticket_search_words</c> does with translate() (the migration holds the same two strings).</summary>
    internal const string FoldFrom = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿ";
    internal const string FoldTo = "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyy";

    private SearchWords(IReadOnlyList<string> words) => Words = words;

    public IReadOnlyList<string> Words { get; }

    public bool IsEmpty => Words.Count == 0;

    public static SearchWords Of(string? text)
    {
        var words = new List<string>();
        text ??= "";
        foreach (var (start, length) in Spans(text))
        {
            var word = Fold(text.AsSpan(start, length));
            if (!words.Contains(word, StringComparer.Ordinal))
            {
                words.Add(word);
            }

            if (words.Count == MaxWords)
            {
                break;
            }
        }

        return new SearchWords(words);
    }

    /// <summary>An SQLite FTS5 query: each word a quoted string (a prefix when two letters or more), all of them required; a contact's only in the public column.</summary>
    public string Fts5Match(bool publicOnly)
    {
        var all = string.Join(" AND ", Words.Select(w => "\"" + w + "\"" + (IsPrefix(w) ? "*" : "")));
        return publicOnly ? "{PublicText} : (" + all + ")" : all;
    }

    /// <summary>A PostgreSQL tsquery for to_tsquery('simple', …): each word quoted, :* for a prefix, joined by &amp;.</summary>
    public string TsQuery() => string.Join(" & ", Words.Select(w => "'" + w + "'" + (IsPrefix(w) ? ":*" : "")));

    /// <summary>Whether a word of a text (folded) is one the search finds.</summary>
    public bool Finds(string foldedWord) =>
        Words.Any(w => IsPrefix(w) ? foldedWord.StartsWith(w, StringComparison.Ordinal) : foldedWord == w);

    private static bool IsPrefix(string word) => word.Length >= 2;

    /// <summary>Where the words of a text are: runs of letters and digits (char.IsLetterOrDigit), as SQLite's unicode61 tokenizer splits them.</summary>
    internal static IEnumerable<(int Start, int Length)> Spans(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                yield return (start, i - start);
                start = -1;
            }
        }
    }

    internal static string Fold(ReadOnlySpan<char> word)
    {
        var folded = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            var at = FoldFrom.IndexOf(c, StringComparison.Ordinal);
            folded.Append(char.ToLowerInvariant(at >= 0 ? FoldTo[at] : c));
        }

        return folded.ToString();
    }
}

/// <summary>Where a ticket matched: plain text and the places of the words found in it (UTF-16 offsets), for the page to mark.</summary>
public sealed record TicketSnippet(string Text, IReadOnlyList<SnippetMark> Marks);

public sealed record SnippetMark(int Start, int Length);

/// <summary>The piece of a text around the first word a search finds (pure).</summary>
public static class TicketSnippets
{
    public const int Before = 60;
    public const int Length = 200;

    public static TicketSnippet? Of(string? text, SearchWords words)
    {
        if (string.IsNullOrEmpty(text) || words.IsEmpty)
        {
            return null;
        }

        var found = SearchWords.Spans(text).Where(s => words.Finds(SearchWords.Fold(text.AsSpan(s.Start, s.Length)))).ToList();
        if (found.Count == 0)
        {
            return null;
        }

        // Start a little before the first match, at a word's beginning; end at a word's end.
        var from = Math.Max(0, found[0].Start - Before);
        while (from > 0 && from < found[0].Start && char.IsLetterOrDigit(text[from - 1]))
        {
            from++;
        }

        var to = Math.Min(text.Length, from + Length);
        while (to < text.Length && to > found[0].Start + found[0].Length && char.IsLetterOrDigit(text[to]))
        {
            to--;
        }

        var lead = from > 0 ? "…" : "";
        var piece = lead + text[from..to].Replace('\r', ' ').Replace('\n', ' ') + (to < text.Length ? "…" : "");
        var marks = found.Where(s => s.Start >= from && s.Start + s.Length <= to)
            .Select(s => new SnippetMark(s.Start - from + lead.Length, s.Length)).ToList();
        return new TicketSnippet(piece, marks);
    }

    /// <summary>The parts of a snippet in order, each marked or not: what a page renders (as text, so nothing in it is markup).</summary>
    public static IEnumerable<(string Text, bool Marked)> Parts(TicketSnippet snippet)
    {
        var at = 0;
        foreach (var mark in snippet.Marks.OrderBy(m => m.Start))
        {
            if (mark.Start < at || mark.Start + mark.Length > snippet.Text.Length)
            {
                continue;
            }

            if (mark.Start > at)
            {
                yield return (snippet.Text[at..mark.Start], false);
            }

            yield return (snippet.Text.Substring(mark.Start, mark.Length), true);
            at = mark.Start + mark.Length;
        }

        if (at < snippet.Text.Length)
        {
            yield return (snippet.Text[at..], false);
        }
    }
}

/// <summary>
/// Full-text search over a ticket's title, description and conversation, through the database's own index
/// (SQLite FTS5, PostgreSQL tsvector with GIN), kept by triggers (migration TicketSearch). Each ticket has two
/// texts: the public one (title, description, public replies) and the internal notes; a contact searches the
/// public one only, agents both. Results are the caller's tickets (the ticket set's filters apply), newest first
/// by number, so the list's cursor stays what it was.
/// </summary>
public static class TicketSearch
{
    /// <summary>SQLite: a ticket's FTS5 row id is its organisation's slot shifted by this many bits, plus its number.</summary>
    private const int NumberBits = 40;

    /// <summary>The tickets the words find, newest first; <paramref name="before"/> is the list's cursor (a number).</summary>
    public static async Task<IQueryable<Ticket>> Newest(IQueryable<Ticket> tickets, SearchWords words, PartnerDeskDb db, long? before, CancellationToken ct)
    {
        if (words.IsEmpty || db.CallerOrganisationId is not { } organisation)
        {
            return tickets.Where(_ => false);
        }

        var publicOnly = db.Caller.IsContact;
        IQueryable<SearchHit> hits;
        if (db.Database.IsNpgsql())
        {
            var query = words.TsQuery();
            var below = before ?? long.MaxValue;
            hits = publicOnly
                ? db.Database.SqlQuery<SearchHit>($"""SELECT "Number" AS "Key", "Number" FROM "TicketSearch" WHERE "OrganisationId" = {organisation} AND "Number" < {below} AND "PublicText" @@ to_tsquery('simple', {query})""")
                : db.Database.SqlQuery<SearchHit>($"""SELECT "Number" AS "Key", "Number" FROM "TicketSearch" WHERE "OrganisationId" = {organisation} AND "Number" < {below} AND "AllText" @@ to_tsquery('simple', {query})""");
        }
        else
        {
            // The organisation's range of row ids, walked from the top: FTS5 reads its matches in row id order and the
            // LIMIT stops it early, so a common word costs no more than a rare one.
            var slot = await db.Database.SqlQuery<long>($"""SELECT "Slot" AS "Value" FROM "TicketSearchOrganisations" WHERE "OrganisationId" = {organisation}""")
                .FirstOrDefaultAsync(ct);
            if (slot == 0)
            {
                return tickets.Where(_ => false);
            }

            var lowest = slot << NumberBits;
            var above = lowest + Math.Min(before ?? (1L << NumberBits), 1L << NumberBits);
            var match = words.Fts5Match(publicOnly);
            hits = db.Database.SqlQuery<SearchHit>(
                $"""SELECT rowid AS "Key", rowid - {lowest} AS "Number" FROM "TicketSearchTexts" WHERE "TicketSearchTexts" MATCH {match} AND rowid > {lowest} AND rowid < {above}""");
        }

        return from t in tickets
               join h in hits on t.Number equals h.Number
               orderby h.Key descending
               select t;
    }

    /// <summary>
    /// Adds to each ticket of a page the piece of its text the words were found in: the description, then the
    /// conversation as the caller may read it (the message set's filters leave internal notes out for contacts),
    /// then the title.
    /// </summary>
    public static async Task<List<TicketSummary>> WithSnippets(List<TicketSummary> items, SearchWords words, PartnerDeskDb db, CancellationToken ct)
    {
        if (items.Count == 0 || words.IsEmpty)
        {
            return items;
        }

        var ids = items.Select(t => t.Id).ToList();
        var descriptions = await db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.Description }).ToDictionaryAsync(t => t.Id, t => t.Description, ct);
        var snippets = new Dictionary<Guid, TicketSnippet>();
        foreach (var t in items)
        {
            if (TicketSnippets.Of(descriptions.GetValueOrDefault(t.Id), words) is { } s)
            {
                snippets[t.Id] = s;
            }
        }

        var rest = ids.Where(id => !snippets.ContainsKey(id)).ToList();
        if (rest.Count > 0)
        {
            var messages = await db.TicketMessages.AsNoTracking().Where(m => rest.Contains(m.TicketId))
                .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Select(m => new { m.TicketId, m.Body }).ToListAsync(ct);
            foreach (var m in messages)
            {
                if (!snippets.ContainsKey(m.TicketId) && TicketSnippets.Of(m.Body, words) is { } s)
                {
                    snippets[m.TicketId] = s;
                }
            }
        }

        return items.Select(t => t with { Snippet = snippets.GetValueOrDefault(t.Id) ?? TicketSnippets.Of(t.Title, words) }).ToList();
    }

    /// <summary>A row of the search index: its order key and the ticket's number in the caller's organisation.</summary>
    public sealed class SearchHit
    {
        public long Key { get; init; }
        public long Number { get; init; }
    }
}
