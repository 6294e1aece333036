using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Webhooks;

/// <summary>One subscription as the save step needs it: where its lane is, and what it hears of.</summary>
public sealed record Subscriber(Guid Id, IReadOnlyList<string> Events)
{
    public bool Hears(string type) => Events.Contains(type, StringComparer.Ordinal);
}

/// <summary>
/// Which organisations have subscriptions, cached, so that a save in an organisation without any (most of them, and
/// every ticket filed in a PartnerDesk without integrations) costs a dictionary look-up and no query. A change on
/// this instance forgets at once; another instance's cache lives <see cref="WebhookOptions.SubscriberCacheTtl"/> at
/// most, so a subscription made or deleted there is heard of here within that time (documented in docs/decisions.md).
/// </summary>
public sealed class WebhookSubscribers(IOptions<WebhookOptions> options, TimeProvider clock)
{
    private static readonly Subscriber[] None = [];
    private readonly ConcurrentDictionary<Guid, (Subscriber[] Subscribers, DateTimeOffset Until)> byOrganisation = new();
    private (bool Any, DateTimeOffset Until) anywhere;

    /// <summary>Whether any organisation of this installation has a subscription: false keeps every save free of the rest.</summary>
    public async ValueTask<bool> AnyAnywhere(PartnerDeskDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var known = anywhere;
        if (known.Until > now)
        {
            return known.Any;
        }

        var any = await Unfiltered.AnySubscription(db, ct);
        anywhere = (any, now + options.Value.SubscriberCacheTtl);
        return any;
    }

    public async ValueTask<Subscriber[]> Of(PartnerDeskDb db, Guid organisationId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (byOrganisation.TryGetValue(organisationId, out var known) && known.Until > now)
        {
            return known.Subscribers;
        }

        var rows = await Unfiltered.SubscriptionsOf(db, organisationId, ct);
        var subscribers = rows.Count == 0 ? None : rows.ConvertAll(r => new Subscriber(r.Id, r.EventList)).ToArray();
        byOrganisation[organisationId] = (subscribers, now + options.Value.SubscriberCacheTtl);
        return subscribers;
    }

    /// <summary>A subscription of the organisation was made, changed or deleted on this instance.</summary>
    public void Forget(Guid organisationId)
    {
        byOrganisation.TryRemove(organisationId, out _);
        anywhere = default;
    }
}
