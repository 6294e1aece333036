using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Jobs;

namespace PartnerDesk.Features.Sla;

public sealed class SlaOptions
{
    public const string Section = "PartnerDesk:Sla";

    public bool Enabled { get; set; } = true;

    /// <summary>How often the sweep looks; a breach is noticed at most this long (plus one round) after its due time.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(15);

    public int BatchSize { get; set; } = 500;
}

/// <summary>
/// Notices SLA warnings and breaches as time passes. Each ticket carries the next instant something falls
/// due (<see cref="Ticket.SlaCheckAt"/>, kept by <see cref="SlaKeeper"/>), so a round reads only those
/// tickets, through a partial index, however many are open. Runs on the instance holding its lease.
/// </summary>
public sealed class SlaSweep(IServiceScopeFactory scopes, IOptions<SlaOptions> options, TimeProvider clock, ILogger<SlaSweep> log)
    : PeriodicJob(clock, log)
{
    public const string LeaseName = "sla-sweep";

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Tick => options.Value.Tick;

    public override async Task<int> RunOnce(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        if (!await JobLeases.TryTake(db, LeaseName, Tick * 4, Clock, ct))
        {
            return 0;
        }

        var noticed = await Round(db, Clock.GetUtcNow(), options.Value.BatchSize, ct);
        if (noticed > 0)
        {
            Log.LogInformation("The SLA sweep looked at {Count} tickets.", noticed);
        }

        return noticed;
    }

    /// <summary>
    /// One pass: every ticket whose next warning or due time has come, in batches, each batch one save.
    /// A batch that meets a concurrent change of one of its tickets is read again (at most three times a round).
    /// </summary>
    public static async Task<int> Round(PartnerDeskDb db, DateTimeOffset now, int batchSize, CancellationToken ct)
    {
        var noticed = 0;
        var conflicts = 0;
        while (!ct.IsCancellationRequested)
        {
            // Across organisations: the sweep works for all of them and touches only SLA fields.
            var due = await Unfiltered.TicketsDueForSlaCheck(db, now, batchSize, ct);
            foreach (var ticket in due)
            {
                SlaKeeper.Record(db, ticket, TicketSla.Notice(SlaKeeper.Marks(ticket), now), now);
            }

            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException) when (++conflicts <= 3)
            {
                // A ticket of the batch changed since it was read (an agent's reply): nothing of the batch was
                // saved; read the batch again, with that change in it.
                db.ChangeTracker.Clear();
                continue;
            }

            db.ChangeTracker.Clear();
            noticed += due.Count;
            if (due.Count < batchSize)
            {
                break;
            }
        }

        return noticed;
    }
}
