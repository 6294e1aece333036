using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Organisations;

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class OrganisationsVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        visible.OwnedByOrganisation<SupportProfile>();
        visible.OwnedByOrganisation<GdapNotice>();
        visible.OwnedByOrganisation<GdapSyncState>();
        visible.OwnedByOrganisation<PartnerCenterConnection>();
    }
}
