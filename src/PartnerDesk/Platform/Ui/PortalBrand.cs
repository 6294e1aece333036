namespace PartnerDesk.Platform.Ui;

/// <summary>How a partner shows itself to its customers in the portal: its name, colour and logo.</summary>
public sealed record PortalBrand(string Name, string? Accent, bool HasLogo);

/// <summary>The brand of an organisation, for the portal's bar (kept by the feature that owns the support profile).</summary>
public interface IPortalBrands
{
    Task<PortalBrand> For(Guid organisationId, CancellationToken ct);
}
