using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Satisfaction;

/// <summary>What the page of a rating link shows: the ticket, the organisation's words, and the rating already given, or why none can be.</summary>
public sealed record RatingLinkState(string TicketNumber, string TicketTitle, string Question, string Thanks, RatingView? Rated, string? Refusal);

/// <summary>
/// The page behind a mailed rating link. Opening the link records nothing (mail scanners such as Safe Links open
/// every link of a mail): it shows the chosen score, ready to send, with a box for a comment; sending records
/// score and comment together, once. Read as the link's requester (<see cref="SurveyLinkScope"/>).
/// </summary>
public static class RatingLink
{
    public static async Task<RatingLinkState?> Read(PartnerDeskDb db, SurveyLink link, string language, CancellationToken ct)
    {
        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == link.TicketId)
            .Select(t => new { t.Number, t.Title, t.Status, t.ResolvedAt, t.RequesterContactId }).FirstOrDefaultAsync(ct);
        if (ticket is null)
        {
            return null;
        }

        var settings = await db.SatisfactionSurveys.AsNoTracking().FirstOrDefaultAsync(ct);
        var rated = await db.SatisfactionRatings.AsNoTracking().Where(r => r.TicketId == link.TicketId && r.ResolvedAt == link.ResolvedAt)
            .Select(r => new RatingView(r.Id, r.TicketId, r.ContactId, null, r.Score, r.Comment, r.Channel, r.ResolvedAt, r.RatedAt)).FirstOrDefaultAsync(ct);
        var refusal = rated is not null ? null
            : !SurveyRules.SameResolution(ticket.ResolvedAt, link.ResolvedAt) ? SurveyRefusal.Reopened
            : SurveyRules.MayRate(settings?.Enabled == true, ticket.Status, ticket.ResolvedAt, ticket.RequesterContactId, db.Caller.UserId, false);
        return new RatingLinkState(TicketNumber.Format(ticket.Number), ticket.Title, SurveyRules.Question(settings, language), SurveyRules.Thanks(settings, language),
            rated, refusal is { } r2 ? RateTicket.Refusals[r2] : null);
    }
}
