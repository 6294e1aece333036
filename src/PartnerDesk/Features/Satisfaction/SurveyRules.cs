using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;

namespace PartnerDesk.Features.Satisfaction;

/// <summary>Why a ticket cannot be rated now; null when it can.</summary>
public enum SurveyRefusal
{
    SurveysOff,
    NotResolved,
    NotTheRequester,
    AlreadyRated,
    Reopened,
}

/// <summary>The survey's pure rules: what a rating may hold, when a ticket may be rated, what counts as low, the default words.</summary>
public static class SurveyRules
{
    public const int MinScore = 1;
    public const int MaxScore = 5;
    public const int CommentLength = 2000;
    public const int WordingLength = 300;
    public const int DefaultAlertAtOrBelow = 2;

    /// <summary>How long a mailed link works: a month is long enough for a reply after holidays, short enough that old mail goes quiet.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromDays(30);

    public static FieldErrors Check(int? score, string? comment, FieldErrors? errors = null)
    {
        errors ??= new FieldErrors();
        if (score is null)
        {
            errors.Add("score", "The score field is required.");
        }
        else if (score is < MinScore or > MaxScore)
        {
            errors.Add("score", $"The score must be a whole number from {MinScore} to {MaxScore}.");
        }

        return errors.MaxLength("comment", comment, CommentLength);
    }

    /// <summary>The alert threshold an admin may choose: 0 (never alert) up to one below the best score.</summary>
    public static FieldErrors CheckThreshold(int? alertAtOrBelow, FieldErrors errors)
    {
        if (alertAtOrBelow is < 0 or >= MaxScore)
        {
            errors.Add("alertAtOrBelow", $"The alert threshold must be from 0 (never) to {MaxScore - 1}.");
        }

        return errors;
    }

    /// <summary>
    /// Whether the requester may rate this resolution: surveys on, the ticket resolved or closed after a
    /// resolution, the person its requester, and this resolution not rated yet.
    /// </summary>
    public static SurveyRefusal? MayRate(bool surveysOn, TicketStatus status, DateTimeOffset? resolvedAt, Guid? requesterId, Guid contactId, bool ratedAlready)
    {
        if (!surveysOn)
        {
            return SurveyRefusal.SurveysOff;
        }

        if (status is not (TicketStatus.Resolved or TicketStatus.Closed) || resolvedAt is null)
        {
            return SurveyRefusal.NotResolved;
        }

        if (requesterId != contactId)
        {
            return SurveyRefusal.NotTheRequester;
        }

        return ratedAlready ? SurveyRefusal.AlreadyRated : null;
    }

    /// <summary>A link names one resolution; once the ticket was reopened (or resolved anew) that resolution is over.</summary>
    public static bool SameResolution(DateTimeOffset? current, DateTimeOffset linked) => current is { } c && c.UtcTicks == linked.UtcTicks;

    /// <summary>Low enough to alert the ticket's agent and the admins (a threshold of 0 alerts never).</summary>
    public static bool IsLow(int score, int alertAtOrBelow) => score <= alertAtOrBelow;

    public static string Question(SatisfactionSurvey? settings, string language) => language == "de"
        ? Words(settings?.QuestionDe) ?? "Wie zufrieden sind Sie mit der Lösung Ihres Anliegens?"
        : Words(settings?.QuestionEn) ?? "How satisfied are you with how we handled your request?";

    public static string Thanks(SatisfactionSurvey? settings, string language) => language == "de"
        ? Words(settings?.ThanksDe) ?? "Vielen Dank für Ihre Bewertung! Sie hilft uns, besser zu werden."
        : Words(settings?.ThanksEn) ?? "Thank you for your rating! It helps us get better.";

    /// <summary>The words a score stands for, 1 to 5, as the mail and the pages label them (English; the pages translate).</summary>
    public static string Label(int score) => score switch
    {
        1 => "Very dissatisfied",
        2 => "Dissatisfied",
        3 => "Neutral",
        4 => "Satisfied",
        _ => "Very satisfied",
    };

    public static string LabelDe(int score) => score switch
    {
        1 => "Sehr unzufrieden",
        2 => "Unzufrieden",
        3 => "Neutral",
        4 => "Zufrieden",
        _ => "Sehr zufrieden",
    };

    private static string? Words(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
