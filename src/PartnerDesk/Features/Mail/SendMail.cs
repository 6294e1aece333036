using System.Text.Json;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Satisfaction;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Mail;

/// <summary>
/// Sends one letter from the outbox over SMTP: rendered as things stand, in the recipient's language, from the
/// ticket's mailbox (or the organisation's default one), threaded by Message-ID, In-Reply-To and References.
/// The Message-ID is made from the outbox message's id, so a resend after a crash is the same mail to every
/// mail client. Its Message-ID joins the ticket's conversation in the same save that marks it sent.
/// </summary>
public sealed class SendMailHandler(MailConnections connections, SurveyLinks surveys, TimeProvider clock, ILogger<SendMailHandler> log) : IOutboxHandler
{
    public string Kind => MailNotifier.Kind;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var notice = JsonSerializer.Deserialize<MailNotice>(message.Payload)!;
        var letter = await Compose(db, notice, surveys, clock.GetUtcNow(), ct);
        if (letter is null)
        {
            log.LogDebug("Outbox mail {Id} ({Letter}) has nobody to go to.", message.Id, notice.Letter);
            return OutboxOutcome.Sent; // nothing to tell anyone (the ticket has no requester and came not by mail)
        }

        var mailbox = await MailboxFor(db, notice.TicketId, ct);
        if (mailbox is null)
        {
            return OutboxOutcome.Refused("The organisation has no enabled mailbox to send from.");
        }

        var brand = await BrandOf(db, ct);
        var rendered = MailTemplates.Render(letter.Facts, letter.Language, brand);
        var mime = await Build(db, message, mailbox, brand, letter.To, letter.ToName, rendered, notice.TicketId, automatic: notice.Letter != Letter.Reply, ct);
        var outcome = await Send(mailbox, mime, ct);
        if (outcome == OutboxOutcome.Sent && notice.TicketId is { } ticketId && letter.TicketCustomerId is { } customerId)
        {
            var now = clock.GetUtcNow();
            db.MailLinks.Add(new MailLink { OrganisationId = message.OrganisationId, TicketId = ticketId, MessageKey = MailParser.Key(mime.MessageId, []), MessageId = mime.MessageId!, At = now });
            db.TicketEvents.Add(TicketHistory.Event(message.OrganisationId, customerId, ticketId, Guid.Empty, "PartnerDesk", "Mail", null, $"{notice.Letter} to {letter.To}", now));
        }

        return outcome;
    }

    internal async Task<OutboxOutcome> Send(Mailbox mailbox, MimeMessage mime, CancellationToken ct)
    {
        try
        {
            using var smtp = await connections.Smtp(mailbox, ct);
            await smtp.SendAsync(mime, ct);
            await smtp.DisconnectAsync(true, ct);
            return OutboxOutcome.Sent;
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            log.LogWarning(e, "The mail server of mailbox {Mailbox} refused a mail.", mailbox.Id);
            return OutboxOutcome.Refused($"The mail server refused the mail ({(int)e.StatusCode}).");
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException or TimeoutException
                                      or MailKit.Security.AuthenticationException or MailboxSettingsException or MailKit.ServiceNotConnectedException
                                      or Platform.Outbound.DestinationNotAllowedException or System.Security.Authentication.AuthenticationException)
        {
            // A category for whoever reads the outbox; the exception for operators.
            log.LogWarning(e, "Sending through mailbox {Mailbox} failed.", mailbox.Id);
            return OutboxOutcome.Retry($"Sending failed: {MailConnections.Describe(e)}", MailConnections.IsLasting(e) ? TimeSpan.FromMinutes(10) : null);
        }
    }

    private sealed record Composed(LetterFacts Facts, string To, string? ToName, string Language, Guid? TicketCustomerId);

    private static async Task<Composed?> Compose(PartnerDeskDb db, MailNotice notice, SurveyLinks surveys, DateTimeOffset now, CancellationToken ct)
    {
        if (notice.Letter == Letter.Terms)
        {
            var contact = await db.Contacts.Where(c => c.Id == notice.ContactId).Select(c => new { c.Email, c.DisplayName, c.Language, c.CustomerId }).FirstOrDefaultAsync(ct);
            if (contact is null)
            {
                return null;
            }

            var terms = await SupportTerms.For(db, contact.CustomerId, now, ct);
            return new Composed(new LetterFacts(Letter.Terms, Lines: TermsLines(terms, contact.Language)), contact.Email, contact.DisplayName, contact.Language, null);
        }

        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == notice.TicketId).Select(t => new
        {
            t.Id,
            t.Number,
            t.Title,
            t.CustomerId,
            t.FirstResponseDueAt,
            t.FirstRespondedAt,
            t.Customer!.TimeZoneId,
            Contact = t.Requester == null ? null : new { t.Requester.Email, t.Requester.DisplayName, t.Requester.Language },
        }).FirstOrDefaultAsync(ct);
        if (ticket is null)
        {
            return null;
        }

        var conversation = await db.MailConversations.AsNoTracking().Where(c => c.TicketId == ticket.Id).Select(c => new { c.Address, c.Name }).FirstOrDefaultAsync(ct);
        var to = conversation?.Address ?? ticket.Contact?.Email;
        if (to is null)
        {
            return null;
        }

        var language = ticket.Contact?.Language ?? "en";
        var number = TicketNumber.Format(ticket.Number);
        LetterFacts facts;
        switch (notice.Letter)
        {
            case Letter.Received:
                var zone = ticket.TimeZoneId is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : null;
                facts = new LetterFacts(Letter.Received, number, ticket.Title, RespondBy: ticket.FirstRespondedAt is null ? ticket.FirstResponseDueAt : null, Zone: zone);
                break;
            case Letter.Reply:
                var reply = await db.TicketMessages.AsNoTracking().Where(m => m.Id == notice.MessageId && m.Visibility == MessageVisibility.Public)
                    .Select(m => new { m.Body, m.AuthorName }).FirstOrDefaultAsync(ct);
                if (reply is null)
                {
                    return null;
                }

                facts = new LetterFacts(Letter.Reply, number, ticket.Title, Author: reply.AuthorName, Text: reply.Body);
                break;
            case Letter.Incident:
                var notification = await db.Notifications.AsNoTracking().Where(n => n.Id == notice.NotificationId).Select(n => new { n.Kind, n.ContactId }).FirstOrDefaultAsync(ct);
                var issue = await db.TicketIssueLinks.AsNoTracking().Where(l => l.TicketId == ticket.Id)
                    .Join(db.ServiceHealthIssues, l => l.IssueId, i => i.Id, (l, i) => new { i.Id, i.Service, i.LastModifiedDateTime })
                    .OrderByDescending(i => i.LastModifiedDateTime).FirstOrDefaultAsync(ct);
                if (notification is null || issue is null)
                {
                    return null;
                }

                var post = await db.ServiceHealthPosts.AsNoTracking().Where(p => p.IssueId == issue.Id).OrderByDescending(p => p.CreatedDateTime).ThenByDescending(p => p.Id).Select(p => p.Text).FirstOrDefaultAsync(ct);
                facts = new LetterFacts(Letter.Incident, number, ticket.Title, Service: issue.Service, Text: post, Resolved: notification.Kind == "IncidentResolved");
                break;
            case Letter.Escalation:
                var escalation = await db.Escalations.AsNoTracking().Where(e => e.Id == notice.EscalationId).Select(e => new { e.Target, e.ServiceRequestId, e.State }).FirstOrDefaultAsync(ct);
                if (escalation is null)
                {
                    return null;
                }

                var whom = escalation.Target == EscalationTarget.Microsoft ? "Microsoft" : language == "de" ? "unseren Distributionspartner" : "our distribution partner";
                facts = new LetterFacts(Letter.Escalation, number, ticket.Title, Service: whom, Reference: escalation.ServiceRequestId, Resolved: notice.Status == nameof(EscalationState.Closed));
                break;
            case Letter.Status when notice.Status == nameof(TicketStatus.Resolved):
                // The satisfaction survey rides on the resolution mail only, and only to the requester's own address.
                var survey = ticket.Contact is not null && string.Equals(to, ticket.Contact.Email, StringComparison.OrdinalIgnoreCase) ? await SurveyInvitation.ForResolution(db, surveys, ticket.Id, language, ct) : null;
                facts = new LetterFacts(notice.Letter, number, ticket.Title, Status: notice.Status, Survey: survey);
                break;
            default:
                facts = new LetterFacts(notice.Letter, number, ticket.Title, Status: notice.Status);
                break;
        }

        return new Composed(facts, to, conversation?.Name ?? ticket.Contact?.DisplayName, language, ticket.CustomerId);
    }

    private static List<string> TermsLines(SupportTermsView? terms, string language)
    {
        var de = language == "de";
        if (terms is null)
        {
            return [de ? "Für Sie gilt derzeit kein Supportvertrag." : "No support contract covers you at the moment."];
        }

        List<string> lines = [$"{(de ? "Plan" : "Plan")}: {terms.PlanName}", $"{(de ? "Zeitzone" : "Time zone")}: {terms.TimeZone}"];
        lines.AddRange(terms.ServiceHours.Select(h => $"{h.Day}: {h.From}–{h.To}"));
        if (terms.SupportEmail is not null)
        {
            lines.Add($"{(de ? "E-Mail" : "E-mail")}: {terms.SupportEmail}");
        }

        lines.AddRange(terms.PhoneLines.Select(p => $"{p.Label}: {p.Number}{(p.AroundTheClock ? " (24/7)" : "")}"));
        lines.AddRange(terms.Targets.Select(t => $"{(de ? "Schweregrad" : "Severity")} {t.Severity}: {(de ? "erste Antwort in" : "first response within")} {t.FirstResponseMinutes} min"));
        return lines;
    }

    internal static async Task<Mailbox?> MailboxFor(PartnerDeskDb db, Guid? ticketId, CancellationToken ct)
    {
        if (ticketId is { } id && await db.MailConversations.AsNoTracking().Where(c => c.TicketId == id).Select(c => (Guid?)c.MailboxId).FirstOrDefaultAsync(ct) is { } mailboxId
            && await db.Mailboxes.AsNoTracking().FirstOrDefaultAsync(m => m.Id == mailboxId && m.Enabled, ct) is { } ticketMailbox)
        {
            return ticketMailbox;
        }

        return await db.Mailboxes.AsNoTracking().Where(m => m.Enabled).OrderByDescending(m => m.IsDefault).ThenBy(m => m.CreatedAt).FirstOrDefaultAsync(ct);
    }

    internal static async Task<Branding> BrandOf(PartnerDeskDb db, CancellationToken ct)
    {
        var name = await db.Organisations.Select(o => o.Name).FirstAsync(ct);
        var profile = await db.Set<SupportProfile>().AsNoTracking()
            .Select(p => new { p.Email, p.Telephone, p.Website, HasLogo = p.Logo != null, p.BrandName, p.AccentColour }).FirstOrDefaultAsync(ct);
        return new Branding(profile?.BrandName ?? name, profile?.Email, profile?.Telephone, profile?.Website, profile?.HasLogo ?? false, profile?.AccentColour);
    }

    internal static async Task<MimeMessage> Build(
        PartnerDeskDb db, OutboxMessage message, Mailbox mailbox, Branding brand, string to, string? toName, RenderedMail rendered, Guid? ticketId, bool automatic, CancellationToken ct, bool toProvider = false)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(brand.Name, mailbox.Address));
        mime.To.Add(new MailboxAddress(toName ?? "", to));
        mime.Subject = rendered.Subject;
        var domain = mailbox.Address[(mailbox.Address.IndexOf('@', StringComparison.Ordinal) + 1)..];
        mime.MessageId = $"{message.Id:N}@{domain}";
        mime.Date = message.CreatedAt;
        if (automatic)
        {
            // RFC 3834: no auto-responder answers this, so two desks cannot mail each other forever.
            mime.Headers.Add(HeaderId.AutoSubmitted, "auto-generated");
        }

        if (ticketId is { } id)
        {
            // Each side's own conversation only: the customer's mail never carries the provider's Message-IDs, nor the other way round.
            var thread = await db.MailLinks.AsNoTracking().Where(l => l.TicketId == id && l.ToProvider == toProvider).OrderByDescending(l => l.At).ThenByDescending(l => l.Id)
                .Select(l => l.MessageId).Take(10).ToListAsync(ct);
            if (thread.Count > 0)
            {
                mime.InReplyTo = thread[0];
                foreach (var reference in Enumerable.Reverse(thread))
                {
                    mime.References.Add(reference);
                }
            }
        }

        var body = new BodyBuilder { TextBody = rendered.Text, HtmlBody = rendered.Html };
        if (brand.HasLogo && await db.Set<SupportProfile>().AsNoTracking().Select(p => new { p.Logo, p.LogoContentType }).FirstOrDefaultAsync(ct) is { Logo: { } logo } profile)
        {
            var image = body.LinkedResources.Add("logo", logo, ContentType.Parse(profile.LogoContentType ?? "image/png"));
            image.ContentId = MailTemplates.LogoContentId;
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }
}
