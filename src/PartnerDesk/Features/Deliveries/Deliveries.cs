using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Deliveries;

/// <summary>Which deliveries a list shows.</summary>
public enum DeliveryState
{
    /// <summary>Not out yet: due now or waiting for its next attempt.</summary>
    Waiting,

    /// <summary>Refused by the other side, or parked after too many attempts: an admin must act.</summary>
    Failed,
}

/// <summary>One message on its way out of PartnerDesk (a mail, a call to Partner Center, a hand-over), as an admin sees it.</summary>
public sealed record DeliveryView(
    Guid Id, string Kind, Guid? SubjectId, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset? NextAttemptAt, DateTimeOffset? FailedAt,
    bool Parked, string? LastError);

/// <summary>
/// The admin's view of the outbox: what waits, what failed or was parked and why, and sending a failed one again
/// (the message keeps its id, so the other side still recognises a repeat).
/// </summary>
public static class Deliveries
{
    public const int MaxLimit = 200;

    public static readonly Expression<Func<OutboxMessage, DeliveryView>> View = m => new DeliveryView(
        m.Id, m.Kind, m.SubjectId, m.CreatedAt, m.Attempts, m.SentAt == null && m.FailedAt == null ? m.NextAttemptAt : null, m.FailedAt, m.Parked, m.LastError);

    public static async Task<Page<DeliveryView>> List(PartnerDeskDb db, DeliveryState state, int offset, int limit, CancellationToken ct)
    {
        var query = db.OutboxMessages.AsNoTracking().Where(m => m.SentAt == null);
        query = state == DeliveryState.Failed
            ? query.Where(m => m.FailedAt != null).OrderByDescending(m => m.FailedAt).ThenByDescending(m => m.Id)
            : query.Where(m => m.FailedAt == null).OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id);
        var rows = await query.Skip(offset).Take(limit + 1).Select(View).ToListAsync(ct);
        var more = rows.Count > limit;
        return new Page<DeliveryView>(more ? rows[..limit] : rows, more ? Cursor.Encode(offset + limit) : null);
    }

    /// <summary>How many failed or parked deliveries wait for an admin (the console's reminder).</summary>
    public static Task<int> FailedCount(PartnerDeskDb db, CancellationToken ct) =>
        db.OutboxMessages.CountAsync(m => m.SentAt == null && m.FailedAt != null, ct);

    /// <summary>Makes a failed or parked delivery due again, with a fresh count of attempts.</summary>
    public static async Task<Outcome<DeliveryView>> Retry(PartnerDeskDb db, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        var message = await db.OutboxMessages.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (message is null)
        {
            return Outcome<DeliveryView>.Missing;
        }

        if (message.SentAt is not null || message.FailedAt is null)
        {
            return Outcome<DeliveryView>.Conflict(message.SentAt is not null ? "This delivery went out already." : "This delivery has not failed: it is still being sent.");
        }

        (message.FailedAt, message.Parked, message.Attempts, message.NextAttemptAt) = (null, false, 0, now);
        await db.SaveChangesAsync(ct);
        return new DeliveryView(message.Id, message.Kind, message.SubjectId, message.CreatedAt, 0, now, null, false, message.LastError);
    }
}
