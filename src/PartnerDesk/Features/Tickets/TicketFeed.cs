using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.ScaleOut;

namespace PartnerDesk.Features.Tickets;

/// <summary>A ticket of this organisation was filed or changed (also: got a message).</summary>
public readonly record struct TicketChanged(Guid OrganisationId, Guid TicketId, Channel? FiledThrough = null);

/// <summary>
/// Tells open consoles that tickets changed, after the change is committed, whichever channel made it.
/// With several instances the <see cref="InstanceBus"/> (Redis) carries each change to the others, whose consoles
/// hear it as their own; without Redis, or while it is away, it stays in this process.
/// Listeners only learn an id and reload through their own, filtered, queries. A change with an empty organisation
/// means "anything may have changed" (the bus was away and is back): every open console reloads once.
/// </summary>
public sealed class TicketFeed(ILogger<TicketFeed> log, Platform.SupportMetrics metrics, InstanceBus bus) : ISaveStep
{
    /// <summary>Only adds to the save.</summary>
    public bool ChangesTracked => false;

    public const string Topic = "ticket";

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

        var distinct = changes.DistinctBy(c => c.TicketId).ToList();
        if (bus.Configured)
        {
            // Fire and forget: the writer's request does not wait for Redis, nor fail for it.
            foreach (var change in distinct)
            {
                bus.Publish(Topic, $"{change.OrganisationId:N} {change.TicketId:N} {change.FiledThrough}");
            }
        }

        Announce(distinct);
    }

    /// <summary>A change made on another instance (or, <see cref="InstanceBus.Everything"/>, perhaps several missed).</summary>
    public void Heard(string message)
    {
        if (message == InstanceBus.Everything)
        {
            Announce([new TicketChanged(Guid.Empty, Guid.Empty)]);
            return;
        }

        var parts = message.Split(' ');
        if (parts.Length == 3 && Guid.TryParse(parts[0], out var organisationId) && Guid.TryParse(parts[1], out var ticketId))
        {
            Announce([new TicketChanged(organisationId, ticketId, Enum.TryParse<Channel>(parts[2], out var channel) ? channel : null)]);
        }
    }

    private void Announce(List<TicketChanged> changes)
    {
        if (Changed is not { } listeners)
        {
            return;
        }

        // A change made inside an open transaction (an idempotent write) is announced a moment early;
        // listeners reload and, should it roll back, simply find nothing new.
        // The save has committed: a listener's failure must not turn it into an error for the writer.
        foreach (var change in changes)
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
