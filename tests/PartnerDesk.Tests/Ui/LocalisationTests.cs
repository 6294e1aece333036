using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Ui;
using PartnerDesk.Tests.Infrastructure;

namespace PartnerDesk.Tests.Ui;

public sealed partial class LocalisationTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static string SourceFolder()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PartnerDesk.slnx")))
        {
            folder = folder.Parent;
        }

        return Path.Combine(folder?.FullName ?? throw new InvalidOperationException("Repository root not found."), "src", "PartnerDesk");
    }

    [Fact]
    public void Every_ui_text_and_every_shown_enum_value_has_a_german_translation()
    {
        var keys = Directory.EnumerateFiles(SourceFolder(), "*.razor", SearchOption.AllDirectories)
            .SelectMany(file => TextKey().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .Where(k => !k.EndsWith(' '))
            .Concat(Enum.GetNames<TicketStatus>()).Concat(Enum.GetNames<TicketKind>()).Concat(Enum.GetNames<Channel>())
            .Concat(Enum.GetNames<QueueSort>()).Concat(Enum.GetNames<Features.ServiceHealth.IssueClassification>()).Concat(Enum.GetNames<Features.ServiceHealth.KnownIssueLinkState>()).Concat(Enum.GetNames<Features.Escalations.EscalationState>()).Concat(Enum.GetNames<Features.Escalations.EscalationCategory>()).Concat(Enum.GetNames<Severity>().Select(s => "Severity " + s)).Concat(["SlaBreach", "SlaWarning"]).Concat(Enum.GetNames<Features.Billing.StatementLineKind>()).Concat(Enum.GetNames<Features.Plans.SupportDelivery>())
            .Distinct()
            .ToList();
        Assert.True(keys.Count > 50, $"Only {keys.Count} texts found: is the scan broken?");

        var localizer = fixture.App.Services.GetRequiredService<IStringLocalizer<Text>>();
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("de");
            var missing = keys.Where(k => localizer[k].ResourceNotFound).ToList();
            Assert.True(missing.Count == 0, "No German text for: " + string.Join(" | ", missing));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void No_two_texts_differ_only_in_case()
    {
        // The resource build keeps the first of two names that differ only in case and drops the second with a
        // mere warning (MSB3568), so the second text would silently show in English.
        var clashes = Directory.EnumerateFiles(SourceFolder(), "*.resx", SearchOption.AllDirectories)
            .SelectMany(file => System.Xml.Linq.XDocument.Load(file).Root!.Elements("data")
                .Select(d => (File: Path.GetFileName(file), Name: (string)d.Attribute("name")!)))
            .GroupBy(e => (e.File, e.Name.ToUpperInvariant()))
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" / ", g.Select(e => e.Name)))
            .ToList();
        Assert.True(clashes.Count == 0, "Texts that differ only in case: " + string.Join(" | ", clashes));
    }

    [Fact]
    public async Task The_language_switch_turns_the_pages_german()
    {
        using var client = fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Contains(">Sign in<", await client.GetStringAsync("/signin"), StringComparison.Ordinal);

        var switched = await PartnerDeskApp.SwitchLanguage(client, "de", "/signin");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/signin", switched.Headers.Location?.OriginalString);
        var german = await client.GetStringAsync("/signin");
        Assert.Contains(">Anmelden<", german, StringComparison.Ordinal);
        Assert.Contains("lang=\"de\"", german, StringComparison.Ordinal);

        // Only local return addresses: no open redirect.
        var outside = await PartnerDeskApp.SwitchLanguage(client, "en", "//evil.example");
        Assert.Equal("/", outside.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Switching_the_language_is_a_form_post_with_an_antiforgery_token_never_a_link()
    {
        using var client = fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/signin");
        Assert.Contains("action=\"/culture\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"language-de\"", page, StringComparison.Ordinal);

        // A link (or an image another site shows) changes nothing any more; a post without the token is refused.
        var viaGet = await client.GetAsync("/culture/de?returnUrl=%2Fsignin");
        Assert.DoesNotContain(viaGet.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(".AspNetCore.Culture", StringComparison.Ordinal)));
        var forged = await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "de", ["returnUrl"] = "/signin" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains(">Sign in<", await client.GetStringAsync("/signin"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_portal_form_error_reads_in_the_person_s_language()
    {
        using var browser = await fixture.App.CookieClientFor(Demo.AdatumAnna, culture: "de");
        var form = await browser.GetStringAsync("/portal/new");
        var token = Antiforgery().Match(form).Groups[1].Value;
        var response = await browser.PostAsync("/portal/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "new-ticket",
            ["__RequestVerificationToken"] = token,
            ["Form.Title"] = "",
            ["Form.Description"] = "Drucker druckt nicht.",
            ["Form.Severity"] = "C",
            ["Form.Kind"] = "Incident",
        }));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Bitte geben Sie einen Titel ein.", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("L\\[\"([^\"]+)\"")]
    private static partial Regex TextKey();
}
