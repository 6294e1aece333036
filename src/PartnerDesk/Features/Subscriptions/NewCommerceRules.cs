using PartnerDesk.MicrosoftApis;

namespace PartnerDesk.Features.Subscriptions;

public enum SubscriptionAction
{
    AddLicences,
    RemoveLicences,
    Cancel,
    NewProduct,
}

/// <summary>A customer's subscription as PartnerDesk shows it and judges changes to it.</summary>
public sealed record SubscriptionView(
    string Id,
    string Name,
    int Quantity,
    int? InUse,
    string Status,
    string? Term,
    string? BillingCycle,
    DateTimeOffset? TermStart,
    DateTimeOffset? TermEnd,
    bool AutoRenew,
    bool IsTrial,
    DateTimeOffset? ReduceUntil);

/// <summary>
/// Microsoft's new-commerce rules for changing a licence subscription (docs/subscriptions.md names the sources):
/// licences can be added at any time; removed, or the subscription cancelled, only within 7 days (168 hours)
/// of purchase or renewal, which Partner Center states as the subscription's refund options; never below the
/// licences assigned to users; only while the subscription is active. Pure: the same rules judge a contact's
/// request, a sales agent's approval and the simulator.
/// </summary>
public static class NewCommerceRules
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(168);

    public const int MaxQuantity = 10_000;

    public static SubscriptionView View(PartnerCenterSubscription s, int? inUse)
    {
        // Partner Center states the window as refund options; without one, 168 hours from the term's start.
        var refunds = s.RefundOptions?.Where(r => r.ExpiresAt is not null).Select(r => r.ExpiresAt!.Value).ToList() ?? [];
        var reduceUntil = refunds.Count > 0 ? refunds.Max() : s.EffectiveStartDate + Window;

        return new SubscriptionView(
            s.Id, s.FriendlyName ?? s.OfferName ?? s.Id, s.Quantity, inUse, s.Status ?? "unknown", s.TermDuration, s.BillingCycle,
            s.EffectiveStartDate, s.CommitmentEndDate, s.AutoRenewEnabled, s.IsTrial, reduceUntil);
    }

    /// <summary>The quantity the subscription has after the change; null for a cancellation or a new product.</summary>
    public static int? Target(SubscriptionView s, SubscriptionAction action, int? number) => action switch
    {
        SubscriptionAction.AddLicences => s.Quantity + (number ?? 0),
        SubscriptionAction.RemoveLicences => s.Quantity - (number ?? 0),
        _ => null,
    };

    /// <summary>Why the change cannot be made, naming the field it is about; null when it can.</summary>
    public static (string Field, string Reason)? Refusal(SubscriptionView? s, SubscriptionAction action, int? number, string? product, DateTimeOffset now)
    {
        if (action == SubscriptionAction.NewProduct)
        {
            return string.IsNullOrWhiteSpace(product) ? ("product", "Name the product you would like.") : null;
        }

        if (s is null)
        {
            return ("subscriptionId", "No such subscription of this customer.");
        }

        if (!string.Equals(s.Status, "active", StringComparison.OrdinalIgnoreCase))
        {
            return ("subscriptionId", $"The subscription is {s.Status}: only an active subscription can be changed.");
        }

        var inWindow = s.ReduceUntil is { } until && now <= until;
        switch (action)
        {
            case SubscriptionAction.AddLicences:
                if (number is null or < 1)
                {
                    return ("quantity", "Give the number of licences to add (1 or more).");
                }

                return s.Quantity + number > MaxQuantity ? ("quantity", $"A subscription holds at most {MaxQuantity:N0} licences.") : null;
            case SubscriptionAction.RemoveLicences:
                if (number is null or < 1)
                {
                    return ("quantity", "Give the number of licences to remove (1 or more).");
                }

                if (s.Quantity - number < 1)
                {
                    return ("quantity", "At least one licence stays; to end the subscription, ask for a cancellation.");
                }

                if (s.InUse is { } used && s.Quantity - number < used)
                {
                    return ("quantity", $"{used} licences are assigned to users: remove at most {s.Quantity - used}, or unassign licences first.");
                }

                return inWindow ? null : ("quantity", WindowClosed(s, "Licences can be removed"));
            case SubscriptionAction.Cancel:
                return inWindow ? null : ("action", WindowClosed(s, "A subscription can be cancelled"));
            default:
                return ("action", "Unknown change.");
        }
    }

    private static string WindowClosed(SubscriptionView s, string what) =>
        $"{what} only within 7 days of purchase or renewal (Microsoft's new-commerce rule); this term began {s.TermStart:yyyy-MM-dd}"
        + (s.TermEnd is { } end ? $" and renews on {end:yyyy-MM-dd}, when the change can be made." : ".");
}
