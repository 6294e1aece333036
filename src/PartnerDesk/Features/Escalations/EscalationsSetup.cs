using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Escalations;

public static class EscalationsSetup
{
    /// <summary>Service requests with Microsoft, hand-overs to an indirect provider, and the job that follows them.</summary>
    public static IServiceCollection AddPartnerDeskEscalations(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EscalationOptions>(configuration.GetSection(EscalationOptions.Section));
        services.AddSingleton<IOutboxHandler, CreateServiceRequestHandler>();
        services.AddSingleton<IOutboxHandler, AddServiceRequestNoteHandler>();
        services.AddSingleton<IOutboxHandler, CloseServiceRequestHandler>();
        services.AddSingleton<IOutboxHandler, ProviderEscalationHandler>();
        services.AddSingleton<IOutboxHandler, ResellerMirrorHandler>();
        services.AddSingleton<IOutboxHandler, ProviderNoteHandler>();
        services.AddScoped<SupportTopics>();
        services.AddSingleton<EscalationTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<EscalationTracker>());
        return services;
    }
}
