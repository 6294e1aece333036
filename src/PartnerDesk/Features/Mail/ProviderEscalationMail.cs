using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Mail;

/// <summary>
/// Hands a reseller's escalation to an indirect provider that does not use this installation: a mail to the
/// provider's address with what the reseller chose to share (issue 4's "provider elsewhere").
/// </summary>
public sealed class ProviderEscalationMailHandler(SendMailHandler sender) : IOutboxHandler
{
    public string Kind => ProviderEscalationHandler.EmailKind;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<EscalationPayload>(message.Payload)!;
        var escalation = await db.Escalations.AsNoTracking().Where(e => e.Id == payload.EscalationId).Select(e => new
        {
            e.Title,
            e.Description,
            e.Severity,
            e.TicketId,
            e.ShareInternalNotes,
            e.Ticket!.Number,
            Customer = e.Ticket.Customer!.Name,
            e.Ticket.Customer.TenantId,
        }).FirstOrDefaultAsync(ct);
        var provider = await db.Organisations.Select(o => o.IndirectProviderEmail).FirstOrDefaultAsync(ct);
        if (escalation is null || provider is null)
        {
            return OutboxOutcome.Refused("The escalation or the provider's address is gone.");
        }

        var mailbox = await SendMailHandler.MailboxFor(db, null, ct);
        if (mailbox is null)
        {
            return OutboxOutcome.Refused("The organisation has no enabled mailbox to send from.");
        }

        var notes = escalation.ShareInternalNotes
            ? await db.TicketMessages.AsNoTracking().Where(m => m.TicketId == escalation.TicketId && m.Visibility == MessageVisibility.Internal)
                .OrderBy(m => m.CreatedAt).Select(m => m.AuthorName + ": " + m.Body).ToListAsync(ct)
            : [];
        var number = TicketNumber.Format(escalation.Number);
        var brand = await SendMailHandler.BrandOf(db, ct);
        var text = $"""
            Escalation from {brand.Name} (their ticket {number}), severity {escalation.Severity}.
            Customer: {escalation.Customer} (tenant {escalation.TenantId})

            {escalation.Title}

            {escalation.Description}
            {(notes.Count > 0 ? "\nNotes shared by the reseller:\n" + string.Join("\n\n", notes) : "")}

            Please answer to this mail; keep [{number}] in the subject.
            """;
        var rendered = MailTemplates.Render(new LetterFacts(Letter.ProviderEscalation, number, escalation.Title, Text: text), "en", brand);
        var mime = await SendMailHandler.Build(db, message, mailbox, brand, provider, null, rendered, escalation.TicketId, automatic: false, ct, toProvider: true);
        var outcome = await sender.Send(mailbox, mime, ct);
        if (outcome == OutboxOutcome.Sent)
        {
            // The provider's answer threads into the ticket by this Message-ID.
            db.MailLinks.Add(new MailLink { OrganisationId = message.OrganisationId, TicketId = escalation.TicketId, MessageKey = MailParser.Key(mime.MessageId, []), MessageId = mime.MessageId!, At = message.CreatedAt, ToProvider = true });
        }

        return outcome;
    }
}
