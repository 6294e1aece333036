using PartnerDesk.Features.Plans;

namespace PartnerDesk.Features.Billing;

/// <summary>A contract's prices for one month, overrides applied.</summary>
public sealed record BillingTerms(
    string PlanName,
    string Currency,
    SupportDelivery Delivery,
    DateOnly ContractStart,
    DateOnly? ContractEnd,
    decimal MonthlyFee,
    decimal PerSeatFee,
    int Seats,
    decimal IncludedHours,
    decimal HourlyRate,
    decimal PerIncidentFee,
    decimal PrepaidHoursAvailable,
    decimal ProviderMonthlyFee,
    decimal ProviderHourlyRate,
    decimal ProviderPerIncidentFee);

public readonly record struct Work(int Minutes, bool Billable, bool ByProvider);

/// <summary>What happened in the month: the work logged, incidents filed, and those the provider worked.</summary>
public sealed record MonthActivity(IReadOnlyList<Work> Work, int Incidents, int ProviderIncidents);

public sealed record StatementLineDraft(StatementLineKind Kind, string Description, decimal Quantity, decimal UnitPrice, decimal Amount, decimal Cost);

public sealed record StatementDraft(IReadOnlyList<StatementLineDraft> Lines, decimal Total, decimal ProviderCost, decimal PrepaidHoursUsed)
{
    public decimal Margin => Total - ProviderCost;
}

/// <summary>
/// A month's statement, pure: the plan fee and seats (pro rata for the days the contract covers), billable
/// hours taken first from the included hours, then from prepaid hours, the rest at the hourly rate; the
/// per-incident fee; and, for resold or outsourced support, what the provider costs the partner.
/// Amounts are rounded to the cent, half away from zero, line by line.
/// </summary>
public static class StatementCalculator
{
    public static StatementDraft Compute(BillingTerms terms, DateOnly month, MonthActivity activity)
    {
        var first = new DateOnly(month.Year, month.Month, 1);
        var last = first.AddMonths(1).AddDays(-1);
        var from = terms.ContractStart > first ? terms.ContractStart : first;
        var to = terms.ContractEnd is { } end && end < last ? end : last;
        // Days covered over days in the month, kept exact until each amount is rounded once.
        var (days, inMonth) = (to < from ? 0 : to.DayNumber - from.DayNumber + 1, last.DayNumber - first.DayNumber + 1);
        decimal Share(decimal amount) => Round(amount * days / inMonth);
        var whole = days == inMonth;
        var resold = terms.Delivery != SupportDelivery.Direct;
        var period = whole ? "" : $" ({from:yyyy-MM-dd} to {to:yyyy-MM-dd})";

        var lines = new List<StatementLineDraft>
        {
            new(StatementLineKind.PlanFee, terms.PlanName + period, Round((decimal)days / inMonth, 4), terms.MonthlyFee,
                Share(terms.MonthlyFee), resold ? Share(terms.ProviderMonthlyFee) : 0),
        };
        if (terms.PerSeatFee > 0 && terms.Seats > 0)
        {
            lines.Add(new(StatementLineKind.Seats, "Users" + period, Round(terms.Seats * (decimal)days / inMonth, 4), terms.PerSeatFee, Share(terms.PerSeatFee * terms.Seats), 0));
        }

        var billable = Hours(activity.Work.Where(w => w.Billable).Sum(w => w.Minutes));
        var included = Math.Min(billable, terms.IncludedHours);
        var prepaid = Math.Min(billable - included, Math.Max(terms.PrepaidHoursAvailable, 0));
        var overage = billable - included - prepaid;
        if (included > 0)
        {
            lines.Add(new(StatementLineKind.IncludedHours, $"Hours included ({terms.IncludedHours:0.##} a month)", included, 0, 0, 0));
        }

        if (prepaid > 0)
        {
            lines.Add(new(StatementLineKind.PrepaidHours, "Prepaid hours used", prepaid, 0, 0, 0));
        }

        if (overage > 0)
        {
            lines.Add(new(StatementLineKind.Overage, "Further hours", overage, terms.HourlyRate, Round(overage * terms.HourlyRate), 0));
        }

        var nonBillable = Hours(activity.Work.Where(w => !w.Billable).Sum(w => w.Minutes));
        if (nonBillable > 0)
        {
            lines.Add(new(StatementLineKind.NonBillableHours, "Hours not charged", nonBillable, 0, 0, 0));
        }

        if (terms.PerIncidentFee > 0 && activity.Incidents > 0)
        {
            lines.Add(new(StatementLineKind.Incidents, "Incidents", activity.Incidents, terms.PerIncidentFee, Round(activity.Incidents * terms.PerIncidentFee), 0));
        }

        if (resold)
        {
            var providerHours = Hours(activity.Work.Where(w => w.ByProvider).Sum(w => w.Minutes));
            if (providerHours > 0 && terms.ProviderHourlyRate > 0)
            {
                lines.Add(new(StatementLineKind.ProviderHours, "Provider hours", providerHours, terms.ProviderHourlyRate, 0, Round(providerHours * terms.ProviderHourlyRate)));
            }

            if (activity.ProviderIncidents > 0 && terms.ProviderPerIncidentFee > 0)
            {
                lines.Add(new(StatementLineKind.ProviderIncidents, "Provider incidents", activity.ProviderIncidents, terms.ProviderPerIncidentFee, 0, Round(activity.ProviderIncidents * terms.ProviderPerIncidentFee)));
            }
        }

        return new StatementDraft(lines, lines.Sum(l => l.Amount), lines.Sum(l => l.Cost), prepaid);
    }

    /// <summary>Minutes as hours to the hundredth.</summary>
    public static decimal Hours(int minutes) => Round(minutes / 60m);

    private static decimal Round(decimal value, int decimals = 2) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);
}
