using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PartnerDesk.Platform.Data;

/// <summary>Ready means the database answers; live means only that the process runs.</summary>
internal sealed class DatabaseHealthCheck(PartnerDeskDb db) : IHealthCheck
{
    public const string Tag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // A round trip, and the reason when there is none (EF's own connection error is at Debug, decisions 8y).
            await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer: " + e.GetBaseException().Message, e);
        }
    }
}
