using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Platform.Ui;

namespace PartnerDesk.Features.Organisations;

/// <summary>
/// The brand of the organisation a customer's contact belongs to: every portal page shows it, so it is read
/// once a minute per organisation (a change of brand reaches open portals within that minute).
/// </summary>
public sealed class PortalBrands(IServiceScopeFactory scopes, IMemoryCache cache) : IPortalBrands
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);

    public async Task<PortalBrand> For(Guid organisationId, CancellationToken ct)
    {
        if (cache.TryGetValue((nameof(PortalBrands), organisationId), out PortalBrand? known) && known is not null)
        {
            return known;
        }

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var name = await db.Organisations.Select(o => o.Name).FirstAsync(ct);
        var profile = await db.Set<SupportProfile>().AsNoTracking().Select(p => new { p.BrandName, p.AccentColour, HasLogo = p.Logo != null }).FirstOrDefaultAsync(ct);
        var brand = new PortalBrand(profile?.BrandName ?? name, profile?.AccentColour, profile?.HasLogo ?? false);
        cache.Set((nameof(PortalBrands), organisationId), brand, KeepFor);
        return brand;
    }

    /// <summary>The organisation changed its brand: this instance shows it at once.</summary>
    public void Forget(Guid organisationId) => cache.Remove((nameof(PortalBrands), organisationId));
}
