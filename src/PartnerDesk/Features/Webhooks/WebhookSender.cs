using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbound;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Webhooks;

/// <summary>Settings under "PartnerDesk:Webhooks" (environment: PartnerDesk__Webhooks__Name).</summary>
public sealed class WebhookOptions
{
    public const string Section = "PartnerDesk:Webhooks";

    /// <summary>The longest one POST may take, connecting included: a receiver should answer at once and work later.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an instance trusts what it knows of an organisation's subscriptions (made or deleted on another instance).</summary>
    public TimeSpan SubscriberCacheTtl { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Carries one webhook delivery: signs the body fixed when the event happened and POSTs it to the subscription's
/// URL, through the outbound-connections policy (the address is vetted at every connection, so a name that later
/// resolves to a private address is still refused). 2xx is delivered; anything else is a failure with its category,
/// retried by the outbox with backoff and parked after a day. Each subscription is a lane of its own (the message
/// kind is "Webhook:&lt;subscription id&gt;"), so a receiver that hangs holds up only its own subscription.
/// </summary>
public sealed class WebhookSender : IOutboxHandler, IDisposable
{
    public const string KindName = "Webhook";
    public const string SecretPurpose = "PartnerDesk.Webhooks.Secret";

    private readonly HttpClient http;
    private readonly IDataProtector protector;
    private readonly IOptions<WebhookOptions> options;
    private readonly TimeProvider clock;
    private readonly ILogger<WebhookSender> log;

    public WebhookSender(OutboundConnections connections, IDataProtectionProvider protection, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookSender> log)
    {
        (protector, this.options, this.clock, this.log) = (protection.CreateProtector(SecretPurpose), options, clock, log);
        http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // a redirect is the receiver's mistake, not a new destination to trust
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = async (context, ct) =>
                new NetworkStream(await connections.Connect(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct), ownsSocket: true),
        })
        { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("PartnerDesk-Webhooks/1.0");
    }

    public string Kind => KindName;

    public string Destination => KindName;

    private sealed record Payload(Guid DeliveryId);

    /// <summary>The outbox message that carries a delivery, in its subscription's own lane.</summary>
    public static OutboxMessage Message(WebhookDelivery delivery, DateTimeOffset now) =>
        OutboxMessage.New(delivery.OrganisationId, $"{KindName}:{delivery.SubscriptionId}", new Payload(delivery.Id), delivery.SubjectId, now);

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var id = JsonSerializer.Deserialize<Payload>(message.Payload)!.DeliveryId;
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == id, ct);
        var subscription = delivery is null ? null : await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == delivery.SubscriptionId, ct);
        if (delivery is null || subscription is null)
        {
            return OutboxOutcome.Refused("The webhook subscription was deleted.");
        }

        var at = clock.GetUtcNow();
        var timeout = options.Value.Timeout;
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.HeaderValue(protector.Unprotect(subscription.ProtectedSecret), at.ToUnixTimeSeconds(), delivery.Body));
        request.Headers.Add("X-PartnerDesk-Event", delivery.EventType);
        request.Headers.Add("X-PartnerDesk-Delivery", delivery.Id.ToString());

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var watch = Stopwatch.StartNew();
        int? status = null;
        string? failure;
        try
        {
            // Headers are enough: a receiver's body is never read (nor a slow or endless one waited for).
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            status = (int)response.StatusCode;
            failure = response.IsSuccessStatusCode ? null : $"The receiver answered {status}.";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            failure = $"The receiver did not answer within {timeout.TotalSeconds:0} seconds.";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or TimeoutException)
        {
            failure = Category(e);
            log.LogInformation(e, "Webhook delivery {Delivery} to subscription {Subscription} failed: {Failure}", delivery.Id, subscription.Id, failure);
        }

        db.Add(new WebhookAttempt
        {
            OrganisationId = delivery.OrganisationId,
            DeliveryId = delivery.Id,
            At = at,
            StatusCode = status,
            Failure = failure,
            DurationMs = (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds),
        });
        if (failure is not null)
        {
            return OutboxOutcome.Retry(failure);
        }

        delivery.DeliveredAt = clock.GetUtcNow();
        return OutboxOutcome.Sent;
    }

    /// <summary>What the delivery log says of a failed connection: a category, never the socket's text.</summary>
    public static string Category(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is not IOException && ConnectionProblems.Of(inner) is { } category)
            {
                return category;
            }
        }

        return ConnectionProblems.Of(e) ?? OutboxFailure.Describe(e);
    }

    public void Dispose() => http.Dispose();
}
