using PartnerDesk.Features.Subscriptions;
using PartnerDesk.MicrosoftApis;

namespace PartnerDesk.Tests.Subscriptions;

/// <summary>Microsoft's new-commerce rules, pure: adding any time, removing and cancelling within 168 hours of the term's start, never below use.</summary>
public sealed class NewCommerceRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static SubscriptionView Subscription(int quantity = 20, int inUse = 15, double startedDaysAgo = 3, string status = "active", bool refundOptions = true)
    {
        var start = Now.AddDays(-startedDaysAgo);
        List<PartnerCenterRefundOption>? refunds = refundOptions ? (start.AddDays(7) > Now ? [new("Full", start.AddDays(7))] : []) : null;
        return NewCommerceRules.View(new PartnerCenterSubscription("s1", "o1", "Microsoft 365 Business Premium", null, quantity, "Licenses", start, start, start.AddYears(1), status, true, "annual", "P1Y", false, refunds), inUse);
    }

    [Theory]
    [InlineData(SubscriptionAction.AddLicences, 5, 3.0, null)]
    [InlineData(SubscriptionAction.AddLicences, 5, 300.0, null)]
    [InlineData(SubscriptionAction.AddLicences, 0, 3.0, "quantity")]
    [InlineData(SubscriptionAction.RemoveLicences, 5, 3.0, null)]
    [InlineData(SubscriptionAction.RemoveLicences, 6, 3.0, "quantity")] // below the 15 in use
    [InlineData(SubscriptionAction.RemoveLicences, 1, 8.0, "quantity")] // the window has closed
    [InlineData(SubscriptionAction.RemoveLicences, 20, 3.0, "quantity")] // nothing would be left
    [InlineData(SubscriptionAction.Cancel, null, 6.9, null)]
    [InlineData(SubscriptionAction.Cancel, null, 7.1, "action")]
    public void A_change_is_judged_by_microsofts_rules(SubscriptionAction action, int? number, double startedDaysAgo, string? refusedField)
    {
        var refusal = NewCommerceRules.Refusal(Subscription(startedDaysAgo: startedDaysAgo), action, number, null, Now);

        Assert.Equal(refusedField, refusal?.Field);
    }

    [Fact]
    public void Without_refund_options_the_window_is_168_hours_from_the_terms_start_and_only_active_subscriptions_change()
    {
        var legacy = Subscription(startedDaysAgo: 6.5, refundOptions: false);
        Assert.Equal(legacy.TermStart + TimeSpan.FromHours(168), legacy.ReduceUntil);
        Assert.Null(NewCommerceRules.Refusal(legacy, SubscriptionAction.Cancel, null, null, Now));

        Assert.Equal("subscriptionId", NewCommerceRules.Refusal(Subscription(status: "suspended"), SubscriptionAction.AddLicences, 1, null, Now)?.Field);
        Assert.Equal("subscriptionId", NewCommerceRules.Refusal(null, SubscriptionAction.AddLicences, 1, null, Now)?.Field);
        Assert.Equal("product", NewCommerceRules.Refusal(null, SubscriptionAction.NewProduct, null, " ", Now)?.Field);
        Assert.Equal(25, NewCommerceRules.Target(Subscription(), SubscriptionAction.AddLicences, 5));
        Assert.Equal(15, NewCommerceRules.Target(Subscription(), SubscriptionAction.RemoveLicences, 5));
    }

    [Fact]
    public void A_closed_window_is_explained_with_the_renewal_date()
    {
        var refusal = NewCommerceRules.Refusal(Subscription(startedDaysAgo: 30), SubscriptionAction.RemoveLicences, 1, null, Now);

        Assert.Contains("within 7 days of purchase or renewal", refusal!.Value.Reason, StringComparison.Ordinal);
        Assert.Contains("2027-10-26", refusal.Value.Reason, StringComparison.Ordinal);
    }
}
