using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.People;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Mail;

/// <summary>Mails an invitation's one-time link, from the organisation's default mailbox, in its branding.</summary>
public sealed class InvitationLetterHandler(SendMailHandler sender, Invitations invitations, TimeProvider clock) : IOutboxHandler
{
    public string Kind => Invitations.MailKind;

    public string Destination => "Email"; // the same mail server as every other letter

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<InvitationMail>(message.Payload)!;
        var invitation = await db.Invitations.AsNoTracking()
            .Where(i => i.Id == payload.InvitationId && i.OrganisationId == message.OrganisationId)
            .Select(i => new { i.Email, i.DisplayName, i.Kind, i.InvitedByName, i.ExpiresAt, i.AcceptedAt, i.RevokedAt, i.TokenHash, Customer = db.Customers.Where(c => c.Id == i.CustomerId).Select(c => c.Name).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        var link = invitations.UnprotectLink(payload.ProtectedLink);
        if (invitation is null || invitation.AcceptedAt is not null || invitation.RevokedAt is not null || invitation.ExpiresAt <= clock.GetUtcNow()
            || !invitation.TokenHash.AsSpan().SequenceEqual(Invitations.Hash(link[(link.LastIndexOf('/') + 1)..])))
        {
            return OutboxOutcome.Sent; // accepted, withdrawn, expired or sent anew meanwhile: this link is dead, nobody needs it
        }

        var mailbox = await SendMailHandler.MailboxFor(db, null, ct);
        if (mailbox is null)
        {
            return OutboxOutcome.Refused("The organisation has no enabled mailbox to send from; pass the invitation link on by hand.");
        }

        var brand = await SendMailHandler.BrandOf(db, ct);
        var joins = invitation.Kind == InvitationKind.Agent
            ? $"join {brand.Name} as an agent"
            : $"use {brand.Name}'s support portal for {invitation.Customer}";
        var facts = new LetterFacts(Letter.Invitation, Author: invitation.InvitedByName, Service: joins, Text: link, RespondBy: invitation.ExpiresAt);
        var rendered = MailTemplates.Render(facts, "en", brand);
        var mime = await SendMailHandler.Build(db, message, mailbox, brand, invitation.Email, invitation.DisplayName, rendered, null, automatic: true, ct);
        return await sender.Send(mailbox, mime, ct);
    }
}
