using System.Net;
using System.Net.Http.Json;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Knowledge;

/// <summary>The knowledge base (R14): articles, their search, what contacts may read, self-help while filing, deflection.</summary>
public sealed class KnowledgeBaseTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private PartnerDeskApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<ArticleView> Write(HttpClient agent, string title, string body, string visibility = "Public", string language = "en", string? service = null) =>
        await (await agent.PostAsJsonAsync("/api/v1/articles", new { title, body, visibility, language, service }, Ct)).Read<ArticleView>(HttpStatusCode.Created);

    [Fact]
    public async Task Articles_are_found_by_their_words_and_contacts_read_only_the_public_ones()
    {
        var agent = await App.ClientFor(Demo.ContosoHelpdesk);
        var outlook = await Write(agent, "Outlook keeps asking for the password", "Remove the cached credentials in **Credential Manager**, then restart Outlook.", service: "Exchange Online");
        var german = await Write(agent, "Outlook fragt ständig nach dem Kennwort", "Löschen Sie die gespeicherten Anmeldedaten.", language: "de");
        var internalNote = await Write(agent, "Outlook password loops: reset the MFA registration", "Use the admin center.", visibility: "Internal");

        var found = await (await agent.GetAsync("/api/v1/articles?q=outlook%20password", Ct)).Read<List<ArticleHit>>();
        Assert.Equal(outlook.Id, found[0].Id);
        Assert.Contains(found, h => h.Id == internalNote.Id);
        var typing = await (await agent.GetAsync("/api/v1/articles?q=credential%20manag", Ct)).Read<List<ArticleHit>>();
        Assert.Equal(outlook.Id, Assert.Single(typing).Id); // the last word as a prefix, while it is being typed
        var accents = await (await agent.GetAsync("/api/v1/articles?q=standig%20kennwort", Ct)).Read<List<ArticleHit>>();
        Assert.Equal(german.Id, Assert.Single(accents).Id);

        var contact = await App.ClientFor(Demo.AdatumAnna);
        var seen = await (await contact.GetAsync("/api/v1/articles?q=outlook%20password", Ct)).Read<List<ArticleHit>>();
        Assert.DoesNotContain(seen, h => h.Id == internalNote.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await contact.GetAsync($"/api/v1/articles/{internalNote.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await contact.PostAsJsonAsync("/api/v1/articles", new { title = "t", body = "b" }, Ct)).StatusCode);
        var fabrikam = await (await (await App.ClientFor(Demo.WideWorldIt)).GetAsync("/api/v1/articles?q=outlook", Ct)).Read<List<ArticleHit>>();
        Assert.Empty(fabrikam);

        // Self-help while filing: the articles and Microsoft's help for the service.
        var help = await (await contact.GetAsync("/api/v1/articles/suggest?title=Outlook%20asks%20for%20my%20password&service=Exchange%20Online", Ct)).Read<SelfHelp>();
        Assert.Equal(outlook.Id, help.Articles[0].Id);
        Assert.Contains(help.Resources, r => r.Service == "Exchange Online" && r.Url.StartsWith("https://", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Markdown_with_scripts_is_rendered_harmless_and_bad_input_names_its_field()
    {
        var agent = await App.ClientFor(Demo.ContosoAdmin);
        var article = await Write(agent, "Links", "Click [here](javascript:alert(1)) or <script>alert(2)</script> <img src=x onerror=alert(3)> and see [docs](https://learn.microsoft.com).");

        Assert.DoesNotContain("javascript:", article.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", article.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", article.Html, StringComparison.OrdinalIgnoreCase); // raw HTML stays text: "&lt;img … onerror …&gt;"
        Assert.Contains("href=\"https://learn.microsoft.com\"", article.Html, StringComparison.Ordinal);

        await (await agent.PostAsJsonAsync("/api/v1/articles", new { body = "b" }, Ct)).ProblemNaming("title");
        await (await agent.PostAsJsonAsync("/api/v1/articles", new { title = "t" }, Ct)).ProblemNaming("body");
        await (await agent.PostAsJsonAsync("/api/v1/articles", new { title = "t", body = "b", language = "fr" }, Ct)).ProblemNaming("language");
        await (await agent.PostAsJsonAsync("/api/v1/articles", new { title = "t", body = "b", visibility = "Secret" }, Ct)).ProblemNaming("visibility");
        await (await agent.GetAsync($"/api/v1/articles?q={new string('a', 600)}", Ct)).ProblemNaming("q");

        var changed = await (await agent.PutAsJsonAsync($"/api/v1/articles/{article.Id}", new { title = "Harmless links", body = "Now about printers." }, Ct)).Read<ArticleView>();
        Assert.Equal("Harmless links", changed.Title);
        Assert.Empty(await (await agent.GetAsync("/api/v1/articles?q=javascript", Ct)).Read<List<ArticleHit>>());
        Assert.Single(await (await agent.GetAsync("/api/v1/articles?q=printers", Ct)).Read<List<ArticleHit>>(), h => h.Id == article.Id);
    }

    [Fact]
    public async Task A_tickets_answer_becomes_an_article_and_deflection_is_counted()
    {
        var contact = await App.ClientFor(Demo.LitwareIt);
        var ticket = await (await contact.PostAsJsonAsync("/api/v1/tickets", new { title = "Teams meeting recordings missing", description = "Where do recordings go?", severity = "C", kind = "ServiceRequest", service = "Microsoft Teams" }, Ct))
            .Read<TicketDetails>(HttpStatusCode.Created);
        var agent = await App.ClientFor(Demo.ContosoAdmin);
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/article", new { }, Ct)).ProblemNaming("messageId");
        await agent.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/messages", new { body = "Recordings are saved in the organiser's OneDrive, folder Recordings." }, Ct);

        var article = await (await agent.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/article", new { visibility = "Public" }, Ct)).Read<ArticleView>(HttpStatusCode.Created);
        Assert.Equal((ticket.Id, "Teams meeting recordings missing", "Microsoft Teams"), (article.SourceTicketId!.Value, article.Title, article.Service));
        Assert.Contains("organiser's OneDrive", article.Body, StringComparison.Ordinal);

        var before = await (await agent.GetAsync("/api/v1/knowledge/deflection", Ct)).Read<DeflectionFigures>();
        // Anna opens it from the new-ticket form and does not file: deflected.
        var anna = await App.ClientFor(Demo.AdatumAnna);
        Assert.Equal(HttpStatusCode.OK, (await anna.GetAsync($"/api/v1/articles/{article.Id}?fromNewTicket=true", Ct)).StatusCode);
        // Litware's contact opens it and files anyway: not deflected.
        await contact.GetAsync($"/api/v1/articles/{article.Id}?fromNewTicket=true", Ct);
        App.Clock.Advance(TimeSpan.FromMinutes(5));
        await contact.PostAsJsonAsync("/api/v1/tickets", new { title = "Still no recordings", description = "Not in OneDrive either.", severity = "C", kind = "ServiceRequest" }, Ct);

        var after = await (await agent.GetAsync("/api/v1/knowledge/deflection", Ct)).Read<DeflectionFigures>();
        Assert.Equal((before.Visits + 2, before.Deflected + 1, before.FiledAfterwards + 1), (after.Visits, after.Deflected, after.FiledAfterwards));
        Assert.Equal(HttpStatusCode.Forbidden, (await anna.GetAsync("/api/v1/knowledge/deflection", Ct)).StatusCode);
    }
}
