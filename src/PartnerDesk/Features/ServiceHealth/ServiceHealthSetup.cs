using Microsoft.EntityFrameworkCore.Diagnostics;
using PartnerDesk.Platform.ScaleOut;

namespace PartnerDesk.Features.ServiceHealth;

public static class ServiceHealthSetup
{
    /// <summary>The service health sync of every customer tenant, and its job.</summary>
    public static IServiceCollection AddPartnerDeskServiceHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ServiceHealthOptions>(configuration.GetSection(ServiceHealthOptions.Section));
        services.AddSingleton<HealthSync>();
        // A save step (in the composition's order) and an interceptor: it forgets an organisation's issues when the
        // transaction that changed them commits.
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<ActiveIssues>());
        services.HearOtherInstances<ActiveIssues>(ActiveIssues.Topic, (issues, what) => issues.ForgetHere(what));
        services.AddSingleton<HealthSyncJob>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthSyncJob>());
        return services;
    }
}
