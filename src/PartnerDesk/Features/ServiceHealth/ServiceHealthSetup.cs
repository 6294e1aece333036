namespace PartnerDesk.Features.ServiceHealth;

public static class ServiceHealthSetup
{
    /// <summary>The service health sync of every customer tenant, and its job.</summary>
    public static IServiceCollection AddPartnerDeskServiceHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ServiceHealthOptions>(configuration.GetSection(ServiceHealthOptions.Section));
        services.AddSingleton<HealthSync>();
        services.AddSingleton<HealthSyncJob>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthSyncJob>());
        return services;
    }
}
