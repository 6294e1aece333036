using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Subscriptions;

/// <summary>Subscriptions's tables as sets of the one context.</summary>
public static class SubscriptionsSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<SubscriptionChange> SubscriptionChanges => db.Set<SubscriptionChange>();
    }
}

/// <summary>Who sees Subscriptions's entities, through Platform's two rules of isolation.</summary>
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
