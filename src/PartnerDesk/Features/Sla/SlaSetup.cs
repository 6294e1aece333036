namespace PartnerDesk.Features.Sla;

public static class SlaSetup
{
    /// <summary>The SLA sweep: warnings and breaches as time passes. The keeper is a save step (composition).</summary>
    public static IServiceCollection AddPartnerDeskSla(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SlaOptions>(configuration.GetSection(SlaOptions.Section));
        services.AddSingleton<SlaSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<SlaSweep>());
        return services;
    }
}
