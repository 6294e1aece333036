using System.Collections.Concurrent;

namespace PartnerDesk.Simulator.PartnerCenter;

/// <summary>Partner Center's Subscription resource (the fields PartnerDesk reads and writes).</summary>
public sealed class Subscription
{
    public string Id { get; set; } = "";
    public string OfferId { get; set; } = "";
    public string OfferName { get; set; } = "";
    public string FriendlyName { get; set; } = "";
    public int Quantity { get; set; }
    public string UnitType { get; set; } = "Licenses";
    public DateTimeOffset CreationDate { get; set; }
    public DateTimeOffset EffectiveStartDate { get; set; }
    public DateTimeOffset CommitmentEndDate { get; set; }

    /// <summary>active, suspended, deleted, expired, pending, disabled.</summary>
    public string Status { get; set; } = "active";
    public bool AutoRenewEnabled { get; set; } = true;
    public string BillingType { get; set; } = "license";
    public string BillingCycle { get; set; } = "monthly";

    /// <summary>ISO 8601: P1M or P1Y.</summary>
    public string TermDuration { get; set; } = "P1Y";
    public bool IsTrial { get; set; }
    public ProductType ProductType { get; set; } = new();

    /// <summary>New commerce: until when a reduction or cancellation gets a refund (and is allowed at all).</summary>
    public List<RefundOption> RefundOptions { get; set; } = [];
    public ResourceAttributes Attributes { get; set; } = new() { ObjectType = "Subscription" };
}

public sealed class ProductType
{
    public string Id { get; set; } = "OnlineServicesNCE";
    public string DisplayName { get; set; } = "OnlineServicesNCE";
}

public sealed class RefundOption
{
    public string Type { get; set; } = "Full";
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>Partner Center's SubscribedSku: licences of a product the customer holds and uses.</summary>
public sealed class SubscribedSku
{
    public int ActiveUnits { get; set; }
    public int ConsumedUnits { get; set; }
    public string CapabilityStatus { get; set; } = "Enabled";
    public SkuProduct ProductSku { get; set; } = new();
    public ResourceAttributes Attributes { get; set; } = new() { ObjectType = "SubscribedSku" };
}

public sealed class SkuProduct
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string SkuPartNumber { get; set; } = "";
}

/// <summary>
/// The customers' subscriptions. A tenant nobody set up gets three, made up from its id the first time it is
/// asked: one bought three days ago (inside the new-commerce window), one a year-long term begun 45 days ago
/// and one monthly, begun 20 days ago (both outside). Tests set their own.
/// </summary>
public sealed class SubscriptionState(TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, List<(Subscription Subscription, int Consumed)>> byTenant = new();
    private readonly Lock gate = new();

    public int Patches { get; private set; }

    public List<(Subscription Subscription, int Consumed)> Of(Guid tenant) => byTenant.GetOrAdd(tenant, Made);

    public void Set(Guid tenant, List<(Subscription Subscription, int Consumed)> subscriptions) => byTenant[tenant] = subscriptions;

    public Subscription? Get(Guid tenant, string id)
    {
        lock (gate)
        {
            return Of(tenant).Select(s => s.Subscription).FirstOrDefault(s => s.Id == id);
        }
    }

    /// <summary>Applies a PATCH as Partner Center does for new commerce; returns an error text when refused.</summary>
    public (Subscription? Updated, string? Error) Patch(Guid tenant, string id, Subscription patch)
    {
        lock (gate)
        {
            var list = Of(tenant);
            var index = list.FindIndex(s => s.Subscription.Id == id);
            if (index < 0)
            {
                return (null, null);
            }

            var (current, consumed) = list[index];
            var now = clock.GetUtcNow();
            var windowOpen = current.RefundOptions.Any(r => r.ExpiresAt > now);
            if (patch.Status is "deleted" && current.Status != "deleted")
            {
                if (!windowOpen)
                {
                    return (null, "The subscription can no longer be cancelled: the cancellation window of 7 days after purchase or renewal has passed.");
                }

                current.Status = "deleted";
            }
            else if (patch.Quantity != current.Quantity)
            {
                if (patch.Quantity < 1)
                {
                    return (null, "Quantity must be at least 1.");
                }

                if (patch.Quantity < current.Quantity && !windowOpen)
                {
                    return (null, "Seat count can only be reduced within 7 days of purchase or renewal.");
                }

                if (patch.Quantity < consumed)
                {
                    return (null, $"Quantity {patch.Quantity} is below the {consumed} licences assigned.");
                }

                current.Quantity = patch.Quantity;
            }

            Patches++;
            return (current, null);
        }
    }

    public List<SubscribedSku> Skus(Guid tenant) => [.. Of(tenant).Select(s => new SubscribedSku
    {
        ActiveUnits = s.Subscription.Status == "active" ? s.Subscription.Quantity : 0,
        ConsumedUnits = s.Consumed,
        ProductSku = new SkuProduct { Id = s.Subscription.OfferId, Name = s.Subscription.OfferName, SkuPartNumber = s.Subscription.OfferId },
    })];

    private List<(Subscription, int)> Made(Guid tenant)
    {
        var now = clock.GetUtcNow();
        var seed = BitConverter.ToInt32(tenant.ToByteArray(), 0) & 0xFFFF;
        Subscription New(string offerId, string name, int quantity, string term, int startedDaysAgo, int number)
        {
            var start = now.AddDays(-startedDaysAgo);
            var termStart = start;
            var months = term == "P1M" ? 1 : 12;
            while (termStart.AddMonths(months) <= now)
            {
                termStart = termStart.AddMonths(months);
            }

            return new Subscription
            {
                Id = new Guid(tenant.ToByteArray().Take(12).Concat(BitConverter.GetBytes(number)).ToArray()).ToString(),
                OfferId = offerId,
                OfferName = name,
                FriendlyName = name,
                Quantity = quantity,
                CreationDate = start,
                EffectiveStartDate = termStart,
                CommitmentEndDate = termStart.AddMonths(months),
                TermDuration = term,
                BillingCycle = term == "P1M" ? "monthly" : "annual",
                RefundOptions = termStart.AddDays(7) > now ? [new RefundOption { ExpiresAt = termStart.AddDays(7) }] : [],
            };
        }

        return
        [
            (New("CFQ7TTC0LCHC:0002", "Microsoft 365 Business Premium", 20 + seed % 30, "P1Y", 3, 1), 15 + seed % 5),
            (New("CFQ7TTC0LF8Q:0001", "Exchange Online (Plan 1)", 10, "P1Y", 45, 2), 10),
            (New("CFQ7TTC0J1FV:0001", "Microsoft Teams Phone Standard", 5, "P1M", 20, 3), 2),
        ];
    }
}
