using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Subscriptions;

public static class SubscriptionsSetup
{
    /// <summary>An approved subscription change is carried out in Partner Center through the outbox.</summary>
    public static IServiceCollection AddPartnerDeskSubscriptions(this IServiceCollection services)
    {
        services.AddSingleton<IOutboxHandler, ApplySubscriptionChangeHandler>();
        return services;
    }
}
