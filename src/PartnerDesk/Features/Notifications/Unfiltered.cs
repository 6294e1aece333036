using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Notifications;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (the only file of a feature that may: docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>Alerts of every organisation read before a time: housekeeping deletes them, no one reads them.</summary>
    public static IQueryable<AgentAlert> AlertsSeenBefore(PartnerDeskDb db, DateTimeOffset cutoff) =>
        db.AgentAlerts.IgnoreQueryFilters().Where(a => a.ReadAt < cutoff);
}
