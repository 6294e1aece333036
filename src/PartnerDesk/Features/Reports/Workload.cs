using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Billing;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Reports;

/// <summary>One agent's share: tickets filed in the period and assigned to it, those it resolved in the period, and its time.</summary>
public sealed record AgentLoad(Guid? AgentId, string Name, int Assigned, int StillOpen, int Resolved, decimal Hours, decimal BillableHours);

/// <summary>Workload per agent. "Unassigned" (no agent id) holds the tickets nobody has taken.</summary>
public sealed record WorkloadReport(ReportPeriod Period, IReadOnlyList<AgentLoad> Agents) : IReport
{
    public IReadOnlyList<ReportTable> Tables() =>
    [
        new("agents", "Workload per agent", ["agent_id", "agent", "assigned", "still_open", "resolved", "hours", "billable_hours"],
            [.. Agents.Select(a => (IReadOnlyList<string>)[ReportTable.Cell(a.AgentId), a.Name, ReportTable.Cell(a.Assigned), ReportTable.Cell(a.StillOpen), ReportTable.Cell(a.Resolved), ReportTable.Cell(a.Hours), ReportTable.Cell(a.BillableHours)])]),
    ];

    public IReadOnlyList<ChartSpec> Charts(Func<string, string> text) =>
    [
        new(text("Workload per agent"), text("Tickets filed in the period per assigned agent, those still open, and those each agent resolved in the period."),
            [.. Agents.Select(a => a.AgentId is null ? text("Unassigned") : a.Name)],
            [
                new ChartSeries(text("Assigned"), [.. Agents.Select(a => (double?)a.Assigned)]),
                new ChartSeries(text("Still open"), [.. Agents.Select(a => (double?)a.StillOpen)]),
                new ChartSeries(text("Resolved"), [.. Agents.Select(a => (double?)a.Resolved)]),
            ],
            Unit: text("Tickets")),
    ];
}

public static class Workload
{
    /// <summary>Counted in the database (GROUP BY the assignee over the period's index range): a few rows come back.</summary>
    public static async Task<WorkloadReport> Run(PartnerDeskDb db, ReportPeriod period, ReportFilter filter, CancellationToken ct)
    {
        var (start, end) = (period.Start, period.End);
        var tickets = filter.Apply(db.Tickets.AsNoTracking());
        var assigned = await tickets.Where(t => t.CreatedAt >= start && t.CreatedAt < end)
            .GroupBy(t => t.AssigneeAgentId)
            .Select(g => new { g.Key, Count = g.Count(), Open = g.Count(t => t.ResolvedAt == null) })
            .ToListAsync(ct);
        var resolved = await tickets.Where(t => t.ResolvedAt >= start && t.ResolvedAt < end)
            .GroupBy(t => t.AssigneeAgentId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(ct);

        // Time is whoever logged it: the agent filter means the agent who worked, the other filters the ticket worked on.
        var (from, to) = (period.From, period.To);
        var ticketsWorked = (filter with { AgentId = null }).Apply(db.Tickets);
        var entries = db.TimeEntries.AsNoTracking().Where(e => e.WorkedOn >= from && e.WorkedOn <= to && e.RunningSince == null && ticketsWorked.Any(t => t.Id == e.TicketId));
        if (filter.AgentId is { } agent)
        {
            entries = entries.Where(e => e.AgentId == agent);
        }

        var time = await entries.GroupBy(e => e.AgentId)
            .Select(g => new { g.Key, Minutes = g.Sum(e => e.Minutes), Billable = g.Sum(e => e.Billable ? e.Minutes : 0) })
            .ToListAsync(ct);

        var names = await db.Agents.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        var ids = assigned.Select(a => a.Key).Concat(resolved.Select(r => r.Key)).Concat(time.Select(t => (Guid?)t.Key)).Distinct();
        var loads = ids.Select(id =>
            {
                var a = assigned.FirstOrDefault(x => x.Key == id);
                var r = resolved.FirstOrDefault(x => x.Key == id);
                var t = time.FirstOrDefault(x => x.Key == id);
                var name = id is { } known ? names.GetValueOrDefault(known, "?") : "Unassigned";
                return new AgentLoad(id, name, a?.Count ?? 0, a?.Open ?? 0, r?.Count ?? 0, ReportRules.Hours(t?.Minutes ?? 0), ReportRules.Hours(t?.Billable ?? 0));
            })
            .OrderBy(l => l.AgentId is null).ThenByDescending(l => l.Assigned).ThenBy(l => l.Name, StringComparer.CurrentCulture)
            .ToList();
        return new WorkloadReport(period, loads);
    }
}
