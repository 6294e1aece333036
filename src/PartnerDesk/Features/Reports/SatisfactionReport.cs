using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Satisfaction;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

/// <summary>
/// Ratings of a group: how many, their average, how many gave each score (index 0 is score 1), and how many were low
/// (at or below the report's threshold) and what share that is. Average and share are null without ratings.
/// </summary>
public sealed record RatingFigures(int Ratings, double? Average, IReadOnlyList<int> Scores, int Low, double? LowPercent)
{
    public static RatingFigures Of(IReadOnlyCollection<int> scores, int lowAtOrBelow)
    {
        var counts = new int[5];
        foreach (var s in scores)
        {
            if (s is >= 1 and <= 5)
            {
                counts[s - 1]++;
            }
        }

        var low = scores.Count(s => s <= lowAtOrBelow);
        return scores.Count == 0
            ? new RatingFigures(0, null, counts, 0, null)
            : new RatingFigures(scores.Count, Math.Round(scores.Average(), 2), counts, low, Math.Round(100.0 * low / scores.Count, 1));
    }
}

/// <summary>A customer's or an agent's ratings (an agent: the ticket's assignee when it was rated; null id: nobody).</summary>
public sealed record RatingGroup(Guid? Id, string Name, RatingFigures Figures);

/// <summary>A low rating with its comment, for the desk's admins to read.</summary>
public sealed record LowRating(DateTimeOffset RatedAt, Guid TicketId, long TicketNumber, string Customer, string? Agent, int Score, string? Comment);

/// <summary>
/// Customer satisfaction over the period: the ratings given in it (by when they were given), their distribution and
/// average, the share of low ones, per customer and per agent, and the low ratings' comments.
/// </summary>
public sealed record SatisfactionReport(
    ReportPeriod Period,
    int LowAtOrBelow,
    RatingFigures All,
    IReadOnlyList<RatingGroup> Customers,
    IReadOnlyList<RatingGroup> Agents,
    IReadOnlyList<RatingDay> Days,
    IReadOnlyList<LowRating> LowRatings) : IReport
{
    public IReadOnlyList<ReportTable> Tables() =>
    [
        new("scores", "Ratings per score", ["score", "ratings", "share_pct"],
            [.. All.Scores.Select((n, i) => (IReadOnlyList<string>)[Cell(i + 1), Cell(n), Cell(All.Ratings == 0 ? null : Math.Round(100.0 * n / All.Ratings, 1))])]),
        new("days", "Ratings per day", ["day", "ratings", "low", "average"],
            [.. Days.Select(d => (IReadOnlyList<string>)[Cell(d.Day), Cell(d.Ratings), Cell(d.Low), Cell(d.Average)])]),
        Groups("customers", "Satisfaction per customer", "customer_id", "customer", Customers),
        Groups("agents", "Satisfaction per agent", "agent_id", "agent", Agents),
        new("low_ratings", "Low ratings and their comments", ["rated_at", "ticket_number", "customer", "agent", "score", "comment"],
            [.. LowRatings.Select(r => (IReadOnlyList<string>)[r.RatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), Cell(r.TicketNumber), r.Customer, r.Agent ?? "", Cell(r.Score), r.Comment ?? ""])]),
    ];

    public IReadOnlyList<ChartSpec> Charts(Func<string, string> text) =>
    [
        new(text("Ratings per score"),
            All.Average is { } average
                ? string.Format(CultureInfo.InvariantCulture, text("{0} ratings, average {1:0.0} of 5; {2} low ({3:0.#} %)."), All.Ratings, average, All.Low, All.LowPercent)
                : text("No ratings in this period."),
            ["1", "2", "3", "4", "5"],
            [new ChartSeries(text("Ratings"), [.. All.Scores.Select(n => (double?)n)])],
            Unit: text("Ratings")),
        new(text("Ratings per day"), text("Ratings given each day; the low ones and the others stacked."),
            [.. Days.Select(d => d.Day.ToString("dd.MM", CultureInfo.InvariantCulture))],
            [
                new ChartSeries(text("Low ratings"), [.. Days.Select(d => (double?)d.Low)]),
                new ChartSeries(text("Other ratings"), [.. Days.Select(d => (double?)(d.Ratings - d.Low))]),
            ],
            Stacked: true, Unit: text("Ratings")),
    ];

    private static ReportTable Groups(string name, string title, string idColumn, string nameColumn, IReadOnlyList<RatingGroup> rows) =>
        new(name, title, [idColumn, nameColumn, "ratings", "average", "score_1", "score_2", "score_3", "score_4", "score_5", "low", "low_pct"],
            [.. rows.Select(g => (IReadOnlyList<string>)[Cell(g.Id), g.Name, Cell(g.Figures.Ratings), Cell(g.Figures.Average),
                .. g.Figures.Scores.Select(n => Cell(n)), Cell(g.Figures.Low), Cell(g.Figures.LowPercent)])]);

    private static string Cell(object? value) => ReportTable.Cell(value);
}

public sealed record RatingDay(DateOnly Day, int Ratings, int Low, double? Average);

public static class SatisfactionFigures
{
    /// <summary>
    /// One read of the ratings given in the period (the (organisation, rated at) index range), each joined to its
    /// ticket through the filtered ticket set, so customer, plan, service, severity and channel narrow them as every
    /// report's tickets. The agent filter names the agent the rating was given to (its assignee then), as the
    /// per-agent table does. "Low" is the survey's alert threshold, or 2 when alerts are off.
    /// </summary>
    public static async Task<SatisfactionReport> Run(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, CancellationToken ct)
    {
        var (start, end) = (period.Start, period.End);
        var tickets = (filter with { AgentId = null }).Apply(db.Tickets.AsNoTracking());
        var ratings = db.SatisfactionRatings.AsNoTracking().Where(r => r.RatedAt >= start && r.RatedAt < end);
        if (filter.AgentId is { } agent)
        {
            ratings = ratings.Where(r => r.AgentId == agent);
        }

        var threshold = await db.SatisfactionSurveys.AsNoTracking().Select(s => (int?)s.AlertAtOrBelow).FirstOrDefaultAsync(ct) ?? 0;
        var low = threshold is >= 1 and <= 4 ? threshold : SurveyRules.DefaultAlertAtOrBelow;
        var rows = await (
                from r in ratings
                join t in tickets on r.TicketId equals t.Id
                select new { r.RatedAt, r.Score, r.CustomerId, r.AgentId, r.TicketId, t.Number, Comment = r.Score <= low ? r.Comment : null })
            .ToListAsync(ct);

        var customerIds = rows.Select(r => r.CustomerId).Distinct().ToList();
        var customerNames = customerIds.Count == 0 ? [] : await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var agentIds = rows.Where(r => r.AgentId is not null).Select(r => r.AgentId!.Value).Distinct().ToList();
        var agentNames = agentIds.Count == 0 ? [] : await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        string CustomerName(Guid id) => customerNames.GetValueOrDefault(id) ?? id.ToString();
        string? AgentName(Guid? id) => id is { } a ? agentNames.GetValueOrDefault(a) ?? a.ToString() : null;

        var customers = rows.GroupBy(r => r.CustomerId)
            .Select(g => new RatingGroup(g.Key, CustomerName(g.Key), RatingFigures.Of([.. g.Select(r => r.Score)], low)))
            .OrderByDescending(g => g.Figures.Ratings).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        var agents = rows.GroupBy(r => r.AgentId)
            .Select(g => new RatingGroup(g.Key, AgentName(g.Key) ?? "Unassigned", RatingFigures.Of([.. g.Select(r => r.Score)], low)))
            .OrderByDescending(g => g.Figures.Ratings).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        var perDay = rows.GroupBy(r => DateOnly.FromDateTime(r.RatedAt.UtcDateTime)).ToDictionary(g => g.Key, g => g.Select(r => r.Score).ToList());
        var days = period.EachDay().Select(day => perDay.TryGetValue(day, out var scores)
            ? new RatingDay(day, scores.Count, scores.Count(s => s <= low), Math.Round(scores.Average(), 2))
            : new RatingDay(day, 0, 0, null)).ToList();
        var lowRatings = rows.Where(r => r.Score <= low).OrderBy(r => r.RatedAt)
            .Select(r => new LowRating(r.RatedAt, r.TicketId, r.Number, CustomerName(r.CustomerId), AgentName(r.AgentId), r.Score, r.Comment))
            .ToList();
        return new SatisfactionReport(period, low, RatingFigures.Of([.. rows.Select(r => r.Score)], low), customers, agents, days, lowRatings);
    }
}
