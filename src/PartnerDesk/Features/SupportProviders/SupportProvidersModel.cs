using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.SupportProviders;

/// <summary>SupportProviders's tables as sets of the one context.</summary>
public static class SupportProvidersSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<ProviderHandover> ProviderHandovers => db.Set<ProviderHandover>();
        public DbSet<PartnerLink> PartnerLinks => db.Set<PartnerLink>();
    }
}

/// <summary>Who sees SupportProviders's entities, through Platform's two rules of isolation.</summary>
internal sealed class SupportProvidersVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        visible.ReachableCustomer<ProviderHandover>(h => h.CustomerId, (db, h) => !db.CallerIsContact);
        visible.OwnedByOrganisation<PartnerLink>();
    }
}
