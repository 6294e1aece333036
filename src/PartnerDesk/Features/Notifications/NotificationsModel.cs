using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Notifications;

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class NotificationsSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<Notification> Notifications => db.Set<Notification>();
        public DbSet<AgentAlert> AgentAlerts => db.Set<AgentAlert>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class NotificationsVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        visible.ReachableCustomer<Notification>(n => n.CustomerId, (db, n) => !db.CallerIsContact || n.ContactId == db.CallerUserId);
        visible.ReachableCustomer<AgentAlert>(
            a => a.CustomerId,
            (db, a) => !db.CallerIsContact && (a.TicketId == null || db.Set<Ticket>().Any(t => t.Id == a.TicketId)));
    }
}
