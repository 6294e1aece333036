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
    /// The other instances hear of it through Redis (<see cref="Topic"/>; without Redis they keep theirs until it expires):
    /// the outbox that applies a change runs on one instance, the agent looking at the workspace may be on another.
    /// </summary>
    public static void Forget(IMemoryCache cache, Platform.ScaleOut.InstanceBus bus, Guid organisationId, Guid customerId)
    {
        ForgetHere(cache, organisationId, customerId);
        bus.Publish(Topic, $"{organisationId:N} {customerId:N}");
    }

    public const string Topic = "tenant-facts";

    /// <summary>Another instance's change ("*": perhaps several, which the facts' short lifetime covers).</summary>
    public static void ForgetHere(IMemoryCache cache, string what)
    {
        var parts = what.Split(' ');
        if (parts.Length == 2 && Guid.TryParse(parts[0], out var organisationId) && Guid.TryParse(parts[1], out var customerId))
        {
            ForgetHere(cache, organisationId, customerId);
        }
    }

    private static void ForgetHere(IMemoryCache cache, Guid organisationId, Guid customerId)
    {
        if (cache.Get(Generation(organisationId, customerId)) is CancellationTokenSource generation)
        {
            cache.Remove(Generation(organisationId, customerId));
            generation.Cancel();
        }

        cache.Remove(Key(organisationId, customerId));
    }
}
