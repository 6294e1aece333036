using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Notifications;

/// <summary>
/// The few reads of this feature that must look past the caller's query filters, each narrow and each saying
/// why. Outside Platform/, a file of this name is the only place that may call <c>IgnoreQueryFilters</c> (an
/// architecture test holds every feature to it), so every way around isolation is found by its name.
/// </summary>
public static class Unfiltered
{
    /// <summary>Alerts of every organisation read before a time: housekeeping deletes them, no one reads them.</summary>
    public static IQueryable<AgentAlert> AlertsSeenBefore(PartnerDeskDb db, DateTimeOffset cutoff) =>
        db.AgentAlerts.IgnoreQueryFilters().Where(a => a.ReadAt < cutoff);
}
