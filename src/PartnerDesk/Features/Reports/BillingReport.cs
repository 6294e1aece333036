using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Billing;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

/// <summary>
/// One customer's hours and money: time logged in the period (billable and not), and its closed statements of the
/// months in the period: what was billed, what the support provider cost, and the margin between them.
/// </summary>
public sealed record CustomerMargin(Guid CustomerId, string Name, decimal Hours, decimal BillableHours, string? Currency, decimal Billed, decimal ProviderCost, decimal Margin);

public sealed record BillingReport(ReportPeriod Period, IReadOnlyList<CustomerMargin> Customers) : IReport
{
    public IReadOnlyList<ReportTable> Tables() =>
    [
        new("customers", "Billable hours and margin per customer",
            ["customer_id", "customer", "hours", "billable_hours", "currency", "billed", "provider_cost", "margin"],
            [.. Customers.Select(c => (IReadOnlyList<string>)[ReportTable.Cell(c.CustomerId), c.Name, ReportTable.Cell(c.Hours), ReportTable.Cell(c.BillableHours), c.Currency ?? "",
                ReportTable.Cell(c.Billed), ReportTable.Cell(c.ProviderCost), ReportTable.Cell(c.Margin)])]),
    ];

    public IReadOnlyList<ChartSpec> Charts(Func<string, string> text)
    {
        var top = Customers.Take(15).ToList();
        return
        [
            new(text("Billable hours per customer"), text("Hours logged in the period, billable and not, for the customers with the most."),
                [.. top.Select(c => c.Name)],
                [
                    new ChartSeries(text("Billable hours"), [.. top.Select(c => (double?)c.BillableHours)]),
                    new ChartSeries(text("Non-billable hours"), [.. top.Select(c => (double?)(c.Hours - c.BillableHours))]),
                ],
                Stacked: true, Unit: text("Hours")),
            new(text("Billed, provider cost and margin"), text("Closed statements of the months in the period, per customer."),
                [.. top.Select(c => c.Name)],
                [
                    new ChartSeries(text("Billed amount"), [.. top.Select(c => (double?)c.Billed)]),
                    new ChartSeries(text("Provider cost"), [.. top.Select(c => (double?)c.ProviderCost)]),
                    new ChartSeries(text("Margin"), [.. top.Select(c => (double?)c.Margin)]),
                ],
                Unit: top.Select(c => c.Currency).FirstOrDefault(c => c is not null) ?? ""),
        ];
    }
}

public static class BillingFigures
{
    /// <summary>
    /// Time follows every filter (through its ticket; the agent filter means who logged it); statements, being per
    /// customer and month, follow the customer filter only. Statements are what was billed: months not closed yet
    /// have none, so their hours show without money.
    /// </summary>
    public static async Task<BillingReport> Run(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, CancellationToken ct)
    {
        var (from, to) = (period.From, period.To);
        var tickets = (filter with { AgentId = null }).Apply(db.Tickets);
        var entries = db.TimeEntries.AsNoTracking().Where(e => e.WorkedOn >= from && e.WorkedOn <= to && e.RunningSince == null && tickets.Any(t => t.Id == e.TicketId));
        if (filter.AgentId is { } agent)
        {
            entries = entries.Where(e => e.AgentId == agent);
        }

        var time = await entries.GroupBy(e => e.CustomerId)
            .Select(g => new { g.Key, Minutes = g.Sum(e => e.Minutes), Billable = g.Sum(e => e.Billable ? e.Minutes : 0) })
            .ToListAsync(ct);

        var firstMonth = new DateOnly(from.Year, from.Month, 1);
        var statements = db.Statements.AsNoTracking().Where(s => s.Month >= firstMonth && s.Month <= to);
        if (filter.CustomerId is { } customer)
        {
            statements = statements.Where(s => s.CustomerId == customer);
        }

        // Sums of decimals are added up here: SQLite stores decimals as text and cannot sum them exactly.
        var billed = (await statements.Select(s => new { s.CustomerId, s.Currency, s.Total, s.ProviderCost }).ToListAsync(ct))
            .GroupBy(s => s.CustomerId)
            .ToDictionary(g => g.Key, g => (Currency: string.Join("/", g.Select(s => s.Currency).Distinct()), Total: g.Sum(s => s.Total), Cost: g.Sum(s => s.ProviderCost)));

        var ids = time.Select(t => t.Key).Concat(billed.Keys).Distinct().ToList();
        var names = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var rows = ids.Select(id =>
            {
                var t = time.FirstOrDefault(x => x.Key == id);
                var b = billed.TryGetValue(id, out var x) ? x : (Currency: (string?)null, Total: 0m, Cost: 0m);
                return new CustomerMargin(id, names.GetValueOrDefault(id, "?"), ReportRules.Hours(t?.Minutes ?? 0), ReportRules.Hours(t?.Billable ?? 0),
                    b.Currency, b.Total, b.Cost, b.Total - b.Cost);
            })
            .OrderByDescending(c => c.Billed).ThenByDescending(c => c.BillableHours).ThenBy(c => c.Name, StringComparer.CurrentCulture)
            .ToList();
        return new BillingReport(period, rows);
    }
}
