using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Satisfaction;

public sealed record RateRequest(int? Score, string? Comment);

public sealed record RatingView(
    Guid Id, Guid TicketId, Guid ContactId, string? ContactName, int Score, string? Comment, RatingChannel Channel, DateTimeOffset ResolvedAt, DateTimeOffset RatedAt);

/// <summary>A ticket's ratings (newest first) and, for its requester, whether the current resolution may be rated now.</summary>
public sealed record TicketSatisfactionView(bool CanRate, string? Refusal, string Question, IReadOnlyList<RatingView> Ratings);

/// <summary>
/// A requester rates a resolution of its ticket, from the portal or through the mailed link (which acts as that
/// requester, so the query filters decide what it reaches, as for a signed-in contact). A low score alerts the
/// ticket's agent and, through the queue's alerts, the admins; the ticket's history records the rating.
/// </summary>
public static class RateTicket
{
    public static readonly IReadOnlyDictionary<SurveyRefusal, string> Refusals = new Dictionary<SurveyRefusal, string>
    {
        [SurveyRefusal.SurveysOff] = "Satisfaction surveys are turned off.",
        [SurveyRefusal.NotResolved] = "Only a resolved ticket can be rated.",
        [SurveyRefusal.NotTheRequester] = "Only the person who asked can rate this ticket.",
        [SurveyRefusal.AlreadyRated] = "This resolution has been rated already. Thank you!",
        [SurveyRefusal.Reopened] = "This ticket was reopened after the mail was sent; it can be rated when it is resolved again.",
    };

    public static async Task<Outcome<RatingView>> Handle(
        Guid ticketId, RateRequest request, RatingChannel channel, DateTimeOffset? linkedResolution, PartnerDeskDb db, DateTimeOffset now, CancellationToken ct)
    {
        var comment = string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim();
        var errors = SurveyRules.Check(request.Score, comment);
        if (errors.Any)
        {
            return errors;
        }

        var caller = db.Caller;
        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || !caller.IsContact)
        {
            return Outcome<RatingView>.Missing;
        }

        if (linkedResolution is { } linked && !SurveyRules.SameResolution(ticket.ResolvedAt, linked))
        {
            return Outcome<RatingView>.Conflict(Refusals[SurveyRefusal.Reopened]);
        }

        var settings = await db.SatisfactionSurveys.AsNoTracking().FirstOrDefaultAsync(ct);
        var rated = ticket.ResolvedAt is { } resolvedAt && await db.SatisfactionRatings.AnyAsync(r => r.TicketId == ticketId && r.ResolvedAt == resolvedAt, ct);
        if (SurveyRules.MayRate(settings?.Enabled == true, ticket.Status, ticket.ResolvedAt, ticket.RequesterContactId, caller.UserId, rated) is { } refusal)
        {
            return Outcome<RatingView>.Conflict(Refusals[refusal]);
        }

        var rating = new SatisfactionRating
        {
            OrganisationId = ticket.OrganisationId,
            CustomerId = ticket.CustomerId,
            TicketId = ticket.Id,
            ContactId = caller.UserId,
            ResolvedAt = ticket.ResolvedAt!.Value,
            AgentId = ticket.AssigneeAgentId,
            Score = request.Score!.Value,
            Comment = comment,
            Channel = channel,
            RatedAt = now,
        };
        db.SatisfactionRatings.Add(rating);
        db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Rated", null, $"{rating.Score}/5", now));
        if (SurveyRules.IsLow(rating.Score, settings!.AlertAtOrBelow))
        {
            // One alert: marked for the assignee, and shown to every agent who reaches the customer (the admins reach all).
            var text = $"{TicketNumber.Format(ticket.Number)} was rated {rating.Score}/5 by {caller.DisplayName}" + (comment is null ? "." : $": “{comment}”");
            db.AgentAlerts.Add(new AgentAlert
            {
                OrganisationId = ticket.OrganisationId,
                CustomerId = ticket.CustomerId,
                TicketId = ticket.Id,
                AgentId = ticket.AssigneeAgentId,
                Kind = "LowRating",
                Text = text.Length > 500 ? text[..499] + "…" : text,
                CreatedAt = now,
            });
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            // Two clicks raced (a double submit, two tabs): the first one counts.
            db.ChangeTracker.Clear();
            if (await db.SatisfactionRatings.AsNoTracking().AnyAsync(r => r.TicketId == ticketId && r.ResolvedAt == rating.ResolvedAt, ct))
            {
                return Outcome<RatingView>.Conflict(Refusals[SurveyRefusal.AlreadyRated]);
            }

            throw;
        }

        return new RatingView(rating.Id, rating.TicketId, rating.ContactId, caller.DisplayName, rating.Score, rating.Comment, rating.Channel, rating.ResolvedAt, rating.RatedAt);
    }

    /// <summary>The ticket's ratings, and whether the caller may rate its current resolution; null when the caller cannot see the ticket.</summary>
    public static async Task<TicketSatisfactionView?> Of(Guid ticketId, PartnerDeskDb db, string language, CancellationToken ct)
    {
        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId)
            .Select(t => new { t.Status, t.ResolvedAt, t.RequesterContactId }).FirstOrDefaultAsync(ct);
        if (ticket is null)
        {
            return null;
        }

        var ratings = await db.SatisfactionRatings.AsNoTracking().Where(r => r.TicketId == ticketId).OrderByDescending(r => r.RatedAt)
            .Select(r => new RatingView(r.Id, r.TicketId, r.ContactId, db.Contacts.Where(c => c.Id == r.ContactId).Select(c => c.DisplayName).FirstOrDefault(),
                r.Score, r.Comment, r.Channel, r.ResolvedAt, r.RatedAt))
            .ToListAsync(ct);
        var settings = await db.SatisfactionSurveys.AsNoTracking().FirstOrDefaultAsync(ct);
        var rated = ticket.ResolvedAt is { } at && ratings.Any(r => r.ResolvedAt.UtcTicks == at.UtcTicks);
        var refusal = db.Caller.IsContact
            ? SurveyRules.MayRate(settings?.Enabled == true, ticket.Status, ticket.ResolvedAt, ticket.RequesterContactId, db.Caller.UserId, rated)
            : SurveyRefusal.NotTheRequester;
        return new TicketSatisfactionView(refusal is null, refusal?.ToString(), SurveyRules.Question(settings, language), ratings);
    }
}
