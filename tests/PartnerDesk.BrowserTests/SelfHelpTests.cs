using System.Net.Http.Json;
using Microsoft.Playwright;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.BrowserTests;

public sealed class SelfHelpTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    [Fact]
    public async Task A_contact_writing_a_ticket_is_offered_an_article_reads_it_and_leaving_counts_as_deflected()
    {
        var agent = await browser.App.ClientFor(Demo.ContosoHelpdesk);
        var written = await agent.PostAsJsonAsync("/api/v1/articles", new
        {
            title = "Shared mailbox does not appear in Outlook",
            body = "Automapping can take **up to an hour**. If it still does not appear, add it under *File > Account settings*.\n\n<script>window.__pwned = true</script>",
            service = "Exchange Online",
            visibility = "Public",
        });
        var article = (await written.Content.ReadFromJsonAsync<ArticleView>(Json))!;
        var before = (await (await agent.GetAsync("/api/v1/knowledge/deflection")).Content.ReadFromJsonAsync<DeflectionFigures>(Json))!;

        var contact = await browser.SignedIn(Demo.AdatumAnna);
        await contact.GotoAsync("/portal/new");
        var help = contact.Locator("#self-help");
        await Assertions.Expect(help).ToBeHiddenAsync();
        await contact.FillAsync("#title", "Shared mailbox missing");
        await contact.FillAsync("#description", "The sales shared mailbox does not show in Outlook.");

        await Assertions.Expect(help).ToBeVisibleAsync();
        var offered = help.Locator("a.self-help-article", new LocatorLocatorOptions { HasText = article.Title });
        await Assertions.Expect(offered).ToHaveCountAsync(1);
        await BrowserFixture.Screenshot(contact, "self-help-offered");

        // The article opens in a new tab; the form keeps what was written.
        var tab = await contact.Context.RunAndWaitForPageAsync(() => offered.ClickAsync());
        await Assertions.Expect(tab.Locator("#article-body strong")).ToHaveTextAsync("up to an hour");
        Assert.False(await tab.EvaluateAsync<bool>("() => window.__pwned === true"));
        await BrowserFixture.Screenshot(tab, "self-help-article");
        await Assertions.Expect(contact.Locator("#title")).ToHaveValueAsync("Shared mailbox missing");

        // The contact leaves without filing: one more deflection.
        var after = (await (await agent.GetAsync("/api/v1/knowledge/deflection")).Content.ReadFromJsonAsync<DeflectionFigures>(Json))!;
        Assert.Equal((before.Visits + 1, before.Deflected + 1), (after.Visits, after.Deflected));
    }
}
