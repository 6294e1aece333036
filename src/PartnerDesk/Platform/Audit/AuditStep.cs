using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Platform.Audit;

/// <summary>
/// Records every change an agent makes to a customer's data in the save that makes it (so the record and the
/// change are one), one entry per customer touched, naming the records and what happened to them. It runs first
/// among the save steps: what PartnerDesk does in consequence (due times, mail) is not the agent's doing.
/// It also keeps the log append-only for the context: a save that would change or remove an entry fails.
/// </summary>
public sealed class AuditStep(IHttpContextAccessor http) : ISaveStep
{
    /// <summary>Only adds to the save.</summary>
    public bool ChangesTracked => false;

    // The story of a change, not a change of its own: the ticket's history, links and letters that follow.
    private static readonly HashSet<string> NotRecorded = ["TicketEvent", "MailLink", "Notification", "AuditEntry"];

    public async ValueTask Saving(PartnerDeskDb db, CancellationToken ct)
    {
        var caller = db.Caller;
        Dictionary<Guid, SortedSet<string>>? touched = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.Entity is AuditEntry && entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException("The audit log is append-only.");
            }

            if (!caller.IsAgent || caller.IsSystem || entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)
                || NotRecorded.Contains(entry.Metadata.ClrType.Name) || entry.Metadata.FindProperty("CustomerId") is not { } property)
            {
                continue;
            }

            if ((entry.State == EntityState.Deleted ? entry.OriginalValues[property] : entry.CurrentValues[property]) is not Guid customerId || customerId == Guid.Empty)
            {
                continue;
            }

            var what = entry.State switch
            {
                EntityState.Added => $"{entry.Metadata.ClrType.Name} added",
                EntityState.Deleted => $"{entry.Metadata.ClrType.Name} removed",
                _ => $"{entry.Metadata.ClrType.Name} changed ({string.Join(", ", entry.Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name))})",
            };
            touched ??= [];
            if (!touched.TryGetValue(customerId, out var list))
            {
                touched[customerId] = list = new SortedSet<string>(StringComparer.Ordinal);
            }

            list.Add(what);
        }

        if (touched is null || caller.OrganisationId is null)
        {
            return;
        }

        foreach (var (customerId, what) in touched)
        {
            db.AuditEntries.Add(await AuditTrail.Entry(db, http.HttpContext, customerId, "change", string.Join("; ", what), ct));
        }
    }
}
