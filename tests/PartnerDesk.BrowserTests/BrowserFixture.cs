using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PartnerDesk.Tests.Infrastructure;

[assembly: PartnerDesk.BrowserTests.FailOnCspViolations]

namespace PartnerDesk.BrowserTests;

/// <summary>The real host on a real socket and one Debian Chromium for the whole run; pages are new per test.</summary>
public class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public PartnerDeskApp App { get; private set; } = null!;
    public PartnerDesk.Simulator.RunningSimulator Simulator { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    public static string Artifacts =>
        Environment.GetEnvironmentVariable("PD_TEST_ARTIFACTS") is { Length: > 0 } folder
            ? folder
            : Path.Combine(AppContext.BaseDirectory, "artifacts");

    /// <summary>Settings a test class needs on top (a fixture of its own turns background jobs on).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    /// <summary>The host's database: the demo world, unless a fixture starts from nothing.</summary>
    protected virtual Task<string> CreateDatabase() => TestDatabase.CreateAsync();

    public async ValueTask InitializeAsync()
    {
        // Microsoft is the simulator, on a port of its own.
        Simulator = await PartnerDesk.Simulator.RunningSimulator.StartAsync();
        // Its Entra ID knows the demo world's people (for Sign in with Microsoft); nothing else of the demo scenario.
        var demo = await PartnerDesk.Simulator.Scenario.ReadAsync(Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json"));
        demo.Directory.ForEach(Simulator.Directory.Set);
        var settings = new Dictionary<string, string>(Settings)
        {
            ["PartnerDesk:Microsoft:GraphBaseUrl"] = Simulator.GraphBaseUrl.ToString(),
            ["PartnerDesk:Microsoft:LoginBaseUrl"] = Simulator.Address.ToString(),
            ["PartnerDesk:Microsoft:PartnerCenterBaseUrl"] = Simulator.Address.ToString(),
        };
        App = new PartnerDeskApp(await CreateDatabase(), realClock: true, settings);
        App.UseKestrel(0);
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(Artifacts);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await App.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    /// <summary>
    /// A new browser context whose pages report every Content-Security-Policy violation: the test that made the
    /// context fails at its end if there was one (<see cref="FailOnCspViolationsAttribute"/>).
    /// </summary>
    public async Task<IBrowserContext> NewContext(string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, Locale = locale });
        var test = TestContext.Current.Test?.UniqueID ?? "";
        await context.ExposeFunctionAsync("__pdCspViolation", (string violation) => CspViolations.Record(test, violation));
        await context.AddInitScriptAsync("""
            document.addEventListener("securitypolicyviolation", e =>
                window.__pdCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} on ${e.documentURI} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`));
            """);
        return context;
    }

    /// <summary>A new browser context signed in through the real sign-in form.</summary>
    public async Task<IPage> SignedIn(string email)
    {
        var context = await NewContext();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        // Navigations (a full page load after a click, the circuit's first render) wait as long as the sign-in does:
        // under a loaded CI run a page took over 15 s to load. A wait, not an assertion.
        page.SetDefaultNavigationTimeout(60_000);
        await page.GotoAsync("/signin");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", TestDatabase.DemoPassword);
        await page.ClickAsync("#signin");
        try
        {
            // The URL is what tells; waiting for a full load as well made a cold first sign-in miss the timeout.
            await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            await Screenshot(page, "signin-failed-" + email);
            throw new InvalidOperationException($"Sign-in as {email} did not leave {page.Url}: {await page.InnerTextAsync("main")}");
        }

        return page;
    }

    /// <summary>
    /// The whole page by default. A full-page shot stretches the viewport to the page's height, which draws sticky
    /// headers and a modal's backdrop where no screen shows them; a dialog or a sticky part is shot as seen (fullPage false).
    /// </summary>
    public static Task Screenshot(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, name + ".png"), FullPage = fullPage });

    /// <summary>
    /// Blazor ignores input until its circuit is up; pages render a marker for that, set once the
    /// interactive render has loaded its data too (the first interactive render shows "Loading…").
    /// It names the page, because after an enhanced navigation the previous page's marker may still be there.
    /// </summary>
    public static Task WaitForInteractive(IPage page, string name) =>
        page.WaitForSelectorAsync($"[data-page='{name}'][data-interactive='yes']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 }); // a circuit's start on a loaded 2-core CI machine
}

/// <summary>The CSP violations pages reported, by the test whose browser context saw them.</summary>
public static class CspViolations
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentQueue<string>> ByTest = new();

    public static void Record(string test, string violation) => ByTest.GetOrAdd(test, _ => new()).Enqueue(violation);

    public static IReadOnlyList<string> Take(string test) => ByTest.TryRemove(test, out var seen) ? [.. seen] : [];
}

/// <summary>
/// Every browser test runs under the real Content-Security-Policy: a violation any of its pages reported fails it,
/// even when what it checked still worked (a blocked style or script may only show on another screen).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class)]
public sealed class FailOnCspViolationsAttribute : Xunit.v3.BeforeAfterTestAttribute
{
    public override void After(System.Reflection.MethodInfo methodUnderTest, Xunit.v3.IXunitTest test)
    {
        var seen = CspViolations.Take(test.UniqueID);
        if (seen.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("Content-Security-Policy violations:\n" + string.Join("\n", seen.Distinct()));
        }
    }
}
