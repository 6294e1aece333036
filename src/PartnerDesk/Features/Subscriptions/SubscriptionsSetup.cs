using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.ScaleOut;

namespace PartnerDesk.Features.Subscriptions;

public static class SubscriptionsSetup
{
    /// <summary>An approved subscription change is carried out in Partner Center through the outbox.</summary>
    public static IServiceCollection AddPartnerDeskSubscriptions(this IServiceCollection services)
    {
        services.AddSingleton<IOutboxHandler, ApplySubscriptionChangeHandler>();
        // The outbox may apply a change on another instance than the one whose workspace shows the customer's facts.
        services.HearOtherInstances<Microsoft.Extensions.Caching.Memory.IMemoryCache>(TenantFactsCache.Topic, TenantFactsCache.ForgetHere);
        return services;
    }
}
