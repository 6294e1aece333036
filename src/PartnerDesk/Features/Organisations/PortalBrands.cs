using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.ScaleOut;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Platform.Ui;

namespace PartnerDesk.Features.Organisations;

/// <summary>
/// The brand of the organisation a customer's contact belongs to: every portal page shows it, so it is read
/// once a minute per organisation (a change of brand reaches open portals within that minute; new pages at once,
/// on every instance that hears of it through Redis).
/// </summary>
public sealed class PortalBrands(IServiceScopeFactory scopes, IMemoryCache cache, InstanceBus bus) : IPortalBrands
{
    public const string Topic = "portal-brands";

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

    /// <summary>The organisation changed its brand: this instance shows it at once, the others when they hear of it.</summary>
    public void Forget(Guid organisationId)
    {
        cache.Remove((nameof(PortalBrands), organisationId));
        bus.Publish(Topic, organisationId.ToString("N"));
    }

    /// <summary>Another instance's change ("*": perhaps several, which the minute's lifetime covers).</summary>
    public void ForgetHere(string what)
    {
        if (Guid.TryParse(what, out var organisationId))
        {
            cache.Remove((nameof(PortalBrands), organisationId));
        }
    }
}
