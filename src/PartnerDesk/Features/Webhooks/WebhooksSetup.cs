using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.ScaleOut;

namespace PartnerDesk.Features.Webhooks;

public static class WebhooksSetup
{
    /// <summary>Integrations' subscriptions, the save step that notices their events, and the outbox handler that posts them.</summary>
    public static IServiceCollection AddPartnerDeskWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        services.AddSingleton<WebhookSubscribers>();
        services.HearOtherInstances<WebhookSubscribers>(WebhookSubscribers.Topic, (s, what) => s.ForgetHere(what));
        services.AddSingleton<IOutboxHandler, WebhookSender>();
        return services;
    }
}
