using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Tests.Infrastructure;

/// <summary>The real host on a real database of its own, with a clock the test can move.</summary>
public sealed class PartnerDeskApp(string connectionString, bool realClock = false, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    private readonly ConcurrentDictionary<string, string> tokens = new(StringComparer.OrdinalIgnoreCase);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public static async Task<PartnerDeskApp> StartAsync(bool realClock = false)
    {
        var app = new PartnerDeskApp(await TestDatabase.CreateAsync(), realClock);
        app.CreateClient().Dispose(); // start now: migrations and seeding happen here, not in the first test
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseStaticWebAssets(); // as Development does: the framework's and Fluent UI's scripts and styles
        builder.UseSetting("PartnerDesk:Database", TestDatabase.Provider);
        builder.UseSetting("ConnectionStrings:PartnerDesk", connectionString);
        builder.UseSetting("PartnerDesk:DemoMode", "true");
        builder.UseSetting("PartnerDesk:DemoPassword", TestDatabase.DemoPassword);
        // Microsoft is whatever simulator a test starts; no background sync unless a test asks for it.
        builder.UseSetting("PartnerDesk:Microsoft:UseSimulator", "false");
        builder.UseSetting("PartnerDesk:ServiceHealth:Enabled", "false");
        builder.UseSetting("PartnerDesk:Outbox:Enabled", "false");
        builder.UseSetting("PartnerDesk:Escalations:Enabled", "false");
        builder.UseSetting("PartnerDesk:Sla:Enabled", "false");
        builder.UseSetting("PartnerDesk:Mail:Enabled", "false");
        builder.UseSetting("PartnerDesk:Gdap:Enabled", "false");
        builder.UseSetting("PartnerDesk:CustomerImport:Enabled", "false");
        builder.UseSetting("PartnerDesk:Reports:RollupEnabled", "false");
        // The test mail servers and the simulator listen on loopback (demo mode allows it too; said here so that a
        // test host with demo mode off, as the going-live tests, still reaches them). Tests of the policy set it false.
        builder.UseSetting("PartnerDesk:Outbound:AllowPrivateNetworks", "true");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddProvider(new FailureLog(Failures, Warnings)));
        if (!realClock)
        {
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        }
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        return base.CreateHost(builder);
    }

    /// <summary>An API client signed in as a demo account (token from POST /api/v1/auth/token).</summary>
    public async Task<HttpClient> ClientFor(string email)
    {
        var client = CreateClient();
        if (!tokens.TryGetValue(email, out var token))
        {
            using var anonymous = CreateClient();
            var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password = TestDatabase.DemoPassword });
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Signing in as {email} failed with {(int)response.StatusCode}. {string.Join("\n", Failures)}");
            }

            token = (await response.Content.ReadFromJsonAsync<TokenBody>())!.AccessToken;
            tokens[email] = token;
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Session tokens last an hour: a test that moves the clock further signs in again.</summary>
    public void ForgetTokens() => tokens.Clear();

    /// <summary>A browser-like client signed in with a cookie through the real sign-in form.</summary>
    public async Task<HttpClient> CookieClientFor(string email, string? culture = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = true });
        if (culture is not null)
        {
            await SwitchLanguage(client, culture);
        }

        var form = await client.GetStringAsync("/signin");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = token,
            ["Form.Email"] = email,
            ["Form.Password"] = TestDatabase.DemoPassword,
            ["Form.ReturnUrl"] = "/account",
        }));
        if (response.RequestMessage?.RequestUri?.AbsolutePath.StartsWith("/signin", StringComparison.Ordinal) != false)
        {
            throw new InvalidOperationException($"Cookie sign-in as {email} failed.");
        }

        return client;
    }

    /// <summary>Picks a language as the bar's switch does: a form post with the antiforgery token a page carries.</summary>
    public static async Task<HttpResponseMessage> SwitchLanguage(HttpClient client, string culture, string returnUrl = "/", CancellationToken ct = default)
    {
        var page = await client.GetStringAsync("/signin", ct);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["culture"] = culture,
            ["returnUrl"] = returnUrl,
        }), ct);
    }

    /// <summary>Runs work on the database as the system of one organisation, to arrange or check state.</summary>
    public async Task<T> InDatabase<T>(Guid organisationId, Func<PartnerDeskDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
        return await work(scope.ServiceProvider.GetRequiredService<PartnerDeskDb>());
    }

    /// <summary>Errors the host logged (unhandled exceptions behind a 500): a failing test can show them.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Warnings the host logged, by category: "Category: message".</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Warnings { get; } = new();

    private sealed class FailureLog(System.Collections.Concurrent.ConcurrentQueue<string> failures, System.Collections.Concurrent.ConcurrentQueue<string> warnings) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Category(categoryName, failures, warnings);

        public void Dispose()
        {
        }
    }

    private sealed class Category(string name, System.Collections.Concurrent.ConcurrentQueue<string> failures, System.Collections.Concurrent.ConcurrentQueue<string> warnings) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                warnings.Enqueue($"{name}: {formatter(state, exception)}");
            }
            else if (logLevel >= LogLevel.Error)
            {
                failures.Enqueue($"{formatter(state, exception)}\n{exception}");
                if (Environment.GetEnvironmentVariable("PD_TEST_FAILURE_LOG") is { Length: > 0 } file)
                {
                    File.AppendAllText(file, $"{formatter(state, exception)}\n{exception}\n\n"); // for a person debugging a 500
                }
            }
        }
    }

    private sealed record TokenBody(string AccessToken, int ExpiresIn);
}

/// <summary>One host and database per test class.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public PartnerDeskApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync() => App = await PartnerDeskApp.StartAsync();

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
