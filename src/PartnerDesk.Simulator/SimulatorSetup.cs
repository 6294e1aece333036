using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PartnerDesk.Simulator.Graph;

namespace PartnerDesk.Simulator;

public static class SimulatorSetup
{
    public static IServiceCollection AddMicrosoftSimulator(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SimulatorState>();
        services.AddSingleton<PartnerCenter.PartnerCenterState>();
        services.AddSingleton<PartnerCenter.SubscriptionState>();
        services.AddSingleton<TenantDirectory>();
        services.AddSingleton<EntraDirectory>();
        services.AddSingleton<PartnerCenter.CustomerDirectory>();
        services.AddSingleton<SignInState>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        return services;
    }

    public static void LoadScenario(this IHost app, Scenario scenario, bool autoplay)
    {
        app.Services.GetRequiredService<SimulatorState>().Load(scenario, autoplay);
        foreach (var partner in scenario.Partners)
        {
            app.Services.GetRequiredService<TenantDirectory>().Set(partner);
            app.Services.GetRequiredService<PartnerCenter.CustomerDirectory>().Set(partner);
        }

        scenario.Directory.ForEach(app.Services.GetRequiredService<EntraDirectory>().Set);
    }

    public static void MapMicrosoftSimulator(this IEndpointRouteBuilder app)
    {
        GraphEndpoints.MapGraph(app);
        EntraSignInEndpoints.Map(app);
        PartnerCenter.PartnerCenterEndpoints.Map(app);
        ControlEndpoints.Map(app);
    }
}

/// <summary>
/// The simulator on a loopback port of its own, inside another process: the host's demo mode and the
/// tests start it this way. Dispose stops it.
/// </summary>
public sealed class RunningSimulator : IAsyncDisposable
{
    private readonly WebApplication app;

    private RunningSimulator(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    public SimulatorState State => app.Services.GetRequiredService<SimulatorState>();

    public PartnerCenter.PartnerCenterState PartnerCenter => app.Services.GetRequiredService<PartnerCenter.PartnerCenterState>();

    public PartnerCenter.SubscriptionState Subscriptions => app.Services.GetRequiredService<PartnerCenter.SubscriptionState>();

    public TenantDirectory Tenants => app.Services.GetRequiredService<TenantDirectory>();

    /// <summary>The users who can sign in (and that Graph's /users lists), by tenant.</summary>
    public EntraDirectory Directory => app.Services.GetRequiredService<EntraDirectory>();

    /// <summary>Each partner's customers as Partner Center lists them.</summary>
    public PartnerCenter.CustomerDirectory Customers => app.Services.GetRequiredService<PartnerCenter.CustomerDirectory>();

    /// <summary>Signing keys, authorization codes and sign-in faults of the simulated Entra ID.</summary>
    public SignInState SignIn => app.Services.GetRequiredService<SignInState>();

    /// <summary>The OpenID Connect authority for a multi-tenant app, as https://login.microsoftonline.com/organizations/v2.0 is.</summary>
    public Uri Authority => new(Address, "organizations/v2.0");

    /// <summary>Base address of Microsoft Graph v1.0 on this simulator.</summary>
    public Uri GraphBaseUrl => new(Address, "v1.0");

    public static async Task<RunningSimulator> StartAsync(Scenario? scenario = null, bool autoplay = true, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMicrosoftSimulator();
        var app = builder.Build();
        app.MapMicrosoftSimulator();
        if (scenario is not null)
        {
            app.LoadScenario(scenario, autoplay);
        }

        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningSimulator(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
