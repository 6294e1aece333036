namespace PartnerDesk.Features.Plans;

public static class PlansSetup
{
    /// <summary>Plans as tickets read them, kept for a minute.</summary>
    public static IServiceCollection AddPartnerDeskPlans(this IServiceCollection services)
    {
        services.AddSingleton<SlaPolicies>();
        return services;
    }
}
