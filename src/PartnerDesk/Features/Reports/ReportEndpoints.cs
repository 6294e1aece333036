using System.Text;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

public static class ReportEndpoints
{
    public static RouteGroupBuilder MapReportEndpoints(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/volume", (HttpContext http, PartnerDeskDb db, TimeProvider clock, [AsParameters] ReportRequest request, CancellationToken ct) =>
                Answer(http, db, clock, request, ReportCatalogue.Find("volume")!, ct))
            .RequireAuthorization(Policies.Reports).Produces<VolumeReport>()
            .WithSummary("Tickets created and resolved per day and the open backlog at each day's end (UTC days). Filters: customerId, planId, service, severity, agentId, channel; from/to as yyyy-MM-dd (at most 366 days); format=csv.");
        reports.MapGet("/response-times", (HttpContext http, PartnerDeskDb db, TimeProvider clock, [AsParameters] ReportRequest request, CancellationToken ct) =>
                Answer(http, db, clock, request, ReportCatalogue.Find("response-times")!, ct))
            .RequireAuthorization(Policies.Reports).Produces<ResponseTimesReport>()
            .WithSummary("First response and resolution times (median, 90th percentile, minutes) of the tickets filed in the period against their SLA due times, and breaches per customer and plan; format=csv&table=times|customers|plans.");
        reports.MapGet("/escalations", (HttpContext http, PartnerDeskDb db, TimeProvider clock, [AsParameters] ReportRequest request, CancellationToken ct) =>
                Answer(http, db, clock, request, ReportCatalogue.Find("escalations")!, ct))
            .RequireAuthorization(Policies.Reports).Produces<EscalationsReport>()
            .WithSummary("Escalations to Microsoft opened in the period: per category, Microsoft's first response against its 2/4/8-hour targets per severity, time to close; format=csv&table=categories|severities.");
        reports.MapGet("/workload", (HttpContext http, PartnerDeskDb db, TimeProvider clock, [AsParameters] ReportRequest request, CancellationToken ct) =>
                Answer(http, db, clock, request, ReportCatalogue.Find("workload")!, ct))
            .RequireAuthorization(Policies.Reports).Produces<WorkloadReport>()
            .WithSummary("Per agent: tickets filed in the period assigned to it, still open, resolved in the period, hours logged.");
        reports.MapGet("/billing", (HttpContext http, PartnerDeskDb db, TimeProvider clock, [AsParameters] ReportRequest request, CancellationToken ct) =>
                Answer(http, db, clock, request, ReportCatalogue.Find("billing")!, ct))
            .RequireAuthorization(Policies.Reports).Produces<BillingReport>()
            .WithSummary("Per customer: hours logged in the period (billable and not), and billed, provider cost and margin of the closed statements of its months.");
        reports.MapGet("/deflection", (HttpContext http, PartnerDeskDb db, TimeProvider clock, [AsParameters] ReportRequest request, CancellationToken ct) =>
                Answer(http, db, clock, request, ReportCatalogue.Find("deflection")!, ct))
            .RequireAuthorization(Policies.Reports).Produces<DeflectionReport>()
            .WithSummary("Per day and per service: tickets filed in the period linked to a Microsoft issue (not dismissed), and tickets avoided by self-help (a contact said a known issue or an article solved it); per issue and per article; format=csv&table=days|services|incidents|articles.");
        reports.MapGet("/satisfaction", (HttpContext http, PartnerDeskDb db, TimeProvider clock, [AsParameters] ReportRequest request, CancellationToken ct) =>
                Answer(http, db, clock, request, ReportCatalogue.Find("satisfaction")!, ct))
            .RequireAuthorization(Policies.Reports).Produces<SatisfactionReport>()
            .WithSummary("Ratings given in the period: count, average, distribution 1-5, low ones (at or below the survey's alert threshold), per customer and per agent (the assignee when rated), and the low ratings' comments; format=csv&table=scores|days|customers|agents|low_ratings.");
        reports.MapGet("/service", async (HttpContext http, PartnerDeskDb db, TimeProvider clock, [AsParameters] ReportRequest request, CancellationToken ct) =>
            {
                // A customer's admin sees its own customer's report (the query filters keep it to that customer); an agent
                // allowed reports names the customer. A contact who is no admin, and other agents, are refused.
                var caller = db.Caller;
                if (caller.IsContact ? !caller.IsCustomerAdmin : caller.AgentRole != Platform.Tenancy.AgentRole.AdminAgent)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The service report is for a customer's admin contacts and for the desk's admins.");
                }

                if (caller.IsAgent && string.IsNullOrEmpty(request.CustomerId))
                {
                    return FieldErrors.One("customerId", "Name the customer whose service report to show.");
                }

                return await Answer(http, db, clock, request, ReportCatalogue.Service, ct);
            })
            .RequireAuthorization(Policies.Member).Produces<CustomerServiceReport>()
            .WithSummary("A customer's service report: its tickets per day and response times against its contract. A customer's admin contact gets its own customer's; an admin agent names customerId.");
        return api;
    }

    private static async Task<IResult> Answer(HttpContext http, PartnerDeskDb db, TimeProvider clock, ReportRequest request, ReportEntry entry, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (period, filter, errors) = await ReportInput.Read(request, db, now, ct);
        if (errors.Any || period is null)
        {
            return errors.ToProblem();
        }

        var csv = request.Format == "csv" || (string.IsNullOrEmpty(request.Format) && AcceptsCsvOnly(http));
        var report = await entry.Run(db, period, filter, now, ct);
        if (!csv)
        {
            if (!string.IsNullOrEmpty(request.Table))
            {
                return FieldErrors.One("table", "Only with format=csv.");
            }

            return TypedResults.Ok((object)report);
        }

        var tables = report.Tables();
        var table = string.IsNullOrEmpty(request.Table) ? tables[0] : tables.FirstOrDefault(t => t.Name == request.Table);
        if (table is null)
        {
            return FieldErrors.One("table", $"One of {string.Join(", ", tables.Select(t => t.Name))}.");
        }

        var name = $"partnerdesk-{entry.Slug}-{table.Name}-{period.From:yyyy-MM-dd}-{period.To:yyyy-MM-dd}.csv";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        return TypedResults.Text(table.ToCsv(), "text/csv; charset=utf-8", Encoding.UTF8);
    }

    private static bool AcceptsCsvOnly(HttpContext http) =>
        http.Request.GetTypedHeaders().Accept is { Count: > 0 } accept
        && accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        && !accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The query string of a report's page or export, for links (only what is set).</summary>
    public static string Query(ReportRequest r)
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        Add("from", r.From);
        Add("to", r.To);
        Add("customerId", r.CustomerId);
        Add("planId", r.PlanId);
        Add("service", r.Service);
        Add("severity", r.Severity);
        Add("agentId", r.AgentId);
        Add("channel", r.Channel);
        Add("format", r.Format);
        Add("table", r.Table);
        return string.Join('&', parts);
    }
}
