using Microsoft.Extensions.Options;
using PartnerDesk.Simulator;

namespace PartnerDesk.MicrosoftApis;

public static class MicrosoftSetup
{
    /// <summary>
    /// The Microsoft connectors: Entra ID tokens, Graph, Partner Center. In demo mode (unless
    /// PartnerDesk:Microsoft:UseSimulator says otherwise) PartnerDesk.Simulator starts on a loopback port
    /// with the demo scenario, and the connectors talk to it.
    /// </summary>
    public static async Task AddPartnerDeskMicrosoft(this WebApplicationBuilder builder, bool demoMode)
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
        services.AddHttpClient<SimulatorTokens>();
        services.AddSingleton<ITenantTokens>(sp => sp.GetRequiredService<IOptions<MicrosoftOptions>>().Value.LoginIsSimulated
            ? sp.GetRequiredService<SimulatorTokens>()
            : new EntraAppTokens(sp.GetRequiredService<IOptions<MicrosoftOptions>>()));
        services.AddSingleton<GraphClients>();
        services.AddHttpClient<PartnerCenterClient>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<MicrosoftOptions>>().Value.PartnerCenterBaseUrl;
                http.Timeout = TimeSpan.FromSeconds(60);
            })
            .AddHttpMessageHandler(sp => new RetryAfterHandler(sp.GetRequiredService<IOptions<MicrosoftOptions>>().Value.MaxRetries, TimeSpan.FromSeconds(30)));
    }
}
