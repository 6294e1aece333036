using Ganss.Xss;
using Markdig;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Ui;

namespace PartnerDesk.Features.Knowledge;

public sealed record ArticleRequest(string? Title, string? Body, string? Language, ArticleVisibility? Visibility, string? Service);

public sealed record ArticleFromTicketRequest(Guid? MessageId, string? Title, ArticleVisibility? Visibility, string? Language);

public sealed record ArticleSummary(Guid Id, string Title, string Language, ArticleVisibility Visibility, string? Service, DateTimeOffset UpdatedAt);

public sealed record ArticleView(Guid Id, string Title, string Body, string Html, string Language, ArticleVisibility Visibility, string? Service, Guid? SourceTicketId, string UpdatedBy, DateTimeOffset UpdatedAt);

public sealed record ArticleHit(Guid Id, string Title, string? Service, string Language, double Score);

/// <summary>Microsoft's own help for a service: offered beside the partner's articles.</summary>
public sealed record ProductResource(string Service, string Title, string Url);

public sealed record SelfHelp(IReadOnlyList<ArticleHit> Articles, IReadOnlyList<ProductResource> Resources);

public sealed record DeflectionFigures(int Visits, int Deflected, int FiledAfterwards, DateTimeOffset Since);

/// <summary>
/// The knowledge base (R14): articles in Markdown per organisation, public to its customers or internal,
/// searched through their own word index, offered while a contact writes a ticket, with the deflections
/// that brings counted. Agents turn a ticket's answer into an article.
/// </summary>
public static class KnowledgeBase
{
    /// <summary>A visit from the new-ticket form without a ticket within this time counts as deflected.</summary>
    public static readonly TimeSpan DeflectionWindow = TimeSpan.FromMinutes(30);

    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().DisableHtml().UseAutoLinks().UsePipeTables().Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static RouteGroupBuilder MapKnowledgeEndpoints(this RouteGroupBuilder api)
    {
        var articles = api.MapGroup("/articles").WithTags("Knowledge");
        articles.MapGet("/", async (string? q, string? language, string? service, int? limit, PartnerDeskDb db, CancellationToken ct) =>
            {
                var errors = new FieldErrors().MaxLength("q", q, 500);
                var take = errors.Limit(limit, 20, 100);
                if (errors.Any)
                {
                    return (IResult)errors.ToProblem();
                }

                return string.IsNullOrWhiteSpace(q)
                    ? TypedResults.Ok(await Newest(db, language, service, take, ct))
                    : TypedResults.Ok(await Search(db, q, language, take, ct));
            })
            .WithSummary("Articles, newest first; with q, the best matches (a contact: public articles only).");
        articles.MapGet("/suggest", async (string? title, string? description, string? service, PartnerDeskDb db, CancellationToken ct) =>
                TypedResults.Ok(new SelfHelp(
                    await Search(db, $"{title} {description}", null, 5, ct, anyWord: true),
                    ProductResources.For(service))))
            .WithSummary("Self-help while a ticket is written: the best articles for its text, and Microsoft's resources for its service.");
        articles.MapGet("/{id:guid}", async Task<Results<Ok<ArticleView>, NotFound>> (Guid id, bool? fromNewTicket, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                await Read(db, id, fromNewTicket == true, clock.GetUtcNow(), ct) is { } article ? TypedResults.Ok(article) : TypedResults.NotFound())
            .WithSummary("One article, its Markdown and its safe HTML; a contact's visit is counted (fromNewTicket=true: from the new-ticket form).");
        articles.MapPost("/", async (ArticleRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                (await Save(db, null, request, null, clock.GetUtcNow(), ct)).ToResult(v => TypedResults.Created($"/api/v1/articles/{v.Id}", v)))
            .RequireAuthorization(Policies.Agent).WithSummary("Writes an article (agents).");
        articles.MapPut("/{id:guid}", async (Guid id, ArticleRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                (await Save(db, id, request, null, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .RequireAuthorization(Policies.Agent).WithSummary("Changes an article (agents).");
        articles.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, PartnerDeskDb db, CancellationToken ct) =>
                await Delete(db, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequireAuthorization(Policies.Agent).WithSummary("Removes an article (agents).");
        api.MapGet("/knowledge/deflection", async (int? days, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var window = errors.Limit(days, 30, 366);
                return errors.Any ? (IResult)errors.ToProblem() : TypedResults.Ok(await Deflection(db, clock.GetUtcNow().AddDays(-window), ct));
            })
            .WithTags("Knowledge").RequireAuthorization(Policies.Agent)
            .WithSummary("Articles opened from the new-ticket form, and how many of those visits were not followed by a ticket within 30 minutes (deflected).");
        api.MapPost("/tickets/{id:guid}/article", async (Guid id, ArticleFromTicketRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                (await FromTicket(db, id, request, clock.GetUtcNow(), ct)).ToResult(v => TypedResults.Created($"/api/v1/articles/{v.Id}", v)))
            .WithTags("Knowledge").RequireAuthorization(Policies.Agent).WithSummary("Turns a ticket's answer (an agent's public reply; the last one unless named) into an article.");
        return api.MapSelfHelpDeflectionEndpoints();
    }

    private static Task<List<ArticleSummary>> Newest(PartnerDeskDb db, string? language, string? service, int take, CancellationToken ct) =>
        db.Articles.AsNoTracking().Where(a => (language == null || a.Language == language) && (service == null || a.Service == service))
            .OrderByDescending(a => a.UpdatedAt).Take(take).Select(a => new ArticleSummary(a.Id, a.Title, a.Language, a.Visibility, a.Service, a.UpdatedAt)).ToListAsync(ct);

    /// <summary>The orders of the console's list when it browses (a search keeps its ranking).</summary>
    public static readonly ListSort<Article> Sorts = new ListSort<Article>(new("updated", true), a => a.Id)
        .By("updated", a => a.UpdatedAt).By("title", a => a.Title).By("language", a => a.Language)
        .By("visibility", a => a.Visibility).By("service", a => a.Service);

    /// <summary>For the console's list: a page of the organisation's articles in the order asked.</summary>
    public static Task<ListPage<ArticleSummary>> Browse(PartnerDeskDb db, ListOrder order, int? page, CancellationToken ct) =>
        ListPage<ArticleSummary>.Read(
            Sorts.Apply(db.Articles.AsNoTracking(), order).Select(a => new ArticleSummary(a.Id, a.Title, a.Language, a.Visibility, a.Service, a.UpdatedAt)),
            page, ct);

    /// <summary>For the console's list: the newest articles, or the best matches of a search, as summaries.</summary>
    public static async Task<List<ArticleSummary>> List(PartnerDeskDb db, string? q, int take, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return await Newest(db, null, null, take, ct);
        }

        var hits = await Search(db, q.Length > 500 ? q[..500] : q, null, take, ct);
        var ids = hits.Select(h => h.Id).ToList();
        var found = await db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new ArticleSummary(a.Id, a.Title, a.Language, a.Visibility, a.Service, a.UpdatedAt)).ToDictionaryAsync(a => a.Id, ct);
        return [.. ids.Where(found.ContainsKey).Select(id => found[id])];
    }

    /// <summary>Removes an article with its index words and visits (cascade); false when it is not there.</summary>
    public static async Task<bool> Delete(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        await db.Articles.Where(a => a.Id == id).ExecuteDeleteAsync(ct) > 0;

    /// <summary>
    /// The best articles for a text: each word looked up in the index (the last one as a prefix, being typed),
    /// ranked by how many of the words an article has, then by their weights. Words found in more than a fifth
    /// of the articles are left out of the ranking, as common-term cut-offs do: they say little and their long
    /// lists of articles are what makes a search slow. Two queries.
    /// </summary>
    public static async Task<List<ArticleHit>> Search(PartnerDeskDb db, string text, string? language, int take, CancellationToken ct, bool anyWord = false)
    {
        var words = ArticleWords.Of(text, 40).Distinct().Take(12).ToList();
        if (words.Count == 0)
        {
            return [];
        }

        var exact = words.Count > 1 ? words[..^1] : [];
        var prefix = words[^1];
        // The words are lower-case letters and digits: the prefix's range ends where its last character is one higher.
        var prefixEnd = prefix[..^1] + (char)(prefix[^1] + 1);
        var contact = db.Caller.IsContact;
        var postings = db.ArticleTerms.AsNoTracking().Where(t => !contact || t.Visibility == ArticleVisibility.Public);

        // The exact words and the prefix range are asked apart and put together (UNION ALL): joined by OR in one
        // condition, SQLite reads the organisation's whole index instead of the words' few entries.
        IQueryable<ArticleTerm> Matching(List<string> terms, bool withPrefix)
        {
            var byTerm = postings.Where(t => terms.Contains(t.Term));
            return withPrefix ? byTerm.Concat(postings.Where(t => t.Term.CompareTo(prefix) >= 0 && t.Term.CompareTo(prefixEnd) < 0)) : byTerm;
        }

        // How many articles each word is in.
        var counts = await Matching(exact, withPrefix: true)
            .GroupBy(t => t.Term).Select(g => new { Term = g.Key, Articles = g.Count() })
            .ToListAsync(ct);
        if (counts.Count == 0)
        {
            return [];
        }

        var total = await db.Articles.CountAsync(ct);
        var cutoff = Math.Max(20, total / 5);
        var prefixTerms = counts.Where(c => c.Term.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var frequency = exact.ToDictionary(w => w, w => counts.FirstOrDefault(c => c.Term == w)?.Articles ?? 0);
        var useful = frequency.Where(f => f.Value > 0 && f.Value <= cutoff).Select(f => f.Key).ToList();
        var prefixUseful = prefixTerms.Count > 0 && prefixTerms.Sum(c => c.Articles) <= cutoff;
        if (useful.Count == 0 && !prefixUseful)
        {
            // Every word is common: rank by the rarest alone.
            var rarest = counts.MinBy(c => c.Articles)!.Term;
            if (exact.Contains(rarest))
            {
                useful = [rarest];
            }
            else
            {
                prefixUseful = true; // the rarest is a completion of the word being typed
            }
        }

        var required = useful.Count + (prefixUseful ? 1 : 0);
        var scores = await Matching(useful, prefixUseful)
            .GroupBy(t => t.ArticleId)
            .Select(g => new { ArticleId = g.Key, Words = g.Count(), Weight = g.Sum(t => t.Weight) })
            .Where(g => anyWord || g.Words >= required)
            .OrderByDescending(g => g.Words).ThenByDescending(g => g.Weight)
            .Take(take * 2)
            .ToListAsync(ct);
        if (scores.Count == 0)
        {
            return [];
        }

        var ids = scores.ConvertAll(s => s.ArticleId);
        var found = await db.Articles.AsNoTracking().Where(a => ids.Contains(a.Id) && (language == null || a.Language == language))
            .Select(a => new { a.Id, a.Title, a.Service, a.Language }).ToDictionaryAsync(a => a.Id, ct);
        return [.. scores.Where(s => found.ContainsKey(s.ArticleId)).Take(take)
            .Select(s => new ArticleHit(s.ArticleId, found[s.ArticleId].Title, found[s.ArticleId].Service, found[s.ArticleId].Language, s.Words + (s.Weight / 100.0)))];
    }

    public static async Task<ArticleView?> Read(PartnerDeskDb db, Guid id, bool fromNewTicket, DateTimeOffset now, CancellationToken ct)
    {
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null)
        {
            return null;
        }

        var caller = db.Caller;
        if (caller.IsContact)
        {
            db.ArticleVisits.Add(new ArticleVisit
            {
                OrganisationId = article.OrganisationId,
                CustomerId = caller.CustomerId!.Value,
                ContactId = caller.UserId,
                ArticleId = id,
                FromNewTicket = fromNewTicket,
                At = now,
            });
            await db.SaveChangesAsync(ct);
        }

        return View(article);
    }

    /// <summary>Markdown to HTML without raw HTML, then sanitised: no script, handler or javascript: link survives.</summary>
    public static string Html(string markdown) => Sanitizer.Sanitize(Markdig.Markdown.ToHtml(markdown, Markdown));

    private static ArticleView View(Article a) =>
        new(a.Id, a.Title, a.Body, Html(a.Body), a.Language, a.Visibility, a.Service, a.SourceTicketId, a.UpdatedBy, a.UpdatedAt);

    internal static async Task<Outcome<ArticleView>> Save(PartnerDeskDb db, Guid? id, ArticleRequest request, Guid? sourceTicketId, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .Required("title", request.Title, ArticleLimits.Title)
            .Required("body", request.Body, ArticleLimits.Body)
            .MaxLength("service", request.Service, 100)
            .Defined("visibility", request.Visibility);
        var language = request.Language ?? "en";
        if (language is not ("en" or "de"))
        {
            errors.Add("language", "Write articles in English (en) or German (de).");
        }

        var article = id is null ? null : await db.Articles.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (id is not null && article is null)
        {
            return Outcome<ArticleView>.Missing;
        }

        if (errors.Any)
        {
            return errors;
        }

        // The old index words go in the same transaction as the new text: a failed save leaves the article as it was.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        if (article is null)
        {
            article = new Article { OrganisationId = db.Caller.RequireOrganisation(), Title = "", Body = "", UpdatedBy = "", CreatedAt = now, SourceTicketId = sourceTicketId };
            db.Articles.Add(article);
        }
        else
        {
            await db.ArticleTerms.Where(t => t.ArticleId == article.Id).ExecuteDeleteAsync(ct);
        }

        (article.Title, article.Body, article.Language) = (request.Title!.Trim(), request.Body!, language);
        (article.Visibility, article.Service) = (request.Visibility ?? ArticleVisibility.Public, string.IsNullOrWhiteSpace(request.Service) ? null : request.Service.Trim());
        (article.UpdatedBy, article.UpdatedAt) = (db.Caller.DisplayName, now);
        foreach (var (term, weight) in ArticleWords.Index(article.Title, article.Body, article.Service))
        {
            db.ArticleTerms.Add(new ArticleTerm { OrganisationId = article.OrganisationId, ArticleId = article.Id, Term = term, Weight = weight, Visibility = article.Visibility });
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome<ArticleView>.Missing; // deleted meanwhile by somebody else
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        return View(article);
    }

    private static async Task<Outcome<ArticleView>> FromTicket(PartnerDeskDb db, Guid ticketId, ArticleFromTicketRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => new { t.Title, t.Description, t.Service }).FirstOrDefaultAsync(ct);
        if (ticket is null)
        {
            return Outcome<ArticleView>.Missing;
        }

        var answer = await db.TicketMessages.AsNoTracking()
            .Where(m => m.TicketId == ticketId && m.AuthorIsAgent && m.Visibility == Tickets.MessageVisibility.Public && (request.MessageId == null || m.Id == request.MessageId))
            .OrderByDescending(m => m.CreatedAt).Select(m => m.Body).FirstOrDefaultAsync(ct);
        if (answer is null)
        {
            return new FieldErrors().Add("messageId", "The ticket has no public answer of an agent to make an article of.");
        }

        var body = $"## {ticket.Title}\n\n{ticket.Description}\n\n## Answer\n\n{answer}";
        return await Save(db, null, new ArticleRequest(request.Title ?? ticket.Title, body.Length > ArticleLimits.Body ? body[..ArticleLimits.Body] : body,
            request.Language, request.Visibility ?? ArticleVisibility.Internal, ticket.Service), ticketId, now, ct);
    }

    /// <summary>Visits from the new-ticket form, and those not followed by a ticket of the same contact within 30 minutes.</summary>
    public static async Task<DeflectionFigures> Deflection(PartnerDeskDb db, DateTimeOffset since, CancellationToken ct)
    {
        var visits = await db.ArticleVisits.AsNoTracking().Where(v => v.FromNewTicket && v.At >= since).Select(v => new { v.ContactId, v.At }).ToListAsync(ct);
        var contacts = visits.Select(v => (Guid?)v.ContactId).Distinct().ToList();
        var filings = (await db.Tickets.AsNoTracking().Where(t => contacts.Contains(t.RequesterContactId) && t.CreatedAt >= since)
                .Select(t => new { t.RequesterContactId, t.CreatedAt }).ToListAsync(ct))
            .ToLookup(t => t.RequesterContactId!.Value, t => t.CreatedAt);
        var filed = visits.Count(v => filings[v.ContactId].Any(at => at >= v.At && at <= v.At + DeflectionWindow));
        return new DeflectionFigures(visits.Count, visits.Count - filed, filed, since);
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.UnionWith(["https", "http", "mailto"]);
        return sanitizer;
    }
}

/// <summary>Microsoft's support resources per service: where its own help and status live.</summary>
public static class ProductResources
{
    private static readonly Dictionary<string, ProductResource[]> ByService = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Exchange Online"] = [new("Exchange Online", "Exchange Online troubleshooting", "https://learn.microsoft.com/troubleshoot/exchange/welcome-exchange-online")],
        ["Microsoft Teams"] = [new("Microsoft Teams", "Microsoft Teams troubleshooting", "https://learn.microsoft.com/troubleshoot/microsoftteams/teams-welcome")],
        ["SharePoint Online"] = [new("SharePoint Online", "SharePoint troubleshooting", "https://learn.microsoft.com/troubleshoot/sharepoint/welcome-sharepoint")],
        ["OneDrive for Business"] = [new("OneDrive for Business", "Fix OneDrive sync problems", "https://support.microsoft.com/office/fix-onedrive-sync-problems-0899b115-05f7-45ec-95b2-e4cc8c4670b2")],
        ["Microsoft Entra ID"] = [new("Microsoft Entra ID", "Microsoft Entra troubleshooting", "https://learn.microsoft.com/troubleshoot/entra/entra-id/welcome-azure-ad")],
        ["Microsoft Intune"] = [new("Microsoft Intune", "Intune troubleshooting", "https://learn.microsoft.com/troubleshoot/mem/intune/welcome-intune")],
        ["Microsoft 365 Apps"] = [new("Microsoft 365 Apps", "Microsoft 365 Apps troubleshooting", "https://learn.microsoft.com/troubleshoot/microsoft-365-apps/welcome-microsoft-365-apps")],
    };

    private static readonly ProductResource General = new("Microsoft 365", "Microsoft 365 help and learning", "https://support.microsoft.com/microsoft-365");

    public static IReadOnlyList<ProductResource> For(string? service) =>
        service is not null && ByService.TryGetValue(service, out var resources) ? [.. resources, General] : [General];
}
