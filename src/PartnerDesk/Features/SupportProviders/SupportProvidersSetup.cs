using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.SupportProviders;

public static class SupportProvidersSetup
{
    /// <summary>The traffic to and from support providers. The router is a save step (composition).</summary>
    public static IServiceCollection AddPartnerDeskSupportProviders(this IServiceCollection services)
    {
        services.AddSingleton<IOutboxHandler, RouteToProviderHandler>();
        services.AddSingleton<IOutboxHandler, ForwardToProviderHandler>();
        services.AddSingleton<IOutboxHandler, ProviderNewsHandler>();
        return services;
    }
}
