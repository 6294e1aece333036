using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Notifications;

public sealed record NotificationView(Guid Id, string Kind, string Subject, string Body, Guid? TicketId, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

public static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder api)
    {
        var notifications = api.MapGroup("/notifications").WithTags("Notifications");
        notifications.MapGet("/", async (bool? unread, PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await Latest(db, unread ?? false, 50, ct)))
            .RequireAuthorization(Policies.Contact).WithSummary("What the partner has told the signed-in contact, newest first.");
        notifications.MapPost("/{id:guid}/read", async (Guid id, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                (await MarkRead(id, db, clock, ct)).ToResult(_ => TypedResults.NoContent()))
            .RequireAuthorization(Policies.Contact).ProducesProblem(404).WithSummary("Marks a notification as read.");
        return api;
    }

    public static Task<List<NotificationView>> Latest(PartnerDeskDb db, bool unreadOnly, int count, CancellationToken ct) =>
        db.Notifications.AsNoTracking()
            .Where(n => !unreadOnly || n.ReadAt == null) // the query filter gives a contact its own notifications only
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(count)
            .Select(n => new NotificationView(n.Id, n.Kind, n.Subject, n.Body, n.TicketId, n.CreatedAt, n.ReadAt))
            .ToListAsync(ct);

    public static async Task<Outcome<bool>> MarkRead(Guid id, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var updated = await db.Notifications.Where(n => n.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, n => n.ReadAt ?? now), ct);
        return updated == 0 ? Outcome<bool>.Missing : true;
    }
}
