using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Escalations;

/// <summary>A new incident ticket, as the detector sees it.</summary>
public sealed record TicketSignal(Guid TicketId, string Number, Guid CustomerId, string? Service, DateTimeOffset CreatedAt);

/// <summary>Several customers report one service (or several services) at once and Microsoft documents nothing: offer to escalate.</summary>
public sealed record EscalationSuggestion(
    IReadOnlyList<string> Services,
    EscalationCategory Category,
    int Customers,
    DateTimeOffset Since,
    IReadOnlyList<TicketSignal> Tickets);

/// <summary>
/// The escalation suggestion (DESIGN R5): tickets from at least N distinct customers (default 3) about one
/// service within a window (default 30 minutes), with no active service health issue documenting that
/// service, suggest a RegionalMultiTenantIssue; when several services are hit in the same window, one
/// WidespreadNetworkOutage. Pure; the query around it is <see cref="ForOrganisation"/>.
/// </summary>
public static class EscalationSuggestions
{
    public static List<EscalationSuggestion> Detect(
        IReadOnlyCollection<TicketSignal> tickets, IReadOnlySet<string> documentedServices, DateTimeOffset now, int minCustomers, TimeSpan window)
    {
        var since = now - window;
        var hit = tickets
            .Where(t => t.Service is { Length: > 0 } && t.CreatedAt > since && t.CreatedAt <= now && !documentedServices.Contains(t.Service))
            .GroupBy(t => t.Service!, StringComparer.OrdinalIgnoreCase)
            .Select(g => (Service: g.Key, Tickets: g.OrderBy(t => t.CreatedAt).ToList(), Customers: g.Select(t => t.CustomerId).Distinct().Count()))
            .Where(g => g.Customers >= minCustomers)
            .OrderByDescending(g => g.Customers).ThenBy(g => g.Service, StringComparer.Ordinal)
            .ToList();
        if (hit.Count == 0)
        {
            return [];
        }

        if (hit.Count > 1)
        {
            var all = hit.SelectMany(h => h.Tickets).OrderBy(t => t.CreatedAt).ToList();
            return [new EscalationSuggestion([.. hit.Select(h => h.Service)], EscalationCategory.WidespreadNetworkOutage, all.Select(t => t.CustomerId).Distinct().Count(), all[0].CreatedAt, all)];
        }

        var one = hit[0];
        return [new EscalationSuggestion([one.Service], EscalationCategory.RegionalMultiTenantIssue, one.Customers, one.Tickets[0].CreatedAt, one.Tickets)];
    }

    /// <summary>The suggestions for the caller's organisation now: recent active incident tickets and the services Microsoft documents.</summary>
    public static async Task<List<EscalationSuggestion>> ForOrganisation(PartnerDeskDb db, DateTimeOffset now, EscalationOptions options, CancellationToken ct)
    {
        var since = now - options.SuggestWindow;
        var signals = (await db.Tickets.AsNoTracking()
                .Where(t => EF.Constant(TicketQueue.ActiveStatuses).Contains(t.Status) && t.UpdatedAt >= since && t.CreatedAt >= since
                            && t.Kind == TicketKind.Incident && t.Service != null
                            && !db.Set<Escalation>().Any(e => e.TicketId == t.Id))
                .Select(t => new { t.Id, t.Number, t.CustomerId, t.Service, t.CreatedAt })
                .ToListAsync(ct))
            .ConvertAll(t => new TicketSignal(t.Id, TicketNumber.Format(t.Number), t.CustomerId, t.Service, t.CreatedAt));
        if (signals.Count < options.SuggestAfterCustomers)
        {
            return [];
        }

        var documented = (await db.ServiceHealthIssues.AsNoTracking().Where(i => !i.IsResolved).Select(i => i.Service).Distinct().ToListAsync(ct))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Detect(signals, documented, now, options.SuggestAfterCustomers, options.SuggestWindow);
    }
}
