using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Billing;

/// <summary>Billing's tables as sets of the one context.</summary>
public static class BillingSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<TimeEntry> TimeEntries => db.Set<TimeEntry>();
        public DbSet<Statement> Statements => db.Set<Statement>();
    }
}

/// <summary>Who sees Billing's entities, through Platform's two rules of isolation.</summary>
internal sealed class BillingVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        // Time and statements are the partner's business: agents only; time follows the ticket's visibility.
        visible.ReachableCustomer<TimeEntry>(e => e.CustomerId, (db, e) => !db.CallerIsContact && db.Set<Ticket>().Any(t => t.Id == e.TicketId));
        visible.ReachableCustomer<Statement>(s => s.CustomerId, (db, s) => !db.CallerIsContact);
        visible.OwnedByOrganisation<StatementLine>((db, l) => db.Set<Statement>().Any(s => s.Id == l.StatementId));
    }
}
