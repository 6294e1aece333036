using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Subscriptions;

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class SubscriptionsSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<SubscriptionChange> SubscriptionChanges => db.Set<SubscriptionChange>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class SubscriptionsVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        // A subscription change is the customer's admin's business and the partner's (its ticket's agents).
        visible.ReachableCustomer<SubscriptionChange>(
            c => c.CustomerId,
            (db, c) => (!db.CallerIsContact || db.CallerIsCustomerAdmin) && db.Set<Ticket>().Any(t => t.Id == c.TicketId));
    }
}
