using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Plans;

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class PlansSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<SupportPlan> SupportPlans => db.Set<SupportPlan>();
        public DbSet<SupportContract> SupportContracts => db.Set<SupportContract>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class PlansVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        visible.OwnedByOrganisation<SupportCalendar>();
        visible.OwnedByOrganisation<CalendarInterval>();
        visible.OwnedByOrganisation<CalendarHoliday>();
        visible.OwnedByOrganisation<SupportPlan>();
        visible.OwnedByOrganisation<PlanSlaTarget>();
        visible.OwnedByOrganisation<PlanPhoneLine>();
        visible.OwnedByOrganisation<PlanRoutingRule>();

        // A contract is the customer's: its agents, and its own contacts (the support terms page).
        visible.ReachableCustomer<SupportContract>(c => c.CustomerId);
    }
}

/// <summary>A ticket counts by the plan its customer's contract named when it was filed; a deleted plan leaves it without one.</summary>
internal sealed class TicketPlanConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<Ticket> b) =>
        b.HasOne<SupportPlan>().WithMany().HasForeignKey(t => t.PlanId).OnDelete(DeleteBehavior.SetNull);
}
