using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using PartnerDesk.Features.Satisfaction;

namespace PartnerDesk.Features.Mail;

/// <summary>The letters PartnerDesk writes to customers (and to an indirect provider elsewhere).</summary>
public enum Letter
{
    Received,
    Reply,
    Status,
    Incident,
    Escalation,
    Terms,
    ProviderEscalation,
    Invitation,
}

/// <summary>The partner as every mail shows it: its name, logo and support profile (R6, R15).</summary>
/// <param name="Accent">The partner's colour (#rrggbb, checked when saved) for the mail's heading; null: none.</param>
public sealed record Branding(string Name, string? Email, string? Telephone, string? Website, bool HasLogo, string? Accent = null);

/// <summary>What one letter says, in the facts the template needs; texts written by people arrive as plain text.</summary>
public sealed record LetterFacts(
    Letter Letter,
    string? TicketNumber = null,
    string? TicketTitle = null,
    string? Author = null,
    string? Text = null,
    string? Status = null,
    string? Service = null,
    bool Resolved = false,
    string? Reference = null,
    DateTimeOffset? RespondBy = null,
    TimeZoneInfo? Zone = null,
    IReadOnlyList<string>? Lines = null,
    SurveyOffer? Survey = null);

public sealed record RenderedMail(string Subject, string Text, string Html);

/// <summary>
/// Renders letters in English or German. Every value is HTML-encoded into the HTML part; the text part is
/// the same letter in plain text. Each mail starts with the reply marker and ends with the partner's profile.
/// </summary>
public static class MailTemplates
{
    public const string LogoContentId = "logo@partnerdesk";

    public static string LanguageOf(string? language) => language is "de" ? "de" : "en";

    public static RenderedMail Render(LetterFacts facts, string language, Branding brand)
    {
        var de = LanguageOf(language) == "de";
        var culture = CultureInfo.GetCultureInfo(de ? "de-DE" : "en-GB");
        var number = facts.TicketNumber is null ? "" : $"[{facts.TicketNumber}] ";
        var title = facts.TicketTitle ?? "";
        var paragraphs = new List<string>();
        string subject;
        switch (facts.Letter)
        {
            case Letter.Received:
                subject = $"{number}{title}";
                paragraphs.Add(de
                    ? $"vielen Dank für Ihre Anfrage. Wir haben sie als Ticket {facts.TicketNumber} aufgenommen."
                    : $"thank you for your request. We have logged it as ticket {facts.TicketNumber}.");
                if (facts.RespondBy is { } by)
                {
                    var local = TimeZoneInfo.ConvertTime(by, facts.Zone ?? TimeZoneInfo.Utc);
                    paragraphs.Add(de
                        ? $"Sie hören von uns bis spätestens {local.ToString("dddd, d. MMMM yyyy, HH:mm", culture)} ({Zone(facts.Zone)})."
                        : $"You will hear from us by {local.ToString("dddd d MMMM yyyy, HH:mm", culture)} ({Zone(facts.Zone)}).");
                }

                paragraphs.Add(de ? "Antworten Sie einfach auf diese E-Mail, um etwas zu ergänzen." : "Simply reply to this mail to add anything.");
                break;
            case Letter.Reply:
                subject = $"{number}{title}";
                paragraphs.Add(facts.Text ?? "");
                paragraphs.Add($"— {facts.Author}, {brand.Name}");
                break;
            case Letter.Status:
                subject = $"{number}{title}";
                paragraphs.Add(facts.Status switch
                {
                    "Resolved" => de
                        ? $"wir haben Ihr Ticket {facts.TicketNumber} als gelöst markiert. Wenn das Problem weiter besteht, antworten Sie einfach auf diese E-Mail; dann öffnen wir es wieder."
                        : $"we have marked your ticket {facts.TicketNumber} as resolved. If the problem persists, simply reply to this mail and we will reopen it.",
                    "Closed" => de
                        ? $"Ihr Ticket {facts.TicketNumber} ist geschlossen. Für ein neues Anliegen schreiben Sie uns bitte eine neue E-Mail."
                        : $"your ticket {facts.TicketNumber} is closed. For a new request, please write us a new mail.",
                    _ => de
                        ? $"für Ihr Ticket {facts.TicketNumber} brauchen wir eine Antwort von Ihnen. Bitte antworten Sie auf diese E-Mail."
                        : $"we need an answer from you on ticket {facts.TicketNumber}. Please reply to this mail.",
                });
                break;
            case Letter.Incident:
                subject = facts.Resolved
                    ? (de ? $"{number}Microsoft hat die Störung bei {facts.Service} behoben" : $"{number}Microsoft has resolved the {facts.Service} issue")
                    : (de ? $"{number}Neuigkeiten zur Störung bei {facts.Service}" : $"{number}Update on the {facts.Service} issue");
                paragraphs.Add(facts.Resolved
                    ? (de
                        ? $"Ihr Ticket {facts.TicketNumber} ({title}) ging auf eine Störung in Microsofts Dienst {facts.Service} zurück. Microsoft meldet sie als behoben."
                        : $"your ticket {facts.TicketNumber} ({title}) was caused by a problem in Microsoft's {facts.Service} service. Microsoft reports it resolved.")
                    : (de
                        ? $"Ihr Ticket {facts.TicketNumber} ({title}) geht auf eine bekannte Störung in Microsofts Dienst {facts.Service} zurück. Das Neueste dazu:"
                        : $"your ticket {facts.TicketNumber} ({title}) is caused by a known problem in Microsoft's {facts.Service} service. Here is the latest news:"));
                if (!string.IsNullOrWhiteSpace(facts.Text))
                {
                    paragraphs.Add(facts.Text);
                }

                paragraphs.Add(facts.Resolved
                    ? (de ? "Wenn Sie das Problem weiter sehen, antworten Sie auf diese E-Mail." : "If you still see the problem, reply to this mail.")
                    : (de ? "Wir verfolgen die Störung für Sie und melden uns, sobald sie behoben ist." : "We follow it for you and will let you know when it is resolved."));
                break;
            case Letter.Escalation:
                subject = $"{number}{title}";
                paragraphs.Add(facts.Resolved
                    ? (de
                        ? $"der Hersteller hat seine Bearbeitung zu Ihrem Ticket {facts.TicketNumber} abgeschlossen. Wir prüfen das Ergebnis und melden uns bei Ihnen."
                        : $"the vendor has finished its work on your ticket {facts.TicketNumber}. We are checking the outcome and will come back to you.")
                    : (de
                        ? $"wir haben Ihr Ticket {facts.TicketNumber} an {facts.Service} weitergegeben{(facts.Reference is null ? "" : $" (Referenz {facts.Reference})")}. Wir bleiben Ihr Ansprechpartner und halten Sie auf dem Laufenden."
                        : $"we have passed your ticket {facts.TicketNumber} on to {facts.Service}{(facts.Reference is null ? "" : $" (reference {facts.Reference})")}. We remain your contact and will keep you posted."));
                break;
            case Letter.Invitation:
                // Service: whom the person joins (the customer's portal or the partner's desk); Text: the one-time link.
                subject = de ? $"Einladung zum Support von {brand.Name}" : $"You are invited to {brand.Name}'s support desk";
                paragraphs.Add(de
                    ? $"{facts.Author} lädt Sie ein: {facts.Service}."
                    : $"{facts.Author} invites you: {facts.Service}.");
                paragraphs.Add(de
                    ? $"Öffnen Sie diesen Link, um die Einladung anzunehmen (einmal verwendbar, gültig bis {facts.RespondBy?.ToString("d. MMMM yyyy", culture)}):\n{facts.Text}"
                    : $"Open this link to accept (it works once, until {facts.RespondBy?.ToString("d MMMM yyyy", culture)}):\n{facts.Text}");
                paragraphs.Add(de
                    ? "Sie können sich mit Ihrem Microsoft-Geschäftskonto oder mit einem Kennwort anmelden. Wenn Sie keine Einladung erwartet haben, ignorieren Sie diese E-Mail."
                    : "You can sign in with your Microsoft work account or with a password. If you did not expect this, ignore this mail.");
                break;
            case Letter.Terms:
                subject = de ? $"Ihre Support-Bedingungen bei {brand.Name}" : $"Your support terms with {brand.Name}";
                paragraphs.Add(de ? "hier sind die Bedingungen Ihres Supports:" : "here are the terms of your support:");
                paragraphs.Add(string.Join('\n', facts.Lines ?? []));
                break;
            default:
                subject = $"{number}{title}";
                paragraphs.Add(facts.Text ?? "");
                break;
        }

        if (facts.TicketNumber is not null && facts.Letter is Letter.Received or Letter.Status or Letter.Escalation)
        {
            paragraphs.Insert(1, $"{facts.TicketNumber}: {title}");
        }

        var greeting = facts.Letter is Letter.Reply or Letter.ProviderEscalation ? null : de ? "Guten Tag," : "Hello,";
        var signature = facts.Letter is Letter.Reply or Letter.ProviderEscalation ? null : de ? $"Ihr Support-Team von {brand.Name}" : $"Your support team at {brand.Name}";
        var footer = Footer(brand, de);

        var text = new StringBuilder();
        text.Append(MailParser.ReplyAbove).Append("\n\n");
        if (greeting is not null)
        {
            text.Append(greeting).Append("\n\n");
        }

        foreach (var p in paragraphs)
        {
            text.Append(p).Append("\n\n");
        }

        if (facts.Survey is { } survey)
        {
            text.Append(survey.Question).Append('\n');
            foreach (var choice in survey.Choices)
            {
                text.Append(choice.Score).Append(" – ").Append(choice.Label).Append(": ").Append(choice.Url).Append('\n');
            }

            text.Append('\n');
        }

        if (signature is not null)
        {
            text.Append(signature).Append("\n\n");
        }

        text.Append("--\n").Append(string.Join('\n', footer));

        var enc = HtmlEncoder.Default;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:Segoe UI,Arial,sans-serif;font-size:14px;color:#242424\">");
        html.Append("<div style=\"color:#888;font-size:11px\">").Append(enc.Encode(MailParser.ReplyAbove)).Append("</div>");
        if (brand.HasLogo)
        {
            html.Append("<p><img src=\"cid:").Append(LogoContentId).Append("\" alt=\"").Append(enc.Encode(brand.Name)).Append("\" style=\"max-height:48px\"></p>");
        }
        else
        {
            html.Append("<p style=\"font-size:18px;font-weight:600").Append(brand.Accent is { } accent ? ";color:" + enc.Encode(accent) : "").Append("\">").Append(enc.Encode(brand.Name)).Append("</p>");
        }

        if (greeting is not null)
        {
            html.Append("<p>").Append(enc.Encode(greeting)).Append("</p>");
        }

        foreach (var p in paragraphs)
        {
            html.Append("<p>").Append(enc.Encode(p).Replace("&#xA;", "<br>", StringComparison.Ordinal)).Append("</p>");
        }

        if (facts.Survey is { } offer)
        {
            // Five plain links styled as buttons: mail clients show them without images or scripts.
            html.Append("<p style=\"font-weight:600\" id=\"survey-question\">").Append(enc.Encode(offer.Question)).Append("</p><p>");
            foreach (var choice in offer.Choices)
            {
                html.Append("<a href=\"").Append(enc.Encode(choice.Url)).Append("\" data-score=\"").Append(choice.Score)
                    .Append("\" style=\"display:inline-block;margin:0 6px 6px 0;padding:6px 12px;border:1px solid ").Append(enc.Encode(brand.Accent ?? "#0f6cbd"))
                    .Append(";border-radius:4px;color:").Append(enc.Encode(brand.Accent ?? "#0f6cbd")).Append(";text-decoration:none\">")
                    .Append(choice.Score).Append(" – ").Append(enc.Encode(choice.Label)).Append("</a>");
            }

            html.Append("</p>");
        }

        if (signature is not null)
        {
            html.Append("<p>").Append(enc.Encode(signature)).Append("</p>");
        }

        html.Append("<hr style=\"border:0;border-top:1px solid #ddd\"><p style=\"color:#616161;font-size:12px\">")
            .Append(string.Join("<br>", footer.Select(enc.Encode))).Append("</p></body></html>");
        return new RenderedMail(MailParser.Clean(subject, 250) ?? brand.Name, text.ToString(), html.ToString());
    }

    private static List<string> Footer(Branding brand, bool de)
    {
        List<string> lines = [brand.Name];
        if (brand.Email is not null)
        {
            lines.Add((de ? "E-Mail: " : "E-mail: ") + brand.Email);
        }

        if (brand.Telephone is not null)
        {
            lines.Add((de ? "Telefon: " : "Phone: ") + brand.Telephone);
        }

        if (brand.Website is not null)
        {
            lines.Add("Web: " + brand.Website);
        }

        return lines;
    }

    private static string Zone(TimeZoneInfo? zone) => zone is null || zone == TimeZoneInfo.Utc ? "UTC" : zone.Id;
}
