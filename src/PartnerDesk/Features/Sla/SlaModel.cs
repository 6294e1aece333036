using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Sla;

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class SlaSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<SlaBreach> SlaBreaches => db.Set<SlaBreach>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class SlaVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        visible.ReachableCustomer<SlaBreach>(b => b.CustomerId, (db, b) => !db.CallerIsContact && db.Set<Ticket>().Any(t => t.Id == b.TicketId));
    }
}
