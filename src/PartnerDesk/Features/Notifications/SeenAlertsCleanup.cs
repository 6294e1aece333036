using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Notifications;

/// <summary>SLA alerts seen a month ago have done their work; breaches themselves are kept (SlaBreaches).</summary>
public sealed class SeenAlertsCleanup : ICleanup
{
    public Task<int> Run(PartnerDeskDb db, DateTimeOffset now, CancellationToken ct) =>
        Unfiltered.AlertsSeenBefore(db, now.AddDays(-30)).ExecuteDeleteAsync(ct);
}
