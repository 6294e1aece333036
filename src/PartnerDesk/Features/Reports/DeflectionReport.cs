using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Knowledge;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

/// <summary>One day or one service: tickets filed that are linked to a Microsoft issue, and tickets avoided by self-help.</summary>
public sealed record DeflectionCount(string Key, int LinkedTickets, int AvoidedByIncident, int AvoidedByArticle)
{
    public int Avoided => AvoidedByIncident + AvoidedByArticle;
}

/// <summary>A Microsoft issue: the tickets of the period linked to it, and the tickets it avoided.</summary>
public sealed record DeflectionIncident(Guid IssueId, string MicrosoftId, string Service, string Title, int LinkedTickets, int Avoided);

/// <summary>An article of the knowledge base and the tickets it avoided.</summary>
public sealed record DeflectionArticle(Guid ArticleId, string Title, int Avoided);

/// <summary>
/// Known-issue deflection: per day and per service, tickets filed in the period that are linked to a Microsoft issue
/// (suggested or confirmed; not dismissed), and tickets avoided because a contact said a known issue or an article
/// solved the problem. <see cref="PortalTickets"/> is what was filed in the portal anyway, for the rate.
/// </summary>
public sealed record DeflectionReport(
    ReportPeriod Period,
    int PortalTickets,
    int LinkedTickets,
    int AvoidedByIncident,
    int AvoidedByArticle,
    IReadOnlyList<DeflectionCount> Days,
    IReadOnlyList<DeflectionCount> Services,
    IReadOnlyList<DeflectionIncident> Incidents,
    IReadOnlyList<DeflectionArticle> Articles) : IReport
{
    public int Avoided => AvoidedByIncident + AvoidedByArticle;

    /// <summary>Avoided tickets as a share of the portal filings they would have been (null when there were none).</summary>
    public double? AvoidedPercent => Avoided + PortalTickets == 0 ? null : Math.Round(100.0 * Avoided / (Avoided + PortalTickets), 1);

    public IReadOnlyList<ReportTable> Tables() =>
    [
        Counts("days", "Linked and avoided tickets per day", "day", Days),
        Counts("services", "Linked and avoided tickets per service", "service", Services),
        new("incidents", "Microsoft issues: linked and avoided tickets", ["issue_id", "microsoft_id", "service", "title", "linked_tickets", "avoided"],
            [.. Incidents.Select(i => (IReadOnlyList<string>)[ReportTable.Cell(i.IssueId), i.MicrosoftId, i.Service, i.Title, ReportTable.Cell(i.LinkedTickets), ReportTable.Cell(i.Avoided)])]),
        new("articles", "Articles: avoided tickets", ["article_id", "title", "avoided"],
            [.. Articles.Select(a => (IReadOnlyList<string>)[ReportTable.Cell(a.ArticleId), a.Title, ReportTable.Cell(a.Avoided)])]),
    ];

    public IReadOnlyList<ChartSpec> Charts(Func<string, string> text) =>
    [
        Chart(text("Linked and avoided tickets per day"),
            string.Format(System.Globalization.CultureInfo.InvariantCulture, text("{0} tickets linked to Microsoft issues; {1} avoided by a known issue, {2} by an article."), LinkedTickets, AvoidedByIncident, AvoidedByArticle),
            [.. Days.Select(d => DateOnly.Parse(d.Key, System.Globalization.CultureInfo.InvariantCulture).ToString("dd.MM", System.Globalization.CultureInfo.InvariantCulture))], Days, text),
        Chart(text("Linked and avoided tickets per service"), text("Per service chosen on the ticket or the form: tickets linked to Microsoft issues, and tickets avoided by self-help."),
            [.. Services.Select(s => s.Key == TicketDeflection.NoService ? text(TicketDeflection.NoService) : s.Key)], Services, text),
    ];

    private static ChartSpec Chart(string title, string description, IReadOnlyList<string> categories, IReadOnlyList<DeflectionCount> rows, Func<string, string> text) =>
        new(title, description, categories,
            [
                new ChartSeries(text("Linked to a Microsoft issue"), [.. rows.Select(r => (double?)r.LinkedTickets)]),
                new ChartSeries(text("Avoided by a known issue"), [.. rows.Select(r => (double?)r.AvoidedByIncident)]),
                new ChartSeries(text("Avoided by an article"), [.. rows.Select(r => (double?)r.AvoidedByArticle)]),
            ],
            Unit: text("Tickets"));

    private static ReportTable Counts(string name, string title, string column, IReadOnlyList<DeflectionCount> rows) =>
        new(name, title, [column, "linked_tickets", "avoided_by_incident", "avoided_by_article", "avoided"],
            [.. rows.Select(r => (IReadOnlyList<string>)[r.Key, ReportTable.Cell(r.LinkedTickets), ReportTable.Cell(r.AvoidedByIncident), ReportTable.Cell(r.AvoidedByArticle), ReportTable.Cell(r.Avoided)])]);
}

public static class TicketDeflection
{
    /// <summary>The service of a ticket or deflection where none was chosen ("not sure").</summary>
    public const string NoService = "Not given";

    /// <summary>
    /// Two narrow reads. Linked tickets: the tickets filed in the period (the report index's range, through the filtered
    /// set) joined to their links by the links' key (ticket, issue). Deflections: the organisation's index range on
    /// (organisation, time). A deflection has a customer, a service and a severity, and came through the portal; it has
    /// no agent, so an agent filter leaves none, and a plan filter keeps the customers with a contract of that plan.
    /// </summary>
    public static async Task<DeflectionReport> Run(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, CancellationToken ct)
    {
        var (start, end) = (period.Start, period.End);
        var tickets = filter.Apply(db.Tickets.AsNoTracking()).Where(t => t.CreatedAt >= start && t.CreatedAt < end);
        var links = await (
                from t in tickets
                join l in db.TicketIssueLinks on t.Id equals l.TicketId
                where l.State != KnownIssueLinkState.Dismissed
                select new { t.Id, t.CreatedAt, t.Service, l.IssueId })
            .ToListAsync(ct);
        var portalTickets = filter.Channel is null or Channel.Portal ? await tickets.CountAsync(t => t.Channel == Channel.Portal, ct) : 0;

        var deflections = db.SelfHelpDeflections.AsNoTracking().Where(d => d.At >= start && d.At < end);
        if (filter.CustomerId is { } customer)
        {
            deflections = deflections.Where(d => d.CustomerId == customer);
        }

        if (filter.Service is { } service)
        {
            deflections = deflections.Where(d => d.Service == service);
        }

        if (filter.Severity is { } severity)
        {
            deflections = deflections.Where(d => d.Severity == severity);
        }

        if (filter.PlanId is { } plan)
        {
            deflections = deflections.Where(d => db.Set<SupportContract>().Any(c => c.CustomerId == d.CustomerId && c.PlanId == plan));
        }

        var avoided = filter.AgentId is not null || filter.Channel is not (null or Channel.Portal)
            ? []
            : await deflections.Select(d => new { d.At, d.Service, d.IssueId, d.ArticleId }).ToListAsync(ct);

        // A deflection naming both counts under the issue, so that the two kinds add up to the avoided tickets.
        bool ByIncident(Guid? issue) => issue is not null;

        var days = period.EachDay().Select(day => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var linkedPerDay = new int[days.Count];
        foreach (var ticket in links.DistinctBy(l => l.Id))
        {
            if (period.DayOf(ticket.CreatedAt) is var i and >= 0)
            {
                linkedPerDay[i]++;
            }
        }

        var incidentPerDay = new int[days.Count];
        var articlePerDay = new int[days.Count];
        foreach (var d in avoided)
        {
            if (period.DayOf(d.At) is var i and >= 0)
            {
                (ByIncident(d.IssueId) ? incidentPerDay : articlePerDay)[i]++;
            }
        }

        var dayRows = days.Select((d, i) => new DeflectionCount(d, linkedPerDay[i], incidentPerDay[i], articlePerDay[i])).ToList();

        var linkedByService = links.DistinctBy(l => l.Id).GroupBy(l => l.Service ?? NoService).ToDictionary(g => g.Key, g => g.Count());
        var avoidedByService = avoided.GroupBy(d => d.Service ?? NoService).ToDictionary(g => g.Key, g => (Incident: g.Count(d => ByIncident(d.IssueId)), Article: g.Count(d => !ByIncident(d.IssueId))));
        var serviceRows = linkedByService.Keys.Union(avoidedByService.Keys)
            .Select(s => new DeflectionCount(s, linkedByService.GetValueOrDefault(s), avoidedByService.GetValueOrDefault(s).Incident, avoidedByService.GetValueOrDefault(s).Article))
            .OrderByDescending(r => r.LinkedTickets + r.Avoided).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();

        var linkedByIssue = links.GroupBy(l => l.IssueId).ToDictionary(g => g.Key, g => g.Select(l => l.Id).Distinct().Count());
        var avoidedByIssue = avoided.Where(d => d.IssueId is not null).GroupBy(d => d.IssueId!.Value).ToDictionary(g => g.Key, g => g.Count());
        var issueIds = linkedByIssue.Keys.Union(avoidedByIssue.Keys).ToList();
        var issues = issueIds.Count == 0 ? [] : await db.ServiceHealthIssues.AsNoTracking().Where(i => issueIds.Contains(i.Id))
            .Select(i => new { i.Id, i.MicrosoftId, i.Service, i.Title }).ToListAsync(ct);
        var incidentRows = issues
            .Select(i => new DeflectionIncident(i.Id, i.MicrosoftId, i.Service, i.Title, linkedByIssue.GetValueOrDefault(i.Id), avoidedByIssue.GetValueOrDefault(i.Id)))
            .OrderByDescending(i => i.LinkedTickets + i.Avoided).ThenBy(i => i.MicrosoftId, StringComparer.Ordinal)
            .ToList();

        var avoidedByArticle = avoided.Where(d => d.IssueId is null && d.ArticleId is not null).GroupBy(d => d.ArticleId!.Value).ToDictionary(g => g.Key, g => g.Count());
        var articleIds = avoidedByArticle.Keys.ToList();
        var articles = articleIds.Count == 0 ? [] : await db.Articles.AsNoTracking().Where(a => articleIds.Contains(a.Id)).Select(a => new { a.Id, a.Title }).ToListAsync(ct);
        var articleRows = articles
            .Select(a => new DeflectionArticle(a.Id, a.Title, avoidedByArticle[a.Id]))
            .OrderByDescending(a => a.Avoided).ThenBy(a => a.Title, StringComparer.Ordinal)
            .ToList();

        return new DeflectionReport(period, portalTickets, links.Select(l => l.Id).Distinct().Count(),
            avoided.Count(d => ByIncident(d.IssueId)), avoided.Count(d => !ByIncident(d.IssueId)),
            dayRows, serviceRows, incidentRows, articleRows);
    }
}
