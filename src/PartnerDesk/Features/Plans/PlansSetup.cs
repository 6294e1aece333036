using PartnerDesk.Features.Sla;
using PartnerDesk.Features.SupportProviders;

namespace PartnerDesk.Features.Plans;

public static class PlansSetup
{
    /// <summary>The SLA: plans as the clock needs them, the keeper on every save, the sweep.</summary>
    public static IServiceCollection AddPartnerDeskPlans(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SlaOptions>(configuration.GetSection(SlaOptions.Section));
        services.AddSingleton<SlaPolicies>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, SlaKeeper>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, ProviderRouter>(); // after the keeper: it reads the plan the keeper found
        services.AddSingleton<Platform.Outbox.IOutboxHandler, RouteToProviderHandler>();
        services.AddSingleton<Platform.Outbox.IOutboxHandler, ForwardToProviderHandler>();
        services.AddSingleton<Platform.Outbox.IOutboxHandler, ProviderNewsHandler>();
        services.AddSingleton<SlaSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<SlaSweep>());
        return services;
    }
}
