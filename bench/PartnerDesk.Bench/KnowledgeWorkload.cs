using System.Diagnostics;
using PartnerDesk.Features.Demo;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Bench;

/// <summary>
/// Knowledge base search (issue 7): 10,000 articles of one organisation (titles of 6 words and bodies of 150,
/// drawn with a Zipf-like skew from a 3,000-word support vocabulary, a fifth of them internal) indexed the way
/// the host indexes them; then searches of 2 to 4 words, the last one cut short as while typing, as an agent
/// (every article) and as a contact (public ones), measured in process.
/// </summary>
public static class KnowledgeWorkload
{
    public sealed record SearchFigures(int Articles, long Terms, double SeedSeconds, LatencySummary Agent, LatencySummary Contact, double AverageHits);

    public static async Task<SearchFigures> Run(BenchDatabase database, int articles = 10_000, int searches = 500)
    {
        var random = new Random(42);
        var vocabulary = Vocabulary(3_000, random);
        string Words(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => vocabulary[Skewed(random, vocabulary.Length)]));

        var watch = Stopwatch.StartNew();
        long terms = 0;
        var now = DateTimeOffset.UtcNow;
        for (var batch = 0; batch < articles / 100; batch++)
        {
            await using var db = database.NewContext(System(DemoWorld.Ids.Contoso));
            for (var i = 0; i < 100; i++)
            {
                var visibility = random.Next(5) == 0 ? ArticleVisibility.Internal : ArticleVisibility.Public;
                var article = new Article
                {
                    OrganisationId = DemoWorld.Ids.Contoso,
                    Title = Words(6),
                    Body = Words(150),
                    Visibility = visibility,
                    UpdatedBy = "bench",
                    Language = random.Next(4) == 0 ? "de" : "en",
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                db.Articles.Add(article);
                foreach (var (term, weight) in ArticleWords.Index(article.Title, article.Body, null))
                {
                    db.ArticleTerms.Add(new ArticleTerm { OrganisationId = article.OrganisationId, ArticleId = article.Id, Term = term, Weight = weight, Visibility = visibility });
                    terms++;
                }
            }

            await db.SaveChangesAsync();
        }

        var seed = watch.Elapsed.TotalSeconds;
        var queries = Enumerable.Range(0, searches + 20).Select(_ =>
        {
            var words = Words(2 + random.Next(3)).Split(' ');
            var last = words[^1];
            words[^1] = last[..Math.Max(2, last.Length - random.Next(3))];
            return string.Join(' ', words);
        }).ToList();

        var hits = 0;
        async Task<LatencySummary> Measure(Caller caller)
        {
            await using var db = database.NewContext(caller);
            var latencies = new Latencies();
            for (var i = 0; i < queries.Count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var found = await KnowledgeBase.Search(db, queries[i], null, 10, CancellationToken.None, anyWord: true);
                if (i >= 20)
                {
                    latencies.Add(Stopwatch.GetTimestamp() - started);
                    hits += found.Count;
                }
            }

            return latencies.Summarise();
        }

        var agent = await Measure(Agent());
        var contact = await Measure(Contact());
        return new SearchFigures(articles, terms, seed, agent, contact, hits / (2.0 * searches));
    }

    /// <summary>Support words with a long tail: made-up stems stand for the product names and error codes real articles carry.</summary>
    private static string[] Vocabulary(int size, Random random)
    {
        string[] common =
        [
            "outlook", "mailbox", "password", "teams", "meeting", "sharepoint", "onedrive", "sync", "licence", "license", "error", "sign",
            "login", "printer", "vpn", "mfa", "authenticator", "calendar", "shared", "permission", "folder", "file", "access", "admin",
            "user", "account", "exchange", "intune", "device", "enrol", "policy", "update", "windows", "office", "install", "activate",
        ];
        var words = new List<string>(common);
        while (words.Count < size)
        {
            var length = 4 + random.Next(7);
            words.Add(new string([.. Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26)))]));
        }

        return [.. words];
    }

    /// <summary>Low indexes far more often than high ones, as word frequencies go.</summary>
    private static int Skewed(Random random, int size) => (int)Math.Min(size - 1, Math.Floor(Math.Pow(random.NextDouble(), 3) * size));

    private static Caller System(Guid organisation)
    {
        var caller = new Caller();
        caller.ActAsSystem(organisation);
        return caller;
    }

    private static Caller Agent()
    {
        var caller = new Caller();
        caller.ActAsAgent(DemoWorld.Ids.Contoso, DemoWorld.Ids.ContosoHelpdesk, PartnerDesk.Platform.Tenancy.AgentRole.HelpdeskAgent);
        return caller;
    }

    private static Caller Contact()
    {
        var caller = new Caller();
        caller.SetFrom(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
        [
            new(CallerClaims.UserId, DemoWorld.Ids.AdatumAnna.ToString()), new(CallerClaims.OrganisationId, DemoWorld.Ids.Contoso.ToString()),
            new(CallerClaims.Kind, "Contact"), new(CallerClaims.CustomerId, DemoWorld.Ids.Adatum.ToString()), new(CallerClaims.CustomerAdmin, "false"),
        ], "bench")));
        return caller;
    }
}
