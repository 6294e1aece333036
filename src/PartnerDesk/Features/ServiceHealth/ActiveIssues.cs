using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.ScaleOut;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.ServiceHealth;

/// <summary>
/// The active Microsoft issues of each customer's tenant, prepared for the matcher. Every ticket filed asks for them
/// (on SQLite inside the write turn, which all creates take one after another), and most find none; they change when
/// the health sync reads Microsoft, every few minutes at most. So they are kept for a minute (decisions 8p.8):
/// <list type="bullet">
/// <item>a save that adds, changes or removes an issue or an affected customer forgets its organisation's issues once it
/// is committed (this instance at once, the others through the bus; while Redis is away, within the minute);</item>
/// <item>a read that began before such a forgetting keeps nothing, so a commit is never hidden behind an older read;</item>
/// <item>they are kept per organisation and customer, and read past the caller's filters: each caller reached the
/// customer before asking, and every caller that reaches it sees the same issues.</item>
/// </list>
/// </summary>
public sealed class ActiveIssues(TimeProvider clock, InstanceBus bus) : DbTransactionInterceptor, ISaveStep
{
    public const string Topic = "active-issues";

    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(1);

    /// <summary>One shelf per organisation; forgetting puts up a new one, so a read that took the old shelf stores nowhere.</summary>
    private readonly ConcurrentDictionary<Guid, Shelf> shelves = new();

    /// <summary>The organisations a save changed, until its transaction ends.</summary>
    private readonly ConditionalWeakTable<DbContext, HashSet<Guid>> pending = [];

    public async ValueTask<IReadOnlyList<PreparedIssue>> Of(PartnerDeskDb db, Guid organisationId, Guid customerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var shelf = shelves.GetOrAdd(organisationId, static _ => new Shelf());
        if (shelf.Customers.TryGetValue(customerId, out var kept) && now - kept.LoadedAt < KeepFor)
        {
            return kept.Issues;
        }

        List<PreparedIssue>? issues = null;
        await foreach (var issue in Unfiltered.ActiveIssuesOf(db, organisationId, customerId).WithCancellation(ct))
        {
            // One issue affects many tenants: prepared once per shelf (its text changes only with a save, which forgets the shelf).
            (issues ??= []).Add(shelf.Prepared.GetOrAdd(issue.Id, static (_, text) => KnownIssueMatcher.Prepare(text), issue));
        }

        IReadOnlyList<PreparedIssue> read = issues is null ? [] : issues;
        shelf.Customers[customerId] = (read, now);
        return read;
    }

    /// <summary>Forgets an organisation's issues here and on the other instances.</summary>
    public void Forget(Guid organisationId)
    {
        shelves.TryRemove(organisationId, out _);
        bus.Publish(Topic, organisationId.ToString("N"));
    }

    /// <summary>What another instance changed (an organisation's id, or everything).</summary>
    public void ForgetHere(string what)
    {
        if (Guid.TryParse(what, out var organisationId))
        {
            shelves.TryRemove(organisationId, out _);
            return;
        }

        shelves.Clear();
    }

    /// <summary>Only notes what the save changes.</summary>
    public bool ChangesTracked => false;

    public ValueTask Saving(PartnerDeskDb db, CancellationToken ct)
    {
        HashSet<Guid>? changed = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && entry.Entity is ServiceHealthIssue or AffectedCustomer)
            {
                (changed ??= []).Add(((IOrganisationOwned)entry.Entity).OrganisationId);
            }
        }

        if (db.Database.CurrentTransaction is null)
        {
            // The save commits on its own (or in a transaction it begins itself, whose commit the interceptor sees).
            if (changed is null)
            {
                pending.Remove(db);
            }
            else
            {
                pending.AddOrUpdate(db, changed);
            }
        }
        else if (changed is not null)
        {
            // Inside a caller's transaction: what every save in it changed, until it commits (a later save that changes
            // nothing must not drop what an earlier one noted).
            if (pending.TryGetValue(db, out var noted))
            {
                noted.UnionWith(changed);
            }
            else
            {
                pending.AddOrUpdate(db, changed);
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Saved(PartnerDeskDb db)
    {
        // Committed, unless the caller holds a transaction open: then when it commits (below), not before.
        if (db.Database.CurrentTransaction is null)
        {
            ForgetPending(db);
        }
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => ForgetPending(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetPending(eventData.Context);
        return Task.CompletedTask;
    }

    // Rolled back or failed: nothing changed, or a commit may have gone through before it failed; forgetting is harmless
    // either way, and it clears what was noted.
    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => ForgetPending(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetPending(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => ForgetPending(eventData.Context);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetPending(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Forgets what the context's saves changed. A transaction disposed without commit or rollback raises nothing: its
    /// note stays on the pooled context until its next save or transaction, which at worst forgets once too often.
    /// </summary>
    private void ForgetPending(DbContext? db)
    {
        if (db is null || !pending.TryGetValue(db, out var changed))
        {
            return;
        }

        pending.Remove(db);
        foreach (var organisationId in changed)
        {
            Forget(organisationId);
        }
    }

    private sealed class Shelf
    {
        public ConcurrentDictionary<Guid, (IReadOnlyList<PreparedIssue> Issues, DateTimeOffset LoadedAt)> Customers { get; } = new();

        public ConcurrentDictionary<Guid, PreparedIssue> Prepared { get; } = new();
    }
}
