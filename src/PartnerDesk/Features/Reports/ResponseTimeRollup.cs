using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.Options;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Jobs;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Reports;

public sealed class ReportOptions
{
    public const string Section = "PartnerDesk:Reports";

    /// <summary>Whether this instance counts closed months for the response-times report (on the instance holding the lease).</summary>
    public bool RollupEnabled { get; set; } = true;

    public TimeSpan RollupTick { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many months a round and organisation, newest first: a first start on years of tickets spreads over rounds.</summary>
    public int MonthsPerRound { get; set; } = 36;
}

/// <summary>
/// Counts closed months of response times once, so that the report over a year reads their counts and only the
/// days at either end from the tickets (decisions 8t.5). A month is counted a day after it ended (clocks of several
/// instances may differ, and a save begun before midnight may still commit), and only once no ticket of it has a
/// target still running; a change to one of its tickets marks it (<see cref="ResponseTimeChangeMarker"/>) and the
/// report reads it live until the next round counts it again.
/// </summary>
public static class ResponseTimeRollup
{
    /// <summary>How long after a month's end it may be counted.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromDays(1);

    /// <summary>
    /// A changed month is counted again once no change came for this long: a month still being worked on would be
    /// marked again within minutes, and its count thrown away (decisions 8t.6).
    /// </summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMinutes(15);

    /// <summary>…or once its first change waiting is this old, so that a month changed without pause is still counted, and its marks stay few.</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromHours(2);

    /// <summary>The months wholly inside the period that are counted and unchanged since, for this caller (none for a caller the rollup's rule hides it from).</summary>
    public static async Task<List<int>> CountedMonths(PartnerDeskDb db, ReportPeriod period, CancellationToken ct)
    {
        var first = ReportMonths.Of(period.Start) + (ReportMonths.Start(ReportMonths.Of(period.Start)) == period.Start ? 0 : 1);
        var last = ReportMonths.Of(period.End) - 1;
        if (first > last)
        {
            return [];
        }

        var counted = await db.ResponseTimeMonths.AsNoTracking()
            .Where(m => m.Month >= first && m.Month <= last && m.RunningUntil == null).Select(m => m.Month).ToListAsync(ct);
        if (counted.Count == 0)
        {
            return counted;
        }

        var changed = await db.ResponseTimeChanges.AsNoTracking()
            .Where(c => c.Month >= first && c.Month <= last).Select(c => c.Month).Distinct().ToListAsync(ct);
        counted.RemoveAll(changed.Contains);
        counted.Sort();
        return counted;
    }

    /// <summary>The stretches of the period outside the counted months, to be read from the tickets.</summary>
    public static List<(DateTimeOffset From, DateTimeOffset To)> Uncounted(ReportPeriod period, IReadOnlyList<int> counted)
    {
        var stretches = new List<(DateTimeOffset, DateTimeOffset)>();
        var from = period.Start;
        foreach (var month in counted)
        {
            if (ReportMonths.Start(month) > from)
            {
                stretches.Add((from, ReportMonths.Start(month)));
            }

            from = ReportMonths.End(month);
        }

        if (from < period.End)
        {
            stretches.Add((from, period.End));
        }

        return stretches;
    }

    /// <summary>
    /// Adds the counted months: their per-customer counts summed per customer and plan by the database (a few thousand
    /// rows for a year), and each severity's outcomes and sorted durations.
    /// </summary>
    internal static async Task AddCounted(PartnerDeskDb db, List<int> months, Severity? severity, IReadOnlyDictionary<Guid, string> plans, ReportTally tally, CancellationToken ct)
    {
        var (first, last) = (months[0], months[^1]);
        var only = severity is { } s ? (int)s : -1;
        var totals = db.ResponseTimeTotals.AsNoTracking().Where(t => t.Month >= first && t.Month <= last);
        var severities = db.ResponseTimeSeverities.AsNoTracking().Where(d => d.Month >= first && d.Month <= last);
        if (months.Count != last - first + 1)
        {
            totals = totals.Where(t => EF.Parameter(months).Contains(t.Month));
            severities = severities.Where(d => EF.Parameter(months).Contains(d.Month));
        }

        if (only >= 0)
        {
            severities = severities.Where(d => d.Severity == only);
        }

        // A plan deleted since its month was counted (not in plans): its tickets have no plan now, and are counted so.
        var sums = totals.GroupBy(t => new { t.CustomerId, t.PlanId }).Select(g => new
        {
            g.Key.CustomerId,
            g.Key.PlanId,
            Tickets = g.Sum(t => only == 0 ? t.TicketsA : only == 1 ? t.TicketsB : only == 2 ? t.TicketsC : t.TicketsA + t.TicketsB + t.TicketsC),
            Breached = g.Sum(t => only == 0 ? t.BreachedA : only == 1 ? t.BreachedB : only == 2 ? t.BreachedC : t.BreachedA + t.BreachedB + t.BreachedC),
            FirstResponseMissed = g.Sum(t => only == 0 ? t.FirstResponseMissedA : only == 1 ? t.FirstResponseMissedB : only == 2 ? t.FirstResponseMissedC
                : t.FirstResponseMissedA + t.FirstResponseMissedB + t.FirstResponseMissedC),
            ResolutionMissed = g.Sum(t => only == 0 ? t.ResolutionMissedA : only == 1 ? t.ResolutionMissedB : only == 2 ? t.ResolutionMissedC
                : t.ResolutionMissedA + t.ResolutionMissedB + t.ResolutionMissedC),
        }).AsAsyncEnumerable();
        await foreach (var g in sums.WithCancellation(ct))
        {
            if (g.Tickets > 0)
            {
                tally.AddCustomer(g.CustomerId, g.PlanId is { } p && plans.ContainsKey(p) ? p : null,
                    OutcomeCounts.Of(g.Tickets, g.Breached, g.FirstResponseMissed, g.ResolutionMissed));
            }
        }

        await foreach (var d in severities.AsAsyncEnumerable().WithCancellation(ct))
        {
            tally.AddSeverity(d.Severity, OutcomeCounts.Of(d), Doubles(d.FirstResponses), Doubles(d.Resolutions));
        }
    }

    /// <summary>
    /// Counts the organisation's closed months that are not counted, changed since and settled (<see cref="Quiet"/>,
    /// <see cref="Stale"/>), or were still running and are due again: newest first, at most <paramref name="most"/>.
    /// Returns how many it counted. Works inside the caller's organisation (a job acts as its system caller).
    /// <paramref name="pace"/> spaces the counts (the job's one pace spans its round's organisations).
    /// </summary>
    public static async Task<int> CountDue(PartnerDeskDb db, DateTimeOffset now, int most, CancellationToken ct, RollupPace? pace = null)
    {
        var last = ReportMonths.Of(now - Settle) - 1;
        var firstFiled = await db.Tickets.AsNoTracking().MinAsync(t => (DateTimeOffset?)t.CreatedAt, ct);
        if (firstFiled is null || ReportMonths.Of(firstFiled.Value) > last)
        {
            return 0;
        }

        var built = await db.ResponseTimeMonths.AsNoTracking().ToDictionaryAsync(m => m.Month, m => m.RunningUntil, ct);
        var changes = await db.ResponseTimeChanges.AsNoTracking().GroupBy(c => c.Month)
            .Select(g => new { Month = g.Key, First = g.Min(c => c.At), Last = g.Max(c => c.At) }).ToDictionaryAsync(g => g.Month, ct);
        var counted = 0;
        for (var month = last; month >= ReportMonths.Of(firstFiled.Value) && counted < most; month--)
        {
            var isBuilt = built.TryGetValue(month, out var runningUntil);
            var changed = changes.TryGetValue(month, out var change);
            var due = !isBuilt || runningUntil <= now || changed && (change!.Last <= now - Quiet || change.First <= now - Stale);
            if (due)
            {
                if (pace is not null)
                {
                    await pace.BeforeCount(ct);
                }

                var started = Stopwatch.GetTimestamp();
                await Count(db, month, now, ct);
                pace?.Counted(Stopwatch.GetElapsedTime(started));
                counted++;
            }
        }

        return counted;
    }

    /// <summary>
    /// Counts one month again from its tickets and replaces what was counted, in one transaction. Only the change marks
    /// read before the tickets are removed: a change saved while counting keeps its mark, and the month is counted
    /// again at the next round.
    /// </summary>
    public static async Task Count(PartnerDeskDb db, int month, DateTimeOffset now, CancellationToken ct)
    {
        var organisation = db.Caller.RequireOrganisation();
        var marks = await db.ResponseTimeChanges.AsNoTracking().Where(c => c.Month == month).Select(c => c.Id).ToListAsync(ct);
        var tally = new ReportTally(perCustomerAndPlan: true);
        DateTimeOffset? runningUntil = null;
        await foreach (var r in ResponseTimes.Times(db.Tickets.AsNoTracking(), ReportMonths.Start(month), ReportMonths.End(month)).WithCancellation(ct))
        {
            var fr = r.FirstResponse(now);
            var res = r.Resolution(now);
            if (fr == TargetOutcome.Running || res == TargetOutcome.Running)
            {
                // Its outcome changes with time alone: the month waits until the last such due time has passed.
                var due = fr == TargetOutcome.Running ? r.FirstResponseDueAt!.Value : DateTimeOffset.MinValue;
                due = res == TargetOutcome.Running && r.ResolutionDueAt!.Value > due ? r.ResolutionDueAt.Value : due;
                runningUntil = runningUntil is { } u && u > due ? u : due;
                continue;
            }

            tally.Add(r, fr, res);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.ResponseTimeTotals.Where(t => t.Month == month).ExecuteDeleteAsync(ct);
        await db.ResponseTimeSeverities.Where(d => d.Month == month).ExecuteDeleteAsync(ct);
        await db.ResponseTimeMonths.Where(m => m.Month == month).ExecuteDeleteAsync(ct);
        db.ResponseTimeMonths.Add(new ResponseTimeMonth { OrganisationId = organisation, Month = month, BuiltAt = now, RunningUntil = runningUntil });
        if (runningUntil is null)
        {
            db.ResponseTimeTotals.AddRange(tally.CustomerPlans!.Select(c => Total(organisation, month, c.Key.Customer, c.Key.Plan, c.Value)));
            for (var severity = 0; severity < 3; severity++)
            {
                var (counts, firstResponses, resolutions) = tally.OfSeverity(severity);
                if (counts.Tickets > 0)
                {
                    var row = new ResponseTimeSeverity
                    {
                        OrganisationId = organisation,
                        Month = month,
                        Severity = severity,
                        FirstResponses = Bytes(firstResponses),
                        Resolutions = Bytes(resolutions),
                    };
                    counts.CopyTo(row);
                    db.ResponseTimeSeverities.Add(row);
                }
            }
        }

        if (marks.Count > 0)
        {
            await db.ResponseTimeChanges.Where(c => EF.Parameter(marks).Contains(c.Id)).ExecuteDeleteAsync(ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    private static ResponseTimeTotal Total(Guid organisation, int month, Guid customer, Guid? plan, OutcomeCounts[] s) => new()
    {
        OrganisationId = organisation,
        Month = month,
        CustomerId = customer,
        PlanId = plan,
        TicketsA = s[0].Tickets,
        BreachedA = s[0].Breached,
        FirstResponseMissedA = s[0].FirstResponseMissed,
        ResolutionMissedA = s[0].ResolutionMissed,
        TicketsB = s[1].Tickets,
        BreachedB = s[1].Breached,
        FirstResponseMissedB = s[1].FirstResponseMissed,
        ResolutionMissedB = s[1].ResolutionMissed,
        TicketsC = s[2].Tickets,
        BreachedC = s[2].Breached,
        FirstResponseMissedC = s[2].FirstResponseMissed,
        ResolutionMissedC = s[2].ResolutionMissed,
    };

    /// <summary>Sorted, as little-endian doubles (every machine .NET runs a server on is little-endian).</summary>
    private static byte[] Bytes(List<double> minutes)
    {
        minutes.Sort();
        return MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(minutes)).ToArray();
    }

    private static double[] Doubles(byte[] bytes) => MemoryMarshal.Cast<byte, double>(bytes).ToArray();
}

/// <summary>
/// A save step: a ticket of a closed month filed, changed in what the report counts, or removed leaves a mark of its
/// month in the same transaction, so that the report reads that month from the tickets until it is counted again.
/// New tickets are this month's, so a create adds nothing.
/// </summary>
public sealed class ResponseTimeChangeMarker : ISaveStep
{
    /// <summary>Only adds to the save.</summary>
    public bool ChangesTracked => false;

    // What the report reads of a ticket (ResponseTimes.Times); its organisation never changes.
    private static readonly string[] Counted =
    [
        nameof(Ticket.CustomerId), nameof(Ticket.PlanId), nameof(Ticket.Severity), nameof(Ticket.CreatedAt), nameof(Ticket.FirstRespondedAt),
        nameof(Ticket.FirstResponseDueAt), nameof(Ticket.ResolvedAt), nameof(Ticket.ResolutionDueAt), nameof(Ticket.SlaBreached),
    ];

    public ValueTask Saving(PartnerDeskDb db, CancellationToken ct)
    {
        var thisMonth = ReportMonths.Of(db.Now);
        HashSet<(Guid Organisation, int Month)>? marks = null;
        foreach (var entry in db.ChangeTracker.Entries<Ticket>())
        {
            var ticket = entry.Entity;
            var month = ReportMonths.Of(ticket.CreatedAt);
            switch (entry.State)
            {
                case EntityState.Added or EntityState.Deleted when month < thisMonth:
                    (marks ??= []).Add((ticket.OrganisationId, month));
                    break;
                case EntityState.Modified:
                    var filed = ReportMonths.Of(entry.OriginalValues.GetValue<DateTimeOffset>(nameof(Ticket.CreatedAt)));
                    if ((month < thisMonth || filed < thisMonth) && AnyCountedModified(entry))
                    {
                        (marks ??= []).Add((ticket.OrganisationId, month));
                        marks.Add((ticket.OrganisationId, filed));
                    }

                    break;
            }
        }

        if (marks is not null)
        {
            foreach (var (organisation, month) in marks)
            {
                if (month < thisMonth)
                {
                    db.ResponseTimeChanges.Add(new ResponseTimeChange { OrganisationId = organisation, Month = month, At = db.Now });
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    // A loop, not a lambda: a lambda over the entry would allocate its closure for every ticket of every save, creates too.
    private static bool AnyCountedModified(EntityEntry<Ticket> entry)
    {
        foreach (var property in Counted)
        {
            if (entry.Property(property).IsModified)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Spaces a round's counts: before each count but the first, a pause as long as the count before it took, whichever
/// organisation that was (none after the last: nothing is left to spare). One per round.
/// </summary>
public sealed class RollupPace(Func<TimeSpan, CancellationToken, Task> pause)
{
    private TimeSpan? owed;

    internal Task BeforeCount(CancellationToken ct) => owed is { } took ? pause(took, ct) : Task.CompletedTask;

    internal void Counted(TimeSpan took) => owed = took;
}

/// <summary>Runs <see cref="ResponseTimeRollup.CountDue"/> for every organisation, on the instance holding its lease.</summary>
public sealed class ResponseTimeRollupJob(IServiceScopeFactory scopes, IOptions<ReportOptions> options, TimeProvider clock, ILogger<ResponseTimeRollupJob> log)
    : PeriodicJob(clock, log)
{
    public const string LeaseName = "response-time-rollup";

    /// <summary>
    /// Between two counts, of one organisation or two, a pause as long as the first one took: a round of many months (a
    /// first start on years of tickets) takes at most half of one processor, not all of it, from the requests the
    /// instance and the database serve meanwhile. The count and the pause are real time (<see cref="Stopwatch"/>,
    /// <see cref="Task.Delay(TimeSpan, CancellationToken)"/>) because they spare real processors; the round's log line
    /// and the marks' ages are business time (<see cref="TimeProvider"/>), which tests move.
    /// </summary>
    private static RollupPace NewPace() => new(Task.Delay);

    protected override bool Enabled => options.Value.RollupEnabled;

    protected override TimeSpan Tick => options.Value.RollupTick;

    public override async Task<int> RunOnce(CancellationToken ct)
    {
        if (await JobLeases.TakeForOrganisations(scopes, LeaseName, Tick * 4, Clock, ct) is not { } organisations)
        {
            return 0;
        }

        var started = Clock.GetTimestamp();
        var counted = 0;
        var pace = NewPace();
        foreach (var organisation in organisations)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisation);
            var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
            counted += await ResponseTimeRollup.CountDue(db, Clock.GetUtcNow(), options.Value.MonthsPerRound, ct, pace);
        }

        if (counted > 0)
        {
            Log.LogInformation("Counted {Months} closed months of response times for the reports in {Seconds:F1} s.", counted, Clock.GetElapsedTime(started).TotalSeconds);
        }

        return counted;
    }
}

public static class ReportsSetup
{
    public static IServiceCollection AddPartnerDeskReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReportOptions>(configuration.GetSection(ReportOptions.Section));
        services.AddSingleton<ResponseTimeRollupJob>();
        services.AddHostedService(sp => sp.GetRequiredService<ResponseTimeRollupJob>());
        return services;
    }
}
