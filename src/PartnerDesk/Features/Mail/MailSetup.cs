using PartnerDesk.Platform;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.ScaleOut;

namespace PartnerDesk.Features.Mail;

public static class MailSetup
{
    /// <summary>The mailbox reader, the outbound letters (a save step writes them, the outbox sends them) and their connections.</summary>
    public static IServiceCollection AddPartnerDeskMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MailOptions>(configuration.GetSection(MailOptions.Section));
        services.AddSingleton<MailConnections>();
        services.AddSingleton<OutboundMailboxes>();
        services.HearOtherInstances<OutboundMailboxes>(OutboundMailboxes.Topic, (m, what) => m.ForgetHere(what));
        services.AddSingleton<SendMailHandler>();
        services.AddSingleton<IOutboxHandler>(sp => sp.GetRequiredService<SendMailHandler>());
        services.AddSingleton<IOutboxHandler, ProviderEscalationMailHandler>();
        services.AddSingleton<IOutboxHandler, InvitationLetterHandler>();
        services.AddSingleton<ICleanup, HeldMailCleanup>();
        services.AddSingleton<MailboxWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<MailboxWatcher>());
        return services;
    }
}
