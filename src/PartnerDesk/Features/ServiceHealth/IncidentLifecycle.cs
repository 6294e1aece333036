using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.ServiceHealth;

/// <summary>
/// What a change of a Microsoft issue means for tickets: a customer newly affected has its open tickets
/// matched and linked; a new post or a resolution reaches every linked open ticket as an internal note
/// and its requester as a notification from the partner. Written in the caller's transaction, so that
/// an update is queued exactly when the post is stored.
/// </summary>
public static class IncidentLifecycle
{
    public const string Actor = "Microsoft service health";

    /// <summary>Tickets filed this long before an issue started can still be caused by it (Microsoft's start is when they noticed).</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(1);

    public static async Task Apply(PartnerDeskDb db, Guid organisationId, IReadOnlyList<IssueChange> changes, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var group in changes.Where(c => c.NewlyAffected is not null).GroupBy(c => c.IssueId))
        {
            await LinkOpenTickets(db, organisationId, group.Key, [.. group.Select(c => c.NewlyAffected!.Value)], now, ct);
        }

        foreach (var change in changes.Where(c => c.LatestPost is not null || c.Resolved))
        {
            await TellLinkedTickets(db, organisationId, change.IssueId, change.LatestPost, change.Resolved, now, ct);
        }
    }

    /// <summary>
    /// Links the open tickets of these customers that the matcher says the issue explains: the link and a
    /// line of history (the ticket page shows the issue; no note repeats it).
    /// </summary>
    public static async Task<int> LinkOpenTickets(PartnerDeskDb db, Guid organisationId, Guid issueId, List<Guid> customerIds, DateTimeOffset now, CancellationToken ct)
    {
        var issue = await db.ServiceHealthIssues.AsNoTracking().Where(i => i.Id == issueId)
            .Select(i => new { i.Id, i.MicrosoftId, i.Service, i.Feature, i.FeatureGroup, i.Title, i.ImpactDescription, i.StartDateTime, i.IsResolved })
            .FirstAsync(ct);
        if (issue.IsResolved)
        {
            return 0;
        }

        var prepared = KnownIssueMatcher.Prepare(new IssueText(issue.Id, issue.Service, issue.Feature, issue.FeatureGroup, issue.Title, issue.ImpactDescription));
        var since = issue.StartDateTime - Lookback;
        // Through the partial index of active tickets by last update: a ticket filed since then was updated since.
        var recent = db.Tickets.AsNoTracking()
            .Where(t => EF.Constant(TicketQueue.ActiveStatuses).Contains(t.Status) && t.UpdatedAt >= since && t.CreatedAt >= since
                        && t.Kind != TicketKind.SubscriptionChange
                        && !db.Set<TicketIssueLink>().Any(l => l.TicketId == t.Id && l.IssueId == issueId));
        // One tenant's sync names one customer; an incident seen across thousands is filtered here, not in SQL.
        var few = customerIds.Count <= 50;
        if (few)
        {
            recent = recent.Where(t => customerIds.Contains(t.CustomerId));
        }

        var affected = customerIds.ToHashSet();
        var candidates = (await recent.Select(t => new { t.Id, t.CustomerId, t.Title, t.Description, t.Service }).ToListAsync(ct))
            .Where(t => few || affected.Contains(t.CustomerId))
            .ToList();
        var linked = 0;
        foreach (var ticket in candidates)
        {
            var score = KnownIssueMatcher.Score(KnownIssueMatcher.PrepareTicket(ticket.Title, ticket.Description, ticket.Service), prepared);
            if (score < KnownIssueMatcher.Threshold)
            {
                continue;
            }

            db.TicketIssueLinks.Add(new TicketIssueLink
            {
                OrganisationId = organisationId,
                CustomerId = ticket.CustomerId,
                TicketId = ticket.Id,
                IssueId = issueId,
                State = KnownIssueLinkState.Suggested,
                Score = Math.Round(score, 3),
                LinkedAt = now,
                LinkedBy = Actor,
            });
            db.TicketEvents.Add(TicketHistory.Event(organisationId, ticket.CustomerId, ticket.Id, Guid.Empty, Actor, "KnownIssue", null, issue.MicrosoftId, now));
            linked++;
        }

        await db.SaveChangesAsync(ct);
        return linked;
    }

    /// <summary>
    /// Tells every open ticket linked to the issue, and its requester, what Microsoft posted: an internal
    /// note in the conversation (no history line besides: the note is the record) and a notification.
    /// </summary>
    public static async Task<int> TellLinkedTickets(PartnerDeskDb db, Guid organisationId, Guid issueId, string? latestPost, bool resolved, DateTimeOffset now, CancellationToken ct)
    {
        var issue = await db.ServiceHealthIssues.AsNoTracking().Where(i => i.Id == issueId)
            .Select(i => new { i.MicrosoftId, i.Service, i.Title, i.Status }).FirstAsync(ct);
        var partner = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).FirstAsync(ct);
        var tickets = await db.TicketIssueLinks.AsNoTracking()
            .Where(l => l.IssueId == issueId && l.State != KnownIssueLinkState.Dismissed)
            .Join(db.Tickets.Where(t => t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed), l => l.TicketId, t => t.Id,
                (l, t) => new { t.Id, t.CustomerId, t.Number, t.Title, t.RequesterContactId })
            .ToListAsync(ct);
        var what = resolved ? "resolved" : "updated";
        var post = latestPost ?? "";
        foreach (var ticket in tickets)
        {
            db.TicketMessages.Add(TicketMessages.SystemNote(organisationId, ticket.CustomerId, ticket.Id, Actor,
                $"Microsoft {what} {issue.MicrosoftId} ({issue.Service}, {issue.Status}).{(post.Length > 0 ? "\n\n" + post : "")}" +
                (resolved ? "\n\nMicrosoft reports it resolved: the linked tickets can be resolved together on the issue's page." : ""), now));
            if (ticket.RequesterContactId is { } contact)
            {
                var number = TicketNumber.Format(ticket.Number);
                db.Notifications.Add(new Notification
                {
                    OrganisationId = organisationId,
                    CustomerId = ticket.CustomerId,
                    ContactId = contact,
                    TicketId = ticket.Id,
                    Kind = resolved ? "IncidentResolved" : "IncidentUpdate",
                    Subject = resolved
                        ? $"{number}: Microsoft has resolved the {issue.Service} issue behind your ticket"
                        : $"{number}: update on the {issue.Service} issue behind your ticket",
                    Body = resolved
                        ? $"Your ticket {number} ({ticket.Title}) was caused by a problem in Microsoft's {issue.Service} service. Microsoft reports that it is resolved.{(post.Length > 0 ? "\n\n" + post : "")}\n\nIf you still see the problem, reply on your ticket and we will look into it. — {partner}"
                        : $"Your ticket {number} ({ticket.Title}) is caused by a known problem in Microsoft's {issue.Service} service. Here is the latest news:\n\n{post}\n\nWe follow it for you and will let you know when it is resolved. — {partner}",
                    CreatedAt = now,
                });
            }
        }

        await db.SaveChangesAsync(ct);
        return tickets.Count;
    }
}
