using PartnerDesk.Platform;

namespace PartnerDesk.Features.Notifications;

public static class NotificationsSetup
{
    /// <summary>Seen SLA alerts are removed by the hourly housekeeping.</summary>
    public static IServiceCollection AddPartnerDeskNotifications(this IServiceCollection services)
    {
        services.AddSingleton<ICleanup, SeenAlertsCleanup>();
        return services;
    }
}
