using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

/// <summary>A ticket of this organisation was filed or changed (also: got a message).</summary>
public readonly record struct TicketChanged(Guid OrganisationId, Guid TicketId, Channel? FiledThrough = null);

/// <summary>
/// Tells open consoles that tickets changed, after the change is committed, whichever channel made it.
/// In-process: with several instances, a SignalR backplane (Redis) carries it further (DESIGN section 5).
/// Listeners only learn an id and reload through their own, filtered, queries.
/// </summary>
public sealed class TicketFeed(ILogger<TicketFeed> log, Platform.SupportMetrics metrics) : ISaveStep
{
    public ValueTask Saving(PartnerDeskDb db, CancellationToken ct)
    {
        Collect(db);
        return ValueTask.CompletedTask;
    }

    public void Saved(PartnerDeskDb db) => Publish(db);

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<TicketChanged>> pending = [];

    public event Action<TicketChanged>? Changed;

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        List<TicketChanged>? changes = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            TicketChanged? change = entry.Entity switch
            {
                Ticket t => new TicketChanged(t.OrganisationId, t.Id, entry.State == EntityState.Added ? t.Channel : null),
                TicketMessage m => new TicketChanged(m.OrganisationId, m.TicketId),
                _ => null,
            };
            if (change is { } c)
            {
                (changes ??= []).Add(c);
            }
        }

        if (changes is null)
        {
            pending.Remove(context);
        }
        else
        {
            pending.AddOrUpdate(context, changes);
        }
    }

    private void Publish(DbContext? context)
    {
        if (context is null || !pending.TryGetValue(context, out var changes))
        {
            return;
        }

        pending.Remove(context);
        foreach (var filed in changes.Where(c => c.FiledThrough is not null))
        {
            metrics.TicketFiled(filed.FiledThrough!.Value.ToString());
        }

        if (Changed is not { } listeners)
        {
            return;
        }

        // A change made inside an open transaction (an idempotent write) is announced a moment early;
        // listeners reload and, should it roll back, simply find nothing new.
        // The save has committed: a listener's failure must not turn it into an error for the writer.
        foreach (var change in changes.DistinctBy(c => c.TicketId))
        {
            foreach (var listener in listeners.GetInvocationList().Cast<Action<TicketChanged>>())
            {
                try
                {
                    listener(change);
                }
                catch (Exception e)
                {
                    log.LogWarning(e, "A ticket feed listener failed.");
                }
            }
        }
    }
}
