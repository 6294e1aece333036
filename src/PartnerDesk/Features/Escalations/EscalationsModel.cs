using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Escalations;

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class EscalationsSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<Escalation> Escalations => db.Set<Escalation>();
        public DbSet<EscalationEvent> EscalationEvents => db.Set<EscalationEvent>();
        public DbSet<ResellerLink> ResellerLinks => db.Set<ResellerLink>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class EscalationsVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        // Escalations are the partner's business with Microsoft or its provider: agents only.
        visible.ReachableCustomer<Escalation>(e => e.CustomerId, (db, e) => !db.CallerIsContact && !db.CallerIsSalesAgent);
        visible.ReachableCustomer<EscalationEvent>(e => e.CustomerId, (db, e) => !db.CallerIsContact && !db.CallerIsSalesAgent);
        visible.OwnedByOrganisation<ResellerLink>();
    }
}
