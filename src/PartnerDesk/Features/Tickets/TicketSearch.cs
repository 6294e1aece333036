using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

/// <summary>
/// The words of a search (pure): runs of letters and digits, lower case, the accents of Latin letters folded
/// (ä → a, é → e; ß stays), at most <see cref="MaxWords"/>. Every word must be found in the ticket; a word of two
/// letters or more also finds the words it begins ("postfä" finds "Postfächer"); a longer word than
/// <see cref="MaxLetters"/> letters counts with its first <see cref="MaxLetters"/> (SQLite indexes prefixes up to that
/// length, so every prefix is one list to read, never a merge of every word it begins). Everything else in the text
/// (quotes, *, -, parentheses, AND, NEAR) is a separator or a plain word: the database's query syntax is written
/// here, from these words only, never from what the caller typed.
/// </summary>
public sealed class SearchWords
{
    public const int MaxWords = 10;

    /// <summary>The longest prefix SQLite's index holds (the migration's <c>prefix</c> list ends there).</summary>
    public const int MaxLetters = 12;

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
            var word = Fold(text.AsSpan(start, Math.Min(length, MaxLetters)));
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

    /// <summary>The most candidates one round reads from the index (each is a parameter of the tickets' query).</summary>
    internal const int MaxBatch = 1000;

    /// <summary>After this many candidates the filters evidently leave few of them: the filtered set is walked instead.</summary>
    internal const int MaxCandidates = 250;

    /// <summary>
    /// A page of the tickets the words find, newest first, from below <paramref name="before"/> (the list's cursor):
    /// the <paramref name="take"/> after the first <paramref name="skip"/>. In two steps, because neither database
    /// orders a join of the ticket set (its filters, the summary's joins) with the index the way a page wants: first the
    /// newest numbers the index holds for the words (SQLite walks its row ids down from the cursor and stops at the
    /// LIMIT; PostgreSQL walks (organisation, number) or reads the GIN index, whichever it finds cheaper), then the
    /// ticket set's page among those numbers: isolation, a contact's own tickets and every filter apply there, never
    /// in the index. When the filters leave out some candidates the next round reads more (four times as many);
    /// when they leave out nearly all, the filtered set is walked instead and the index asked about each of its tickets.
    /// </summary>
    public static async Task<List<TicketSummary>> NewestPage(IQueryable<Ticket> tickets, SearchWords words, PartnerDeskDb db, long? before, int skip, int take, CancellationToken ct)
    {
        if (await SearchIndex.Of(db, words, ct) is not { } index)
        {
            return [];
        }

        var wanted = skip + take;
        var found = new List<TicketSummary>(Math.Min(wanted, MaxBatch));
        var below = before ?? long.MaxValue;
        var batch = Math.Clamp(wanted, 20, MaxBatch);
        var read = 0;
        while (found.Count < wanted)
        {
            if (read >= MaxCandidates)
            {
                found.AddRange(await WalkFiltered(tickets, index, below, wanted - found.Count, ct));
                break;
            }

            var numbers = await index.Newest(below, batch).ToListAsync(ct);
            if (numbers.Count > 0)
            {
                found.AddRange(await tickets.Where(t => numbers.Contains(t.Number)).OrderByDescending(t => t.Number)
                    .Take(wanted - found.Count).ToSummaries().ToListAsync(ct));
            }

            if (numbers.Count < batch)
            {
                break;
            }

            read += numbers.Count;
            below = numbers[^1];
            batch = Math.Min(batch * 4, MaxBatch);
        }

        return found.Count > skip ? found.GetRange(skip, found.Count - skip) : [];
    }

    /// <summary>
    /// The filters keep few of the index's matches (a small customer, a contact's own tickets): the filtered set's
    /// numbers newest first, a batch at a time, and the index asked which of them it holds (one lookup each), so the
    /// cost grows with the filtered set, not with every ticket the words find in the organisation.
    /// </summary>
    private static async Task<List<TicketSummary>> WalkFiltered(IQueryable<Ticket> tickets, SearchIndex index, long below, int wanted, CancellationToken ct)
    {
        var found = new List<TicketSummary>();
        var batch = 250;
        while (found.Count < wanted)
        {
            var from = below;
            var numbers = await tickets.Where(t => t.Number < from).OrderByDescending(t => t.Number).Select(t => t.Number).Take(batch).ToListAsync(ct);
            if (numbers.Count == 0)
            {
                break;
            }

            var matching = await index.Among(numbers).ToListAsync(ct);
            if (matching.Count > 0)
            {
                found.AddRange(await tickets.Where(t => matching.Contains(t.Number)).OrderByDescending(t => t.Number)
                    .Take(wanted - found.Count).ToSummaries().ToListAsync(ct));
            }

            if (numbers.Count < batch)
            {
                break;
            }

            below = numbers[^1];
            batch = Math.Min(batch * 4, MaxBatch);
        }

        return found;
    }

    /// <summary>
    /// Every ticket of the set the words find, in no order (for the console queue's other sorts): the set's filters
    /// with the index's matches as a subquery, so the cost grows with the number of matches.
    /// </summary>
    public static async Task<IQueryable<Ticket>> Matching(IQueryable<Ticket> tickets, SearchWords words, PartnerDeskDb db, CancellationToken ct)
    {
        if (await SearchIndex.Of(db, words, ct) is not { } index)
        {
            return tickets.Where(_ => false);
        }

        var numbers = index.Numbers(long.MaxValue);
        return tickets.Where(t => numbers.Contains(t.Number));
    }

    /// <summary>The caller's organisation's part of the index and the query for the words (raw SQL: the index is outside the EF model).</summary>
    private sealed class SearchIndex
    {
        private readonly PartnerDeskDb db;
        private readonly bool postgres;
        private readonly object organisation;
        private readonly string query;
        private readonly bool publicOnly;

        // {0} the organisation, {1} the cursor (a number), {2} the tsquery; a contact reads the public text only.
        private const string PostgresPublic = """SELECT "Number" AS "Value" FROM "TicketSearch" WHERE "OrganisationId" = {0} AND "Number" < {1} AND "PublicText" @@ replace(to_tsquery('simple', {2})::text, '<->', '&')::tsquery""";
        private const string PostgresAll = """SELECT "Number" AS "Value" FROM "TicketSearch" WHERE "OrganisationId" = {0} AND "Number" < {1} AND "AllText" @@ replace(to_tsquery('simple', {2})::text, '<->', '&')::tsquery""";
        private const string PostgresPublicAmong = """SELECT "Number" AS "Value" FROM "TicketSearch" WHERE "OrganisationId" = {0} AND "Number" = ANY({1}) AND "PublicText" @@ replace(to_tsquery('simple', {2})::text, '<->', '&')::tsquery""";
        private const string PostgresAllAmong = """SELECT "Number" AS "Value" FROM "TicketSearch" WHERE "OrganisationId" = {0} AND "Number" = ANY({1}) AND "AllText" @@ replace(to_tsquery('simple', {2})::text, '<->', '&')::tsquery""";
        private const string NewestFirst = """ ORDER BY "Number" DESC LIMIT {3}""";

        // {0} the organisation's lowest row id, {1} the FTS5 query (the column filter in it for a contact), {2} the row id of the cursor.
        private const string Sqlite = """SELECT rowid - {0} AS "Value" FROM "TicketSearchTexts" WHERE "TicketSearchTexts" MATCH {1} AND rowid > {0} AND rowid < {2}""";

        private const string SqliteAmong = """SELECT rowid - {0} AS "Value" FROM "TicketSearchTexts" WHERE "TicketSearchTexts" MATCH {1} AND rowid IN (SELECT {0} + "value" FROM json_each({2}))""";

        private SearchIndex(PartnerDeskDb db, bool postgres, object organisation, string query, bool publicOnly)
        {
            this.db = db;
            this.postgres = postgres;
            this.organisation = organisation;
            this.query = query;
            this.publicOnly = publicOnly;
        }

        public static async Task<SearchIndex?> Of(PartnerDeskDb db, SearchWords words, CancellationToken ct)
        {
            if (words.IsEmpty || db.CallerOrganisationId is not { } organisation)
            {
                return null;
            }

            var publicOnly = db.Caller.IsContact;
            if (db.Database.IsNpgsql())
            {
                return new SearchIndex(db, true, organisation, words.TsQuery(), publicOnly);
            }

            // The index follows the writes in batches (TicketSearchIndexer); when tickets of this organisation are still
            // queued, this search indexes what was queued when it began (not what comes while it waits), so that what
            // was just written is found. Not inside a caller's transaction, which already holds the write turn the
            // catching up would wait for. Should that fail, the search reads the index as it is.
            var state = await IndexState(db, organisation, ct);
            if (state.BehindUpTo is { } upTo && db.Database.CurrentTransaction is null)
            {
                try
                {
                    await TicketSearchIndexer.CatchUp(db, ct, upTo, firstInLine: true);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    db.GetService<ILoggerFactory>().CreateLogger(typeof(TicketSearch)).LogWarning(
                        e, "A search could not index the tickets written just before it; it read the index as it was.");
                }

                // Read again whatever the catching up did: the indexer's own round may have written the rows meanwhile.
                state = await IndexState(db, organisation, ct);
            }

            return state.Slot is not { } slot ? null : new SearchIndex(db, false, slot << NumberBits, words.Fts5Match(publicOnly), publicOnly);
        }

        /// <summary>
        /// SQLite: the organisation's slot in the index (none before its first ticket is indexed), and the last queue entry
        /// of one of its tickets (a ticket there, or a row id in its range) when any waits; one read.
        /// </summary>
        private static Task<SqliteIndexState> IndexState(PartnerDeskDb db, Guid organisation, CancellationToken ct) =>
            db.Database.SqlQuery<SqliteIndexState>($"""
                SELECT s."Slot" AS "Slot",
                       (SELECT max(q."Seq") FROM "TicketSearchQueue" q LEFT JOIN "Tickets" t ON t."Id" = q."TicketId"
                        WHERE t."OrganisationId" = {organisation} OR q."Removed" >> {NumberBits} = s."Slot") AS "BehindUpTo"
                FROM (SELECT (SELECT "Slot" FROM "TicketSearchOrganisations" WHERE "OrganisationId" = {organisation}) AS "Slot") s
                """).SingleAsync(ct);

        private sealed record SqliteIndexState(long? Slot, long? BehindUpTo);

        /// <summary>The numbers of the newest matches below a number, newest first.</summary>
        public IQueryable<long> Newest(long below, int count) => postgres
            ? db.Database.SqlQueryRaw<long>(publicOnly ? PostgresPublic + NewestFirst : PostgresAll + NewestFirst, organisation, below, query, count)
            // One organisation is one range of row ids: FTS5 walks it from the top in row id order and stops at the LIMIT.
            : db.Database.SqlQueryRaw<long>(Sqlite + " ORDER BY rowid DESC LIMIT {3}", organisation, query, Top(below), count);

        /// <summary>The numbers of every match below a number (to compose, not ordered).</summary>
        public IQueryable<long> Numbers(long below) => postgres
            ? db.Database.SqlQueryRaw<long>(publicOnly ? PostgresPublic : PostgresAll, organisation, below, query)
            : db.Database.SqlQueryRaw<long>(Sqlite, organisation, query, Top(below));

        /// <summary>Which of these numbers the index finds (each one lookup: SQLite by row id, PostgreSQL by (organisation, number)).</summary>
        public IQueryable<long> Among(List<long> numbers)
        {
            if (postgres)
            {
                return db.Database.SqlQueryRaw<long>(publicOnly ? PostgresPublicAmong : PostgresAllAmong, organisation, numbers.ToArray(), query);
            }


            // The numbers as one JSON array parameter: one statement text whatever their count, as EF does for Contains.
            return db.Database.SqlQueryRaw<long>(SqliteAmong, organisation, query, System.Text.Json.JsonSerializer.Serialize(numbers));
        }

        /// <summary>SQLite: the row id below which the organisation's tickets under a number lie.</summary>
        private long Top(long below) => (long)organisation + Math.Min(below, 1L << NumberBits);
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

        // By number, not by id: SQLite (no statistics) reads a ticket set filtered by id through the organisation's
        // index, every ticket of it; (organisation, number) is one lookup per ticket.
        var numbers = new List<long>(items.Count);
        foreach (var t in items)
        {
            if (TicketNumber.TryParse(t.Number, out var number))
            {
                numbers.Add(number);
            }
        }

        var tickets = db.Tickets.AsNoTracking();
        var descriptions = await tickets.Where(t => numbers.Contains(t.Number)).Select(t => new { t.Id, t.Description }).ToDictionaryAsync(t => t.Id, t => t.Description, ct);
        var snippets = new Dictionary<Guid, TicketSnippet>();
        var rest = new List<long>();
        foreach (var t in items)
        {
            if (TicketSnippets.Of(descriptions.GetValueOrDefault(t.Id), words) is { } s)
            {
                snippets[t.Id] = s;
            }
            else if (TicketNumber.TryParse(t.Number, out var number))
            {
                rest.Add(number);
            }
        }

        if (rest.Count > 0)
        {
            // From the tickets to their messages (the message set's filters still apply: a contact reads no note).
            var messages = await (from t in tickets
                                  where rest.Contains(t.Number)
                                  join m in db.TicketMessages.AsNoTracking() on t.Id equals m.TicketId
                                  orderby m.CreatedAt, m.Id
                                  select new { m.TicketId, m.Body }).ToListAsync(ct);
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
}
