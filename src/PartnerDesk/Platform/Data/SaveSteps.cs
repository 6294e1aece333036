using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// Something that follows every save of the one context, whoever saves (an agent, a contact, a job, the mail
/// intake): the SLA's due times, a hand-over to a support provider, a mail to the customer, the live feed.
/// Steps run in the one order the host declares (<c>SaveStepOrder</c> in the composition), never in the order
/// in which they happened to be registered.
/// </summary>
public interface ISaveStep
{
    /// <summary>Before the changes are written, in the save's transaction: may add or change tracked entities.</summary>
    ValueTask Saving(PartnerDeskDb db, CancellationToken ct);

    /// <summary>
    /// Whether <see cref="Saving"/> may change entities that were already tracked, not only add new ones: the change
    /// tracker then compares again after it, so that the steps after it see those changes. A step that only adds says
    /// false and spares every save that comparison.
    /// </summary>
    bool ChangesTracked => true;

    /// <summary>After the changes are written (committed, unless the caller holds a transaction open).</summary>
    void Saved(PartnerDeskDb db)
    {
    }
}

public static class SaveStepsSetup
{
    /// <summary>The steps that follow every save, in this order. Each is a singleton of its feature.</summary>
    public static IServiceCollection AddSaveSteps(this IServiceCollection services, params Type[] order)
    {
        foreach (var step in order)
        {
            if (!typeof(ISaveStep).IsAssignableFrom(step))
            {
                throw new ArgumentException($"{step.Name} is not a save step.", nameof(order));
            }

            services.AddSingleton(step);
        }

        services.AddSingleton<IInterceptor>(sp => new SaveSteps([.. order.Select(t => (ISaveStep)sp.GetRequiredService(t))]));
        return services;
    }

    private sealed class SaveSteps(ISaveStep[] steps) : SaveChangesInterceptor
    {
        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context is not PartnerDeskDb db)
            {
                return result;
            }

            // Each step reads the change tracker's entries, and each such read compared every tracked entity with
            // its snapshot again (EF's automatic DetectChanges): nine comparisons a save, a sixth of what a create
            // allocated. Compared once here, and again only after a step that changes what was tracked; the save
            // itself compares once more after the steps, so nothing a step changed goes unwritten; the last step's changes
            // are compared here too, so that the direct writer below sees what the save holds.
            var tracker = db.ChangeTracker;
            var detect = tracker.AutoDetectChangesEnabled;
            if (detect)
            {
                tracker.DetectChanges();
            }

            tracker.AutoDetectChangesEnabled = false;
            try
            {
                for (var i = 0; i < steps.Length; i++)
                {
                    await steps[i].Saving(db, cancellationToken);
                    if (detect && steps[i].ChangesTracked)
                    {
                        tracker.DetectChanges();
                    }
                }

                // A save that only adds rows is written directly, one command (decisions 8p.4); anything else by EF.
                if (await AddedRows.TryWrite(db, cancellationToken) is { } written)
                {
                    return InterceptionResult<int>.SuppressWithResult(written);
                }
            }
            finally
            {
                tracker.AutoDetectChangesEnabled = detect;
            }

            return result;
        }

        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
            SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(SavedChanges(eventData, result));

        public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            if (eventData.Context is PartnerDeskDb db)
            {
                foreach (var step in steps)
                {
                    step.Saved(db);
                }
            }

            return result;
        }
    }
}
