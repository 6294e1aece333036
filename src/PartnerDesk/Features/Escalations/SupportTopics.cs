using Microsoft.Extensions.Caching.Memory;
using PartnerDesk.MicrosoftApis;

namespace PartnerDesk.Features.Escalations;

/// <summary>Partner Center's support topics per organisation, kept for an hour (they change rarely).</summary>
public sealed class SupportTopics(PartnerCenterClient partnerCenter, IMemoryCache cache)
{
    public async Task<(IReadOnlyList<SupportTopicView>? Topics, string? Problem)> Of(Guid organisationId, CancellationToken ct)
    {
        if (cache.TryGetValue(("support-topics", organisationId), out IReadOnlyList<SupportTopicView>? known) && known is not null)
        {
            return (known, null);
        }

        try
        {
            var topics = (await partnerCenter.SupportTopics(organisationId, ct))
                .Select(t => new SupportTopicView(t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Name ?? "", t.Description ?? ""))
                .ToList();
            cache.Set(("support-topics", organisationId), (IReadOnlyList<SupportTopicView>)topics, TimeSpan.FromHours(1));
            return (topics, null);
        }
        catch (Exception e) when (PartnerCenterClient.IsFailure(e))
        {
            return (null, e.Message);
        }
    }
}
