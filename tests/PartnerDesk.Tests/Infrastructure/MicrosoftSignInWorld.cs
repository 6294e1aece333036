using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using PartnerDesk.Simulator;
using PartnerDesk.Simulator.Graph;

namespace PartnerDesk.Tests.Infrastructure;

/// <summary>
/// A host on its own database whose Entra ID is the simulator (with the demo world's directory of users):
/// sign-ins run the real OpenID Connect handler against the simulator's authorize and token endpoints.
/// </summary>
public sealed partial class MicrosoftSignInWorld : IAsyncLifetime
{
    public RunningSimulator Simulator { get; private set; } = null!;
    public PartnerDeskApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var scenario = await Scenario.ReadAsync(Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json"));
        Simulator = await RunningSimulator.StartAsync(scenario, autoplay: false);
        App = new PartnerDeskApp(await TestDatabase.CreateAsync(), settings: new Dictionary<string, string>
        {
            ["PartnerDesk:Microsoft:GraphBaseUrl"] = Simulator.GraphBaseUrl.ToString(),
            ["PartnerDesk:Microsoft:LoginBaseUrl"] = Simulator.Address.ToString(),
            ["PartnerDesk:Microsoft:PartnerCenterBaseUrl"] = Simulator.Address.ToString(),
            ["PartnerDesk:Microsoft:MaxRetries"] = "1",
            ["PartnerDesk:ContactImport:Enabled"] = "false",
        });
        App.CreateClient().Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    /// <summary>
    /// Adds a new member to the tenant's directory and returns its UPN: a person no other test of the class has
    /// invited or signed in, whatever order the tests run in.
    /// </summary>
    public string NewColleague(Guid tenantId, string domain)
    {
        var tenant = Simulator.Directory.TenantOf(tenantId)!;
        var upn = $"hire-{Guid.NewGuid():N}@{domain}";
        Simulator.Directory.Set(new DirectoryTenant
        {
            TenantId = tenant.TenantId,
            DisplayName = tenant.DisplayName,
            Users = [.. tenant.Users, new EntraUser { DisplayName = "New Hire", UserPrincipalName = upn }],
        });
        return upn;
    }

    /// <summary>A browser's cookie jar on the host, redirects followed by hand.</summary>
    public HttpClient Browser() => App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>
    /// Signs in through "Sign in with Microsoft" as the user with this UPN: the host's challenge, the simulator's
    /// account picker, the form post back, and the host's last step. Returns where the host sent the browser at the end.
    /// </summary>
    public async Task<string> SignIn(HttpClient browser, string upn, string returnUrl = "/", string? invitation = null, string? link = null)
    {
        var start = await browser.GetAsync($"/signin/microsoft?returnUrl={Uri.EscapeDataString(returnUrl)}"
            + (invitation is null ? "" : $"&invitation={Uri.EscapeDataString(invitation)}") + (link is null ? "" : $"&link={Uri.EscapeDataString(link)}"));
        if (link is not null && start.StatusCode == HttpStatusCode.Redirect && start.Headers.Location?.OriginalString.StartsWith("/account", StringComparison.Ordinal) == true)
        {
            return start.Headers.Location.OriginalString; // the link ticket was refused before Microsoft was asked
        }

        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.StartsWith(Simulator.Address.ToString(), authorize.ToString(), StringComparison.Ordinal);

        using var entra = new HttpClient { BaseAddress = Simulator.Address };
        var picked = await entra.PostAsync(authorize, new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = upn }));
        var page = await picked.Content.ReadAsStringAsync();
        var fields = HiddenField().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.True(fields.ContainsKey("code"), $"The simulator did not hand out a code for {upn}: {page}");

        var callback = await browser.PostAsync("/signin-microsoft", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var next = callback.Headers.Location!.ToString();
        if (!next.StartsWith("/signin/microsoft/done", StringComparison.Ordinal))
        {
            return next; // refused by the handler (token validation)
        }

        var done = await browser.GetAsync(next);
        Assert.True(done.StatusCode == HttpStatusCode.Redirect, $"The last step answered {(int)done.StatusCode}. {string.Join("\n", App.Failures)}");
        return done.Headers.Location!.ToString();
    }

    /// <summary>
    /// Connects Partner Center from a signed-in admin's browser: the host's challenge, the simulator's picker (where
    /// the user with this UPN is picked, or the picker cancelled), the form post back, and the host's last step.
    /// Returns where the host sent the browser at the end.
    /// </summary>
    public async Task<string> ConnectPartnerCenter(HttpClient browser, string upn, bool cancel = false)
    {
        var start = await browser.GetAsync("/connect/partner-center");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.StartsWith(Simulator.Address.ToString(), authorize.ToString(), StringComparison.Ordinal);
        Assert.Contains("offline_access", Uri.UnescapeDataString(authorize.Query), StringComparison.Ordinal);

        using var entra = new HttpClient { BaseAddress = Simulator.Address };
        var picked = await entra.PostAsync(authorize, new FormUrlEncodedContent(new Dictionary<string, string> { [cancel ? "cancel" : "user"] = cancel ? "1" : upn }));
        var page = await picked.Content.ReadAsStringAsync();
        var fields = HiddenField().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        var callback = await browser.PostAsync("/connect/partner-center/callback", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var next = callback.Headers.Location!.ToString();
        if (!next.StartsWith("/connect/partner-center/done", StringComparison.Ordinal))
        {
            return next;
        }

        var done = await browser.GetAsync(next);
        Assert.True(done.StatusCode == HttpStatusCode.Redirect, $"The last step answered {(int)done.StatusCode}. {string.Join("\n", App.Failures)}");
        return done.Headers.Location!.ToString();
    }

    /// <summary>Signs the browser in with the demo password through the sign-in form.</summary>
    public static async Task PasswordSignIn(HttpClient browser, string email)
    {
        var form = await browser.GetStringAsync("/signin");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = token,
            ["Form.Email"] = email,
            ["Form.Password"] = TestDatabase.DemoPassword,
            ["Form.ReturnUrl"] = "/account",
        }));
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"Password sign-in answered {(int)response.StatusCode}.");
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}
