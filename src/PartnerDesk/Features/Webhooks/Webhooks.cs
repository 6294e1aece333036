using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbound;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.Ui;

namespace PartnerDesk.Features.Webhooks;

public sealed record WebhookRequest(string? Url, IReadOnlyList<string>? Events);

/// <summary>A subscription as admins read it. The secret is not in it: it is shown once, when the subscription is made.</summary>
public sealed record WebhookView(Guid Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string CreatedByName, DateTimeOffset UpdatedAt)
{
    public static WebhookView Of(WebhookSubscription s) => new(s.Id, s.Url, s.EventList, s.CreatedAt, s.CreatedByName, s.UpdatedAt);
}

/// <summary>A new subscription with its signing secret: the only answer that carries it.</summary>
public sealed record NewWebhookView(Guid Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string CreatedByName, DateTimeOffset UpdatedAt, string Secret);

public enum WebhookDeliveryState
{
    /// <summary>Not delivered yet: due now, or waiting for its next attempt after a failure.</summary>
    Pending,
    Delivered,

    /// <summary>Given up on after a day of failures (or refused: the subscription went away); it may be redelivered.</summary>
    Parked,
}

/// <summary>One try: when, what the receiver answered (or the failure's category) and how long it took.</summary>
public sealed record WebhookAttemptView(DateTimeOffset At, int? StatusCode, string? Failure, int DurationMs);

public sealed record WebhookDeliveryView(
    Guid Id, Guid EventId, string EventType, Guid SubjectId, DateTimeOffset CreatedAt, WebhookDeliveryState State, DateTimeOffset? DeliveredAt,
    DateTimeOffset? NextAttemptAt, string? LastError, IReadOnlyList<WebhookAttemptView> Attempts);

/// <summary>Making, reading, changing and deleting an organisation's subscriptions; their delivery log and redelivery.</summary>
public static class Webhooks
{
    public const int MaxLimit = 200;

    public static async Task<FieldErrors?> Check(WebhookRequest request, OutboundConnections connections, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Required("url", request.Url, WebhookLimits.Url);
        if (!errors.Has("url"))
        {
            if (!Uri.TryCreate(request.Url!.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                errors.Add("url", "Give an absolute http(s) URL, such as https://psa.example.com/hooks/partnerdesk.");
            }
            else if (uri.UserInfo.Length > 0)
            {
                errors.Add("url", "The URL must not carry a user name or password: the signature tells the receiver who sends.");
            }
            else if (uri.Scheme == Uri.UriSchemeHttp && !connections.AllowsPrivateNetworks)
            {
                errors.Add("url", "Use https: events carry customers' data.");
            }
            else if (await connections.Refusal(uri.IdnHost, ct) is not null)
            {
                errors.Add("url", ConnectionProblems.NotAllowed);
            }
        }

        if (request.Events is not { Count: > 0 })
        {
            errors.Add("events", $"Name at least one event: {string.Join(", ", WebhookEvents.All)}.");
        }
        else if (request.Events.Where(e => e is null || !WebhookEvents.IsKnown(e)).ToList() is [var unknown, ..])
        {
            errors.Add("events", $"'{unknown}' is not an event. Use: {string.Join(", ", WebhookEvents.All)}.");
        }

        return errors.Any ? errors : null;
    }

    /// <summary>The events as stored: known ones, each once, in the documented order.</summary>
    private static string EventsOf(WebhookRequest request) => string.Join(' ', WebhookEvents.All.Where(e => request.Events!.Contains(e, StringComparer.Ordinal)));

    public static async Task<Outcome<NewWebhookView>> Create(
        WebhookRequest request, PartnerDeskDb db, OutboundConnections connections, IDataProtectionProvider protection, WebhookSubscribers subscribers, CancellationToken ct)
    {
        if (await Check(request, connections, ct) is { } errors)
        {
            return errors;
        }

        if (await db.WebhookSubscriptions.CountAsync(ct) >= WebhookLimits.PerOrganisation)
        {
            return Outcome<NewWebhookView>.Conflict($"An organisation may have {WebhookLimits.PerOrganisation} webhook subscriptions; delete one first.");
        }

        var secret = WebhookSignature.NewSecret();
        var organisationId = db.Caller.RequireOrganisation();
        var now = db.Now;
        var subscription = new WebhookSubscription
        {
            OrganisationId = organisationId,
            Url = request.Url!.Trim(),
            Events = EventsOf(request),
            ProtectedSecret = protection.CreateProtector(WebhookSender.SecretPurpose).Protect(secret),
            CreatedAt = now,
            CreatedByName = db.Caller.DisplayName,
            UpdatedAt = now,
        };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        subscribers.Forget(organisationId);
        var view = WebhookView.Of(subscription);
        return new NewWebhookView(view.Id, view.Url, view.Events, view.CreatedAt, view.CreatedByName, view.UpdatedAt, secret);
    }

    public static Task<List<WebhookView>> List(PartnerDeskDb db, CancellationToken ct) => List(db, Sorts.Default, ct);

    /// <summary>The console's orders (at most <see cref="WebhookLimits.PerOrganisation"/> rows: no pages).</summary>
    public static readonly ListSort<WebhookSubscription> Sorts = new ListSort<WebhookSubscription>(new("created", false), s => s.Id)
        .By("created", s => s.CreatedAt).By("url", s => s.Url);

    public static async Task<List<WebhookView>> List(PartnerDeskDb db, ListOrder order, CancellationToken ct) =>
        (await Sorts.Apply(db.WebhookSubscriptions.AsNoTracking(), order).ToListAsync(ct)).ConvertAll(WebhookView.Of);

    public static async Task<Outcome<WebhookView>> Get(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is { } s ? WebhookView.Of(s) : Outcome<WebhookView>.Missing;

    public static async Task<Outcome<WebhookView>> Update(
        Guid id, WebhookRequest request, PartnerDeskDb db, OutboundConnections connections, WebhookSubscribers subscribers, CancellationToken ct)
    {
        if (await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, ct) is not { } subscription)
        {
            return Outcome<WebhookView>.Missing;
        }

        if (await Check(request, connections, ct) is { } errors)
        {
            return errors;
        }

        (subscription.Url, subscription.Events, subscription.UpdatedAt) = (request.Url!.Trim(), EventsOf(request), db.Now);
        await db.SaveChangesAsync(ct);
        subscribers.Forget(subscription.OrganisationId);
        return WebhookView.Of(subscription);
    }

    /// <summary>Deletes the subscription with its delivery log; what still waited to go to it is dropped.</summary>
    public static async Task<bool> Delete(Guid id, PartnerDeskDb db, WebhookSubscribers subscribers, CancellationToken ct)
    {
        if (await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, ct) is not { } subscription)
        {
            return false;
        }

        var kind = $"{WebhookSender.KindName}:{id}";
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.OutboxMessages.Where(m => m.Kind == kind && m.SentAt == null).ExecuteDeleteAsync(ct);
        await db.WebhookAttempts.Where(a => db.Set<WebhookDelivery>().Any(d => d.Id == a.DeliveryId && d.SubscriptionId == id)).ExecuteDeleteAsync(ct);
        await db.WebhookDeliveries.Where(d => d.SubscriptionId == id).ExecuteDeleteAsync(ct);
        db.WebhookSubscriptions.Remove(subscription);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        subscribers.Forget(subscription.OrganisationId);
        return true;
    }

    /// <summary>The subscription's deliveries, newest first, each with every attempt; null when the subscription is not the caller's.</summary>
    public static async Task<Page<WebhookDeliveryView>?> Deliveries(Guid id, PartnerDeskDb db, int offset, int limit, CancellationToken ct)
    {
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, ct))
        {
            return null;
        }

        var rows = await db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip(offset).Take(limit + 1)
            .Select(d => new { Delivery = d, Message = db.OutboxMessages.FirstOrDefault(m => m.Id == d.OutboxMessageId) })
            .ToListAsync(ct);
        var more = rows.Count > limit;
        rows = more ? rows[..limit] : rows;
        var ids = rows.ConvertAll(r => r.Delivery.Id);
        var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(ct))
            .ToLookup(a => a.DeliveryId);
        var items = rows.ConvertAll(r => ViewOf(r.Delivery, r.Message, attempts[r.Delivery.Id]));
        return new Page<WebhookDeliveryView>(items, more ? Cursor.Encode(offset + limit) : null);
    }

    /// <summary>
    /// Sends a delivery again, the same event with the same id and body (receivers de-duplicate by the id): after
    /// it was delivered (the receiver lost it) or parked. Not while it is still on its way.
    /// </summary>
    public static async Task<Outcome<WebhookDeliveryView>> Redeliver(Guid id, Guid deliveryId, PartnerDeskDb db, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.SubscriptionId == id, ct);
        if (delivery is null || !await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, ct))
        {
            return Outcome<WebhookDeliveryView>.Missing;
        }

        var message = await db.OutboxMessages.FirstOrDefaultAsync(m => m.Id == delivery.OutboxMessageId, ct);
        if (message is { SentAt: null, FailedAt: null })
        {
            return Outcome<WebhookDeliveryView>.Conflict("This delivery is still on its way: it is sent again by itself until it succeeds or is parked.");
        }

        if (message is { SentAt: null })
        {
            // Parked: due again, as the Deliveries page's "send again" does (so it leaves that page's failed list too).
            (message.FailedAt, message.Parked, message.Attempts, message.NextAttemptAt) = (null, false, 0, db.Now);
        }
        else
        {
            // Delivered (the receiver lost it): a new message, behind what is already on its way.
            message = WebhookSender.Message(delivery, db.Now);
            delivery.OutboxMessageId = message.Id;
            db.Add(message);
        }

        delivery.DeliveredAt = null;
        await db.SaveChangesAsync(ct);
        var attempts = await db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == delivery.Id).OrderBy(a => a.Id).ToListAsync(ct);
        return ViewOf(delivery, message, attempts);
    }

    private static WebhookDeliveryView ViewOf(WebhookDelivery d, OutboxMessage? m, IEnumerable<WebhookAttempt> attempts)
    {
        var state = m switch
        {
            { SentAt: not null } => WebhookDeliveryState.Delivered,
            null => d.DeliveredAt is null ? WebhookDeliveryState.Parked : WebhookDeliveryState.Delivered, // its message was cleaned up
            { FailedAt: not null } => WebhookDeliveryState.Parked,
            _ => WebhookDeliveryState.Pending,
        };
        return new WebhookDeliveryView(
            d.Id, d.EventId, d.EventType, d.SubjectId, d.CreatedAt, state, d.DeliveredAt,
            state == WebhookDeliveryState.Pending ? m!.NextAttemptAt : null, state == WebhookDeliveryState.Delivered ? null : m?.LastError,
            [.. attempts.Select(a => new WebhookAttemptView(a.At, a.StatusCode, a.Failure, a.DurationMs))]);
    }
}
