using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.ScaleOut;

namespace PartnerDesk.Features.Webhooks;

/// <summary>One subscription as the save step needs it: where its lane is, and what it hears of.</summary>
public sealed record Subscriber(Guid Id, IReadOnlyList<string> Events)
{
    public bool Hears(string type) => Events.Contains(type, StringComparer.Ordinal);
}

/// <summary>
/// Which organisations have subscriptions, cached, so that a save in an organisation without any (most of them, and
/// every ticket filed in a PartnerDesk without integrations) costs a dictionary look-up and no query. A change on
/// this instance forgets at once, and tells the others through Redis; without it (or while it is away) another
/// instance's cache lives <see cref="WebhookOptions.SubscriberCacheTtl"/> at most, so a subscription made or deleted
/// there is heard of here within that time (documented in docs/decisions.md).
/// </summary>
public sealed class WebhookSubscribers(IOptions<WebhookOptions> options, TimeProvider clock, InstanceBus bus)
{
    public const string Topic = "webhook-subscribers";

    private static readonly Subscriber[] None = [];
    private readonly ConcurrentDictionary<Guid, (Subscriber[] Subscribers, DateTimeOffset Until)> byOrganisation = new();
    private volatile Known? anywhere;

    private sealed record Known(bool Any, DateTimeOffset Until);

    /// <summary>Whether any organisation of this installation has a subscription: false keeps every save free of the rest.</summary>
    /// <summary>True when it is known (cached) that no organisation has a subscription: the save step's free way out.</summary>
    public bool NoneAnywhere => anywhere is { Any: false } known && known.Until > clock.GetUtcNow();

    /// <summary>True when it is known (cached) that this organisation has no subscription.</summary>
    public bool NoneIn(Guid organisationId) =>
        byOrganisation.TryGetValue(organisationId, out var known) && known.Subscribers.Length == 0 && known.Until > clock.GetUtcNow();

    public ValueTask<bool> AnyAnywhere(PartnerDeskDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return anywhere is { } known && known.Until > now ? new ValueTask<bool>(known.Any) : new ValueTask<bool>(LoadAny(db, now, ct));
    }

    private async Task<bool> LoadAny(PartnerDeskDb db, DateTimeOffset now, CancellationToken ct)
    {
        var any = await Unfiltered.AnySubscription(db, ct);
        anywhere = new Known(any, now + options.Value.SubscriberCacheTtl);
        return any;
    }

    public ValueTask<Subscriber[]> Of(PartnerDeskDb db, Guid organisationId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return byOrganisation.TryGetValue(organisationId, out var known) && known.Until > now
            ? new ValueTask<Subscriber[]>(known.Subscribers)
            : new ValueTask<Subscriber[]>(Load(db, organisationId, now, ct));
    }

    private async Task<Subscriber[]> Load(PartnerDeskDb db, Guid organisationId, DateTimeOffset now, CancellationToken ct)
    {
        var rows = await Unfiltered.SubscriptionsOf(db, organisationId, ct);
        var subscribers = rows.Count == 0 ? None : rows.ConvertAll(r => new Subscriber(r.Id, r.EventList)).ToArray();
        byOrganisation[organisationId] = (subscribers, now + options.Value.SubscriberCacheTtl);
        return subscribers;
    }

    /// <summary>A subscription of the organisation was made, changed or deleted on this instance.</summary>
    public void Forget(Guid organisationId)
    {
        ForgetHere(organisationId.ToString("N"));
        bus.Publish(Topic, organisationId.ToString("N"));
    }

    /// <summary>Another instance changed an organisation's subscriptions (or, "*", perhaps several).</summary>
    public void ForgetHere(string what)
    {
        if (Guid.TryParse(what, out var organisationId))
        {
            byOrganisation.TryRemove(organisationId, out _);
        }
        else
        {
            byOrganisation.Clear();
        }

        anywhere = null;
    }
}
