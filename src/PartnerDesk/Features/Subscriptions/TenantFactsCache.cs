using Microsoft.Extensions.Caching.Memory;

namespace PartnerDesk.Features.Subscriptions;

/// <summary>
/// Where the workspace keeps a customer's facts read from Microsoft (domains, subscriptions with licence
/// counts), and how a subscription change drops them: this feature knows when they went stale.
/// </summary>
public static class TenantFactsCache
{
    public static object Key(Guid organisationId, Guid customerId) => ("TenantFacts", organisationId, customerId);

    public static object Generation(Guid organisationId, Guid customerId) => ("TenantFacts" + ".generation", organisationId, customerId);

    /// <summary>
    /// Drops the customer's facts, and any read of them under way: an entry stored by a read that began before
    /// this expires at once (its generation token is cancelled), so a count read before a change cannot come back.
    /// Other instances keep theirs until it expires.
    /// </summary>
    public static void Forget(IMemoryCache cache, Guid organisationId, Guid customerId)
    {
        if (cache.Get(Generation(organisationId, customerId)) is CancellationTokenSource generation)
        {
            cache.Remove(Generation(organisationId, customerId));
            generation.Cancel();
        }

        cache.Remove(Key(organisationId, customerId));
    }
}
