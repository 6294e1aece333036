using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

/// <summary>Runs one report over the caller's filtered sets.</summary>
public delegate Task<IReport> RunReport(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, DateTimeOffset now, CancellationToken ct);

/// <summary>A report of the console: its address (<c>/api/v1/reports/{Slug}</c>, <c>/console/reports/{Slug}</c>), its words, how it runs.</summary>
public sealed record ReportEntry(string Slug, string Title, string Summary, RunReport Run);

/// <summary>
/// The console's reports, in the order the picker shows them. A new report is one entry here: the API route, the page, the CSV export and the print view follow.
/// </summary>
public static class ReportCatalogue
{
    public static readonly IReadOnlyList<ReportEntry> Console =
    [
        new("volume", "Created and resolved", "Tickets created and resolved per day, and the open backlog.",
            async (db, p, f, now, ct) => await TicketVolume.Run(db, p, f, ct)),
        new("response-times", "Response times and SLA", "First response and resolution (median, 90th percentile) against the SLA, and breaches per customer and plan.",
            async (db, p, f, now, ct) => await ResponseTimes.Run(db, p, f, now, ct)),
        new("escalations", "Microsoft escalations", "Escalations per category, Microsoft's first response against its 2/4/8-hour targets, and the time to close.",
            async (db, p, f, now, ct) => await EscalationReport.Run(db, p, f, now, ct)),
        new("workload", "Workload per agent", "Tickets per assigned agent, those resolved in the period, and the time each logged.",
            async (db, p, f, now, ct) => await Workload.Run(db, p, f, ct)),
        new("billing", "Billable hours and margin", "Hours per customer, and what closed statements billed, cost and earned.",
            async (db, p, f, now, ct) => await BillingFigures.Run(db, p, f, ct)),
        new("deflection", "Known issues and self-help", "Tickets linked to Microsoft issues, and tickets avoided because a known issue or an article answered the customer.",
            async (db, p, f, now, ct) => await TicketDeflection.Run(db, p, f, ct)),
        new("satisfaction", "Customer satisfaction", "Ratings, their average and distribution, the share of low ones per customer and agent, and the low ratings' comments.",
            async (db, p, f, now, ct) => await SatisfactionFigures.Run(db, p, f, ct)),
    ];

    /// <summary>The portal's one report: a customer's own service.</summary>
    public static readonly ReportEntry Service = new("service", "Service report", "Your tickets, and response times against your contract.",
        async (db, p, f, now, ct) => await ServiceReport.Run(db, p, f, now, ct));

    public static ReportEntry? Find(string? slug) => Console.FirstOrDefault(r => r.Slug == slug);
}
