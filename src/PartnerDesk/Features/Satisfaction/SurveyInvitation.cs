using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Satisfaction;

/// <summary>One of the five one-click choices of a resolution mail.</summary>
public sealed record SurveyChoice(int Score, string Label, string Url);

/// <summary>The survey a resolution mail carries: the organisation's question and five signed links.</summary>
public sealed record SurveyOffer(string Question, IReadOnlyList<SurveyChoice> Choices);

/// <summary>
/// What the resolution mail asks, decided when the mail is sent (as every letter is rendered as things stand):
/// nothing when surveys are off, the ticket is no longer resolved, it has no requester contact, the resolution
/// was rated meanwhile (in the portal), or the host has no public address for links.
/// </summary>
public static class SurveyInvitation
{
    public static async Task<SurveyOffer?> ForResolution(PartnerDeskDb db, SurveyLinks links, Guid ticketId, string language, CancellationToken ct)
    {
        var settings = await db.SatisfactionSurveys.AsNoTracking().FirstOrDefaultAsync(ct);
        if (settings is not { Enabled: true } || links.Site() is not { } site)
        {
            return null;
        }

        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId)
            .Select(t => new { t.OrganisationId, t.Status, t.ResolvedAt, t.RequesterContactId }).FirstOrDefaultAsync(ct);
        if (ticket is not { Status: TicketStatus.Resolved, ResolvedAt: { } resolvedAt, RequesterContactId: { } contactId }
            || await db.SatisfactionRatings.AnyAsync(r => r.TicketId == ticketId && r.ResolvedAt == resolvedAt, ct))
        {
            return null;
        }

        var token = links.Token(ticket.OrganisationId, ticketId, contactId, resolvedAt);
        var choices = Enumerable.Range(SurveyRules.MinScore, SurveyRules.MaxScore)
            .Select(score => new SurveyChoice(score, language == "de" ? SurveyRules.LabelDe(score) : SurveyRules.Label(score), SurveyLinks.Url(site, token, score, language)))
            .ToList();
        return new SurveyOffer(SurveyRules.Question(settings, language), choices);
    }
}
