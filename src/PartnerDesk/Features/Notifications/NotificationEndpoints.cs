using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Notifications;

public sealed record AgentAlertView(Guid Id, string Kind, string Text, Guid? TicketId, bool ForYou, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

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
        var alerts = api.MapGroup("/alerts").WithTags("Notifications").RequireAuthorization(Policies.Agent);
        alerts.MapGet("/", async (bool? unread, PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await Alerts(db, unread ?? false, 50, ct)))
            .WithSummary("SLA warnings and breaches of the tickets the signed-in agent reaches, newest first; forYou marks the assignee's.");
        alerts.MapPost("/{id:guid}/read", async (Guid id, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var now = clock.GetUtcNow();
            var updated = await db.AgentAlerts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ReadAt, a => a.ReadAt ?? now), ct);
            return updated == 0 ? Results.Problem(statusCode: 404, title: "Not found.") : Results.NoContent();
        }).ProducesProblem(404).WithSummary("Marks an alert as seen, for the whole queue.");
        return api;
    }

    public static Task<List<AgentAlertView>> Alerts(PartnerDeskDb db, bool unreadOnly, int count, CancellationToken ct)
    {
        var me = db.Caller.UserId;
        return db.AgentAlerts.AsNoTracking()
            .Where(a => !unreadOnly || a.ReadAt == null) // the query filter keeps them to customers and tickets the agent reaches
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).Take(count)
            .Select(a => new AgentAlertView(a.Id, a.Kind, a.Text, a.TicketId, a.AgentId == me, a.CreatedAt, a.ReadAt))
            .ToListAsync(ct);
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
