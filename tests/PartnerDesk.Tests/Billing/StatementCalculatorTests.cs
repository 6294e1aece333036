using CsCheck;
using PartnerDesk.Features.Billing;
using PartnerDesk.Features.Plans;

namespace PartnerDesk.Tests.Billing;

public sealed class StatementCalculatorTests
{
    private static BillingTerms Terms(SupportDelivery delivery = SupportDelivery.Mixed, decimal prepaid = 0, DateOnly? start = null, DateOnly? end = null) => new(
        "Business Premium Support", "EUR", delivery, start ?? new DateOnly(2026, 1, 1), end,
        MonthlyFee: 690m, PerSeatFee: 4m, Seats: 120, IncludedHours: 10m, HourlyRate: 110m, PerIncidentFee: 0m,
        PrepaidHoursAvailable: prepaid, ProviderMonthlyFee: 150m, ProviderHourlyRate: 60m, ProviderPerIncidentFee: 25m);

    private static readonly DateOnly November = new(2026, 11, 1);

    [Fact]
    public void Included_hours_are_used_first_then_prepaid_then_the_hourly_rate()
    {
        Work[] work = [new(9 * 60, true, false), new(5 * 60, true, true), new(30, false, false)];

        var s = StatementCalculator.Compute(Terms(prepaid: 3), November, new MonthActivity(work, Incidents: 4, ProviderIncidents: 2));

        Assert.Equal(
            [(StatementLineKind.PlanFee, 690m), (StatementLineKind.Seats, 480m), (StatementLineKind.IncludedHours, 0m), (StatementLineKind.PrepaidHours, 0m),
                (StatementLineKind.Overage, 110m), (StatementLineKind.NonBillableHours, 0m), (StatementLineKind.ProviderHours, 0m), (StatementLineKind.ProviderIncidents, 0m)],
            s.Lines.Select(l => (l.Kind, l.Amount)));
        Assert.Equal((10m, 3m, 1m), (s.Lines[2].Quantity, s.Lines[3].Quantity, s.Lines[4].Quantity)); // 14 billable hours
        Assert.Equal(1280m, s.Total);
        Assert.Equal(150m + 5 * 60m + 2 * 25m, s.ProviderCost);
        Assert.Equal(1280m - 500m, s.Margin);
        Assert.Equal(3m, s.PrepaidHoursUsed);
    }

    [Fact]
    public void A_contract_starting_mid_month_pays_its_share_and_direct_support_costs_no_provider()
    {
        var s = StatementCalculator.Compute(Terms(SupportDelivery.Direct, start: new DateOnly(2026, 11, 16)), November, new MonthActivity([], 0, 0));

        Assert.Equal(0.5m, s.Lines[0].Quantity); // 15 of 30 days
        Assert.Equal(345m, s.Lines[0].Amount);
        Assert.Equal(2m * 120, s.Lines[1].Amount);
        Assert.Equal(0m, s.ProviderCost);
    }

    [Fact]
    public void Pro_rata_amounts_are_rounded_once_not_share_first()
    {
        var december = new DateOnly(2026, 12, 1);
        var terms = Terms(SupportDelivery.Direct, start: new DateOnly(2026, 12, 22)) with { MonthlyFee = 10_000m, PerSeatFee = 2.99m, Seats = 1000 };

        var s = StatementCalculator.Compute(terms, december, new MonthActivity([], 0, 0));

        Assert.Equal(3225.81m, s.Lines[0].Amount); // 10 of 31 days: 3,225.806…
        Assert.Equal(964.52m, s.Lines[1].Amount); // 2.99 × 1,000 × 10 / 31 = 964.516…
    }

    [Fact]
    public void Property_the_total_is_the_sum_of_its_lines_and_hours_are_neither_lost_nor_billed_twice()
    {
        Gen.Select(Gen.Int[0, 3000].Array[0, 20], Gen.Int[0, 40], Gen.Int[0, 20])
            .Sample((minutes, incidents, prepaid) =>
            {
                var work = minutes.Select((m, i) => new Work(m, i % 3 != 0, i % 2 == 0)).ToList();
                var s = StatementCalculator.Compute(Terms(prepaid: prepaid), November, new MonthActivity(work, incidents, incidents / 2));
                var billable = StatementCalculator.Hours(work.Where(w => w.Billable).Sum(w => w.Minutes));
                var hoursCharged = s.Lines.Where(l => l.Kind is StatementLineKind.IncludedHours or StatementLineKind.PrepaidHours or StatementLineKind.Overage).Sum(l => l.Quantity);
                return s.Total == s.Lines.Sum(l => l.Amount)
                    && hoursCharged == billable
                    && s.PrepaidHoursUsed <= prepaid
                    && s.Lines.All(l => l.Amount >= 0 && l.Cost >= 0);
            });
    }
}
