using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PartnerDesk.Platform.Data;

/// <summary>Ready means the database answers; live means only that the process runs.</summary>
internal sealed class DatabaseHealthCheck(PartnerDeskDb db) : IHealthCheck
{
    public const string Tag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
