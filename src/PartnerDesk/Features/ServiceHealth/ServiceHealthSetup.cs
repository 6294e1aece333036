using Microsoft.Extensions.Options;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Simulator;

namespace PartnerDesk.Features.ServiceHealth;

public static class ServiceHealthSetup
{
    /// <summary>
    /// The Microsoft connectors and the service health sync. In demo mode (unless
    /// PartnerDesk:Microsoft:UseSimulator says otherwise) PartnerDesk.Simulator starts on a loopback port
    /// with the demo scenario, and the connectors talk to it.
    /// </summary>
    public static async Task AddPartnerDeskServiceHealth(this WebApplicationBuilder builder, bool demoMode)
    {
        var services = builder.Services;
        var microsoft = builder.Configuration.GetSection(MicrosoftOptions.Section);
        if (microsoft.GetValue<bool?>(nameof(MicrosoftOptions.UseSimulator)) ?? demoMode)
        {
            var scenario = await Scenario.ReadAsync(Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.json"));
            var simulator = await RunningSimulator.StartAsync(scenario);
            builder.Configuration[$"{MicrosoftOptions.Section}:{nameof(MicrosoftOptions.GraphBaseUrl)}"] = simulator.GraphBaseUrl.ToString();
            builder.Configuration[$"{MicrosoftOptions.Section}:{nameof(MicrosoftOptions.LoginBaseUrl)}"] = simulator.Address.ToString();
            builder.Configuration[$"{MicrosoftOptions.Section}:{nameof(MicrosoftOptions.PartnerCenterBaseUrl)}"] = simulator.Address.ToString();
            // In the demo, Microsoft's support answers escalations by itself: a question after two minutes, closed after four.
            simulator.PartnerCenter.AutoRespondAfter = TimeSpan.FromMinutes(2);
            services.AddSingleton(_ => simulator);
        }

        services.Configure<MicrosoftOptions>(microsoft);
        services.Configure<ServiceHealthOptions>(builder.Configuration.GetSection(ServiceHealthOptions.Section));
        services.AddHttpClient<SimulatorTokens>();
        services.AddSingleton<ITenantTokens>(sp => sp.GetRequiredService<IOptions<MicrosoftOptions>>().Value.LoginIsSimulated
            ? sp.GetRequiredService<SimulatorTokens>()
            : new EntraAppTokens(sp.GetRequiredService<IOptions<MicrosoftOptions>>()));
        services.AddSingleton<GraphClients>();
        services.AddSingleton<HealthSync>();
        services.AddSingleton<HealthSyncJob>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthSyncJob>());
    }
}
