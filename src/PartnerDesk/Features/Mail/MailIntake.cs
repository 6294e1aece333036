using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Mail;

/// <summary>
/// Turns one received message into a ticket, a reply, a triage item, an ignored auto-reply or a quarantined
/// message, and saves that together with the mailbox's read position: one commit per message, so a crash
/// leaves it either wholly taken or untouched. Runs as the system of the mailbox's organisation.
/// </summary>
public static class MailIntake
{
    /// <summary>New tickets one sender may open by mail within an hour before its mail waits in triage.</summary>
    public const int LoopLimit = 20;

    /// <summary>Takes one message; returns what became of it (null: it was taken before, under another UID or mailbox).</summary>
    /// <param name="refuse">Set when the reader already knows the message cannot be taken (too large): it is quarantined with this reason.</param>
    public static async Task<InboundMailState?> Take(
        PartnerDeskDb db, Mailbox mailbox, long uidValidity, long uid, byte[] raw, MailOptions limits, DateTimeOffset now, CancellationToken ct, string? refuse = null)
    {
        ReadMail? mail = null;
        string? unreadable = refuse;
        try
        {
            mail = refuse is null ? MailParser.Read(raw, limits.AttachmentLimit) : null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or NotSupportedException or DecoderFallbackException)
        {
            unreadable = $"The message could not be read: {e.Message}";
        }

        var key = mail?.MessageKey ?? MailParser.Key(null, raw);
        mailbox.LastUid = Math.Max(mailbox.LastUid, uid);
        if (await db.InboundMails.AnyAsync(m => m.MessageKey == key, ct))
        {
            await db.SaveChangesAsync(ct); // only the read position moves
            return null;
        }

        var record = new InboundMail
        {
            OrganisationId = mailbox.OrganisationId,
            MailboxId = mailbox.Id,
            UidValidity = uidValidity,
            Uid = uid,
            MessageKey = key,
            MessageId = mail?.MessageId,
            FromAddress = mail?.FromAddress,
            FromName = mail?.FromName,
            Subject = mail?.Subject,
            Size = raw.Length,
            ReceivedAt = now,
        };
        db.InboundMails.Add(record);

        if (mail is null)
        {
            return await Keep(db, record, InboundMailState.Quarantined, unreadable!, raw, limits, ct);
        }

        if (mail.Automatic is { } automatic)
        {
            return await Keep(db, record, InboundMailState.Ignored, $"Automatic mail: {automatic}.", null, limits, ct);
        }

        if (mail.FromAddress is not { } from)
        {
            return await Keep(db, record, InboundMailState.Quarantined, "The message names no sender address (From).", raw, limits, ct);
        }

        if (await db.Mailboxes.AnyAsync(m => m.Address == from, ct))
        {
            return await Keep(db, record, InboundMailState.Ignored, "Sent by one of this desk's own mailboxes: never answered, so mail cannot loop.", null, limits, ct);
        }

        // Before anything is made of it: mail over a rate becomes no ticket, no reply and so no acknowledgement
        // (which an auto-responder would answer again). Quarantine keeps it for an agent, who can still make a ticket.
        if (await OverRate(db, mailbox.OrganisationId, from, limits, now, ct) is { } flood)
        {
            return await Keep(db, record, InboundMailState.Quarantined, flood, raw, limits, ct);
        }

        var (ticket, byReference) = await ThreadOf(db, mail, ct);
        if (await ProviderAnswers(db, mail, from, ct) is { } answered)
        {
            await AddProviderAnswer(db, answered, mail, record, now, ct);
            return InboundMailState.Reply;
        }

        var sender = await Senders.Find(db, from, ct);
        if (sender is { ContactId: null })
        {
            sender = sender with { Name = Clip(mail.FromName ?? from, MailLimits.Name) };
        }

        // A ticket number in the subject is guessable: by it alone, only the ticket's own people reply into it.
        if (ticket is not null && !byReference && sender is not null && sender.ContactId != ticket.RequesterContactId
            && !await db.MailConversations.AnyAsync(c => c.TicketId == ticket.Id && c.Address == from, ct))
        {
            ticket = null;
        }

        if (ticket is not null && sender is not null && ticket.CustomerId == sender.CustomerId && ticket.Status != TicketStatus.Closed)
        {
            await AddReply(db, ticket, mail, sender, record, now, ct);
            return InboundMailState.Reply;
        }

        if (sender is null)
        {
            var reason = ticket is null
                ? $"No customer of this desk is known by {from}."
                : $"{from} answers {TicketNumber.Format(ticket.Number)}, but is not known as one of its customer's people.";
            return await Keep(db, record, InboundMailState.Triage, reason, raw, limits, ct);
        }

        // A sender whose mail keeps opening tickets is most likely an auto-responder without the headers that
        // say so, answering PartnerDesk's acknowledgements: hold its mail for an agent instead of looping.
        var since = now - TimeSpan.FromHours(1);
        if (await db.MailConversations.CountAsync(c => c.Address == from && db.Set<Ticket>().Any(t => t.Id == c.TicketId && t.CreatedAt > since), ct) >= LoopLimit)
        {
            return await Keep(db, record, InboundMailState.Triage, $"{from} opened {LoopLimit} tickets within an hour: held so that no mail loop can run.", raw, limits, ct);
        }

        var followUp = ticket is { Status: TicketStatus.Closed } && ticket.CustomerId == sender.CustomerId ? ticket : null;
        await OpenTicket(db, mailbox, mail, sender, record, followUp, now, ct);
        return InboundMailState.Ticket;
    }

    /// <summary>Makes a ticket of a triage item for the customer an agent picked. The sender becomes the ticket's requester when known.</summary>
    public static async Task<Ticket> OpenFromTriage(PartnerDeskDb db, InboundMail record, ReadMail mail, Guid customerId, DateTimeOffset now, CancellationToken ct)
    {
        var mailbox = await db.Mailboxes.FirstAsync(m => m.Id == record.MailboxId, ct);
        var contact = await Senders.ContactOf(db, customerId, mail.FromAddress!, ct);
        var sender = new Sender(customerId, contact?.Id, Clip(contact?.DisplayName ?? mail.FromName ?? mail.FromAddress!, MailLimits.Name), mail.FromAddress!);
        return await OpenTicket(db, mailbox, mail, sender, record, null, now, ct);
    }

    private static async Task<InboundMailState> Keep(
        PartnerDeskDb db, InboundMail record, InboundMailState state, string reason, byte[]? raw, MailOptions limits, CancellationToken ct)
    {
        if (raw is not null && await Unfiltered.HeldBytes(db, record.OrganisationId, ct) + raw.Length > limits.HeldBytesQuota)
        {
            // The organisation's triage and quarantine are full: the record and its headers, not the body. The
            // message stays in the mailbox (PartnerDesk never deletes there), so nothing is lost for good.
            raw = HeadersOf(raw);
            reason += $" Triage and quarantine hold {limits.HeldBytesQuota / 1024 / 1024} MB of this organisation's mail already: only the headers are kept; the message is still in the mailbox.";
        }

        record.State = state;
        record.Reason = reason.Length > MailLimits.Reason ? reason[..MailLimits.Reason] : reason;
        record.Raw = raw;
        await db.SaveChangesAsync(ct);
        return state;
    }

    /// <summary>Why a message is over the sender's or the organisation's hourly rate, or null. Counts what was recorded before it.</summary>
    private static async Task<string?> OverRate(PartnerDeskDb db, Guid organisationId, string from, MailOptions limits, DateTimeOffset now, CancellationToken ct)
    {
        // Each count stops at its limit, so a flood does not make every further message count the whole flood again.
        var recent = Unfiltered.RecordedSince(db, organisationId, now - TimeSpan.FromHours(1));
        if (await recent.Where(m => m.FromAddress == from).Take(limits.SenderHourlyLimit).CountAsync(ct) >= limits.SenderHourlyLimit)
        {
            return $"{from} sent more than {limits.SenderHourlyLimit} mails within an hour: quarantined, so that no mail loop or flood runs (no ticket, no acknowledgement). Make a ticket of it if a person wrote it.";
        }

        if (await recent.Take(limits.OrganisationHourlyLimit).CountAsync(ct) >= limits.OrganisationHourlyLimit)
        {
            return $"This organisation's mailboxes received more than {limits.OrganisationHourlyLimit} mails within an hour: quarantined until the flood is over (no ticket, no acknowledgement). Make a ticket of it if it is genuine.";
        }

        return null;
    }

    /// <summary>The header block of a raw message (up to the first empty line), or its first 64 KB when it has none.</summary>
    internal static byte[] HeadersOf(byte[] raw)
    {
        var crlf = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        var lf = raw.AsSpan().IndexOf("\n\n"u8);
        var end = lf >= 0 && (crlf < 0 || lf < crlf) ? lf + 1 : crlf >= 0 ? crlf + 2 : Math.Min(raw.Length, 64 * 1024);
        return raw[..end];
    }

    /// <summary>The conversation a message answers: by its In-Reply-To and References (byReference), else by "[PD-12]" in the subject.</summary>
    private static async Task<(Ticket? Ticket, bool ByReference)> ThreadOf(PartnerDeskDb db, ReadMail mail, CancellationToken ct)
    {
        if (mail.Thread.Count > 0)
        {
            var keys = mail.Thread.Select(id => MailParser.Key(id, [])).ToList();
            var ticketId = await db.MailLinks.Where(l => keys.Contains(l.MessageKey) && !l.ToProvider).OrderByDescending(l => l.At).Select(l => (Guid?)l.TicketId).FirstOrDefaultAsync(ct);
            if (ticketId is { } id && await db.Tickets.FirstOrDefaultAsync(t => t.Id == id, ct) is { } byReference)
            {
                return (byReference, true);
            }
        }

        return (mail.TicketNumber is { } number ? await db.Tickets.FirstOrDefaultAsync(t => t.Number == number, ct) : null, false);
    }

    /// <summary>
    /// The ticket an indirect provider answers: only from the provider's address, and only by reference to a mail
    /// PartnerDesk sent the provider about that ticket (a From line is easily forged; a Message-ID it was sent is not).
    /// </summary>
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQL lower()
    private static async Task<Ticket?> ProviderAnswers(PartnerDeskDb db, ReadMail mail, string from, CancellationToken ct)
    {
        if (mail.Thread.Count == 0 || !await db.Organisations.AnyAsync(o => o.IndirectProviderEmail != null && o.IndirectProviderEmail.ToLower() == from, ct))
        {
            return null;
        }

        var keys = mail.Thread.Select(id => MailParser.Key(id, [])).ToList();
        var ticketId = await db.MailLinks.Where(l => keys.Contains(l.MessageKey) && l.ToProvider).Select(l => (Guid?)l.TicketId).FirstOrDefaultAsync(ct);
        return ticketId is { } id ? await db.Tickets.FirstOrDefaultAsync(t => t.Id == id, ct) : null;
    }
#pragma warning restore CA1304, CA1311, CA1862

    internal static string Clip(string text, int length) => text.Length > length ? text[..length] : text;

    private static async Task AddReply(PartnerDeskDb db, Ticket ticket, ReadMail mail, Sender sender, InboundMail record, DateTimeOffset now, CancellationToken ct)
    {
        var message = TicketMessages.Add(
            db, ticket, new MessageAuthor(sender.ContactId ?? Guid.Empty, sender.Name, false),
            WithNotes(mail.Body.Length == 0 ? "(The mail had no text.)" : mail.Body, mail.Notes), MessageVisibility.Public, null, "by e-mail", now);
        Attach(db, ticket, message.Id, mail, now);
        Link(db, ticket, mail, now);
        (record.State, record.TicketId) = (InboundMailState.Reply, ticket.Id);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The answer of an indirect provider outside the installation to an escalation it got by mail: an internal
    /// note on the reseller's ticket (the customer hears from the reseller, never the provider).
    /// </summary>
    private static async Task AddProviderAnswer(PartnerDeskDb db, Ticket ticket, ReadMail mail, InboundMail record, DateTimeOffset now, CancellationToken ct)
    {
        var note = TicketMessages.SystemNote(ticket.OrganisationId, ticket.CustomerId, ticket.Id, Clip($"Indirect provider ({mail.FromAddress})", MailLimits.Name),
            WithNotes(mail.Body.Length == 0 ? "(The mail had no text.)" : mail.Body, mail.Notes), now);
        db.TicketMessages.Add(note);
        db.TicketEvents.Add(TicketHistory.Event(ticket.OrganisationId, ticket.CustomerId, ticket.Id, Guid.Empty, "Indirect provider", "ProviderAnswer", null, "by e-mail", now));
        ticket.AttentionNeeded = true; // the provider answered: an agent of the reseller should look
        ticket.UpdatedAt = now;
        Attach(db, ticket, note.Id, mail, now);
        Link(db, ticket, mail, now, toProvider: true);
        (record.State, record.TicketId) = (InboundMailState.Reply, ticket.Id);
        await db.SaveChangesAsync(ct);
    }

    private static async Task<Ticket> OpenTicket(
        PartnerDeskDb db, Mailbox mailbox, ReadMail mail, Sender sender, InboundMail record, Ticket? followUp, DateTimeOffset now, CancellationToken ct)
    {
        var title = MailParser.Title(mail.Subject);
        var description = mail.Body.Length == 0 ? "(The mail had no text.)" : mail.Body;
        if (followUp is not null)
        {
            description = $"Follows up {TicketNumber.Format(followUp.Number)}, which is closed.\n\n{description}";
        }

        var draft = new TicketDraft(mailbox.OrganisationId, sender.CustomerId, title.Length > 0 ? title : FirstLine(mail.Body), WithNotes(description, mail.Notes), TicketKind.Incident, Severity.B, Channel.Email)
        {
            RequesterContactId = sender.ContactId,
        };
        var (ticket, created) = Tickets.OpenTicket.Build(draft, sender.ContactId ?? Guid.Empty, sender.Name, $"{Channel.Email} ({sender.Address})", now);
        List<object> alongside =
        [
            created,
            new MailConversation { TicketId = ticket.Id, OrganisationId = ticket.OrganisationId, MailboxId = mailbox.Id, Address = sender.Address, Name = sender.ContactId is null ? sender.Name : null },
        ];
        (record.State, record.TicketId, record.Raw, record.Reason) = (InboundMailState.Ticket, ticket.Id, null, null);
        Attach(db, ticket, null, mail, now);
        Link(db, ticket, mail, now);
        await TicketNumbers.SaveNew(db, ticket, alongside, ct);
        return ticket;
    }

    private static string FirstLine(string body)
    {
        var line = body.Split('\n', 2)[0].Trim();
        line = line.Length > 80 ? line[..80] : line;
        return line.Length > 0 ? line : "(no subject)";
    }

    private static string WithNotes(string body, IReadOnlyList<string> notes)
    {
        var text = notes.Count == 0 ? body : $"{body}\n\n[{string.Join(" ", notes)}]";
        return text.Length > TicketLimits.Body ? text[..TicketLimits.Body] : text;
    }

    private static void Attach(PartnerDeskDb db, Ticket ticket, Guid? messageId, ReadMail mail, DateTimeOffset now)
    {
        foreach (var file in mail.Attachments)
        {
            db.TicketAttachments.Add(new TicketAttachment
            {
                OrganisationId = ticket.OrganisationId,
                CustomerId = ticket.CustomerId,
                TicketId = ticket.Id,
                MessageId = messageId,
                FileName = file.FileName,
                ContentType = file.ContentType,
                Size = file.Content.Length,
                Content = file.Content,
                CreatedAt = now,
            });
        }
    }

    private static void Link(PartnerDeskDb db, Ticket ticket, ReadMail mail, DateTimeOffset now, bool toProvider = false)
    {
        if (mail.MessageId is { } id)
        {
            db.MailLinks.Add(new MailLink { OrganisationId = ticket.OrganisationId, TicketId = ticket.Id, MessageKey = mail.MessageKey, MessageId = id, At = now, ToProvider = toProvider });
        }
    }
}

/// <summary>Who wrote: a contact of a customer, or an unknown person at a customer's domain.</summary>
public sealed record Sender(Guid CustomerId, Guid? ContactId, string Name, string Address);

// Addresses compare case-insensitively; EF translates ToLower() to SQL lower(), where culture plays no part.
#pragma warning disable CA1304, CA1311, CA1862
public static class Senders
{
    /// <summary>The customer a sender belongs to: a contact with this address, else the one customer whose domain it is.</summary>
    public static async Task<Sender?> Find(PartnerDeskDb db, string address, CancellationToken ct)
    {
        var contact = await db.Contacts.Where(c => c.Email.ToLower() == address).Select(c => new { c.Id, c.CustomerId, c.DisplayName }).FirstOrDefaultAsync(ct);
        if (contact is not null)
        {
            return new Sender(contact.CustomerId, contact.Id, contact.DisplayName, address);
        }

        var domain = address[(address.LastIndexOf('@') + 1)..];
        var customers = await db.Customers.Where(c => c.DefaultDomain.ToLower() == domain).Select(c => c.Id).Take(2).ToListAsync(ct);
        if (customers.Count == 0)
        {
            var at = "@" + domain;
            customers = await db.Contacts.Where(c => c.Email.ToLower().EndsWith(at)).Select(c => c.CustomerId).Distinct().Take(2).ToListAsync(ct);
        }

        return customers.Count == 1 ? new Sender(customers[0], null, MailIntake.Clip(address, MailLimits.Name), address) : null;
    }

    public static async Task<(Guid Id, string DisplayName)?> ContactOf(PartnerDeskDb db, Guid customerId, string address, CancellationToken ct) =>
        await db.Contacts.Where(c => c.CustomerId == customerId && c.Email.ToLower() == address).Select(c => new { c.Id, c.DisplayName }).FirstOrDefaultAsync(ct) is { } c
            ? (c.Id, c.DisplayName) : null;
}
#pragma warning restore CA1304, CA1311, CA1862
