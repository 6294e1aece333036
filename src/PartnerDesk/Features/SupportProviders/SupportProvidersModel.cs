using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.SupportProviders;

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class SupportProvidersSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<ProviderHandover> ProviderHandovers => db.Set<ProviderHandover>();
        public DbSet<PartnerLink> PartnerLinks => db.Set<PartnerLink>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class SupportProvidersVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        visible.ReachableCustomer<ProviderHandover>(h => h.CustomerId, (db, h) => !db.CallerIsContact);
        visible.OwnedByOrganisation<PartnerLink>();
    }
}
