using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Satisfaction;

/// <summary>An organisation's survey settings as the API and the settings page show them; empty wording means the default.</summary>
public sealed record SurveySettingsView(
    bool Enabled, int AlertAtOrBelow, string? QuestionEn, string? QuestionDe, string? ThanksEn, string? ThanksDe,
    string DefaultQuestionEn, string DefaultQuestionDe, string DefaultThanksEn, string DefaultThanksDe);

public sealed record SurveySettingsRequest(bool? Enabled, int? AlertAtOrBelow, string? QuestionEn, string? QuestionDe, string? ThanksEn, string? ThanksDe);

/// <summary>Reads and changes the organisation's survey: on or off, the alert threshold, the words in English and German (admins).</summary>
public static class SurveySettings
{
    public static async Task<SurveySettingsView> Get(PartnerDeskDb db, CancellationToken ct) =>
        View(await db.SatisfactionSurveys.AsNoTracking().FirstOrDefaultAsync(ct));

    public static async Task<Outcome<SurveySettingsView>> Update(SurveySettingsRequest request, PartnerDeskDb db, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (request.Enabled is null)
        {
            errors.Add("enabled", "The enabled field is required.");
        }

        SurveyRules.CheckThreshold(request.AlertAtOrBelow, errors)
            .MaxLength("questionEn", request.QuestionEn, SurveyRules.WordingLength).MaxLength("questionDe", request.QuestionDe, SurveyRules.WordingLength)
            .MaxLength("thanksEn", request.ThanksEn, SurveyRules.WordingLength).MaxLength("thanksDe", request.ThanksDe, SurveyRules.WordingLength);
        if (errors.Any)
        {
            return errors;
        }

        var settings = await db.SatisfactionSurveys.FirstOrDefaultAsync(ct);
        if (settings is null)
        {
            settings = new SatisfactionSurvey { OrganisationId = db.Caller.RequireOrganisation() };
            db.SatisfactionSurveys.Add(settings);
        }

        settings.Enabled = request.Enabled!.Value;
        settings.AlertAtOrBelow = request.AlertAtOrBelow ?? settings.AlertAtOrBelow;
        settings.QuestionEn = Words(request.QuestionEn);
        settings.QuestionDe = Words(request.QuestionDe);
        settings.ThanksEn = Words(request.ThanksEn);
        settings.ThanksDe = Words(request.ThanksDe);
        settings.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return View(settings);
    }

    private static SurveySettingsView View(SatisfactionSurvey? s) => new(
        s?.Enabled ?? false, s?.AlertAtOrBelow ?? SurveyRules.DefaultAlertAtOrBelow, s?.QuestionEn, s?.QuestionDe, s?.ThanksEn, s?.ThanksDe,
        SurveyRules.Question(null, "en"), SurveyRules.Question(null, "de"), SurveyRules.Thanks(null, "en"), SurveyRules.Thanks(null, "de"));

    private static string? Words(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
