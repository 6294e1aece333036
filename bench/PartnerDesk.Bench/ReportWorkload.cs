using PartnerDesk.Features.Reports;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Bench;

/// <summary>
/// The reports of issue 19 called in process for the Contoso admin, one context per call as a request has it: each
/// report over the last 30, 90 and 365 days, and over a year narrowed to the largest customer and to severity A.
/// </summary>
public static class ReportWorkload
{
    public sealed record Case(string Report, string Scope, LatencySummary Figures, string Plans);

    /// <summary>
    /// What the rollup job does at its first round on this seed: counts every closed month of response times (months
    /// already counted and unchanged are skipped, so a reused seed counts only what is new). Returns the months counted.
    /// </summary>
    public static async Task<(int Months, TimeSpan Took)> CountClosedMonths(BenchDatabase database, DateTimeOffset now)
    {
        var caller = new Caller();
        caller.ActAsSystem(SeedPlan.Organisation);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var db = database.NewContext(caller);
        var months = await ResponseTimeRollup.CountDue(db, now, int.MaxValue, CancellationToken.None);
        return (months, watch.Elapsed);
    }

    public static async Task<List<Case>> Run(BenchDatabase database, SeedPlan plan, Guid largest, int requests, IReadOnlyList<string>? only = null)
    {
        var queries = new QueryWorkload(database);
        var now = plan.Now;
        var scopes = new (string Name, ReportPeriod Period, ReportFilter Filter)[]
        {
            ("30 days", ReportPeriod.LastDays(now, 30), new()),
            ("90 days", ReportPeriod.LastDays(now, 90), new()),
            ("365 days", ReportPeriod.LastDays(now, 365), new()),
            ("365 days, largest customer", ReportPeriod.LastDays(now, 365), new(CustomerId: largest)),
            ("365 days, severity A", ReportPeriod.LastDays(now, 365), new(Severity: Severity.A)),
        };
        var cases = new List<Case>();
        foreach (var entry in ReportCatalogue.Console.Where(e => only is null || only.Contains(e.Slug)))
        {
            foreach (var (name, period, filter) in scopes)
            {
                QueryWorkload.ListCall call = async db =>
                {
                    await entry.Run(db, period, filter, now, CancellationToken.None);
                    return 1;
                };
                var plans = name == "365 days" ? await queries.Explain(call) : "";
                cases.Add(new Case(entry.Slug, name, await queries.Measure(call, 3, requests), plans));
            }
        }

        return cases;
    }
}
