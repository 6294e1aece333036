using Microsoft.Extensions.Options;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Escalations;

public static class EscalationsSetup
{
    /// <summary>The outbox, the Partner Center connector and the escalation jobs.</summary>
    public static IServiceCollection AddPartnerDeskEscalations(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OutboxOptions>(configuration.GetSection(OutboxOptions.Section));
        services.Configure<EscalationOptions>(configuration.GetSection(EscalationOptions.Section));
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<IPartnerCenterTokens>(sp => sp.GetRequiredService<IOptions<MicrosoftOptions>>().Value.LoginIsSimulated
            ? new SimulatedPartnerCenterTokens(sp.GetRequiredService<ITenantTokens>())
            : new PartnerCenterUserTokens(sp.GetRequiredService<IOptions<MicrosoftOptions>>()));
        services.AddHttpClient<PartnerCenterClient>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<MicrosoftOptions>>().Value.PartnerCenterBaseUrl;
                http.Timeout = TimeSpan.FromSeconds(60);
            })
            .AddHttpMessageHandler(sp => new RetryAfterHandler(sp.GetRequiredService<IOptions<MicrosoftOptions>>().Value.MaxRetries, TimeSpan.FromSeconds(30)));
        services.AddSingleton<IOutboxHandler, CreateServiceRequestHandler>();
        services.AddSingleton<IOutboxHandler, AddServiceRequestNoteHandler>();
        services.AddSingleton<IOutboxHandler, CloseServiceRequestHandler>();
        services.AddSingleton<IOutboxHandler, Organisations.PublishSupportProfileHandler>(); // Partner Center, like the three above
        services.AddSingleton<IOutboxHandler, Subscriptions.ApplySubscriptionChangeHandler>();
        services.AddSingleton<IOutboxHandler, ProviderEscalationHandler>();
        services.AddSingleton<IOutboxHandler, ResellerMirrorHandler>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, ResellerMirror>();
        services.AddSingleton<IOutboxHandler, ProviderNoteHandler>();
        services.AddScoped<SupportTopics>();
        services.AddSingleton<EscalationTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<EscalationTracker>());
        return services;
    }
}
