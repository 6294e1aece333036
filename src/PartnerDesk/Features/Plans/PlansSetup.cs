using PartnerDesk.Platform.ScaleOut;

namespace PartnerDesk.Features.Plans;

public static class PlansSetup
{
    /// <summary>Plans as tickets read them, kept for a minute.</summary>
    public static IServiceCollection AddPartnerDeskPlans(this IServiceCollection services)
    {
        services.AddSingleton<SlaPolicies>();
        services.HearOtherInstances<SlaPolicies>(SlaPolicies.Topic, (p, what) => p.ForgetHere(what));
        return services;
    }
}
