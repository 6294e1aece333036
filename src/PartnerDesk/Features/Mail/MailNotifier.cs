using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Mail;

/// <summary>What a mail in the outbox is about; the handler renders it as things stand when it is sent.</summary>
public sealed record MailNotice(
    Letter Letter, Guid? TicketId = null, Guid? MessageId = null, string? Status = null, Guid? NotificationId = null, Guid? EscalationId = null, Guid? ContactId = null);

/// <summary>
/// Writes the customer's mail into the outbox in the same save as its cause, whoever saves: a new ticket,
/// an agent's (or the support provider's) public reply, a status the customer must hear of, an incident
/// notice, an escalation handed on or finished. Organisations without a mailbox get no mail.
/// </summary>
public sealed class MailNotifier(OutboundMailboxes mailboxes, TimeProvider clock) : ISaveStep
{
    /// <summary>Only adds to the save.</summary>
    public bool ChangesTracked => false;

    public ValueTask Saving(PartnerDeskDb db, CancellationToken ct) => new(Notice(db, ct));

    public const string Kind = "Email.Send";

    // Waiting on the customer is said in the reply that asks; a bare status change would be a second, empty mail.
    private static readonly TicketStatus[] Told = [TicketStatus.Resolved, TicketStatus.Closed];

    private async Task Notice(PartnerDeskDb db, CancellationToken ct)
    {
        List<(Guid OrganisationId, MailNotice Notice)>? notices = null;
        HashSet<Guid>? replied = null;
        List<Ticket>? statusChanged = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case Ticket { Channel: not (Channel.Reseller or Channel.Partner) } t when entry.State == EntityState.Added
                                                                                         && (t.RequesterContactId is not null || t.Channel == Channel.Email):
                    (notices ??= []).Add((t.OrganisationId, new MailNotice(Letter.Received, t.Id)));
                    break;
                case Ticket t when entry.State == EntityState.Modified && entry.Property(nameof(Ticket.Status)).IsModified
                                                                       && Told.Contains(t.Status) && !Equals(entry.Property(nameof(Ticket.Status)).OriginalValue, t.Status):
                    (statusChanged ??= []).Add(t);
                    break;
                case TicketMessage { Visibility: MessageVisibility.Public, AuthorIsAgent: true } m when entry.State == EntityState.Added:
                    (notices ??= []).Add((m.OrganisationId, new MailNotice(Letter.Reply, m.TicketId, m.Id)));
                    (replied ??= []).Add(m.TicketId);
                    break;
                case Notification { Kind: "IncidentUpdate" or "IncidentResolved" } n when entry.State == EntityState.Added:
                    (notices ??= []).Add((n.OrganisationId, new MailNotice(Letter.Incident, n.TicketId, NotificationId: n.Id, ContactId: n.ContactId)));
                    break;
                case Escalation e when entry.State == EntityState.Modified
                                       && ((entry.Property(nameof(Escalation.SentAt)).IsModified && entry.Property(nameof(Escalation.SentAt)).OriginalValue is null && e.SentAt is not null)
                                           || (entry.Property(nameof(Escalation.State)).IsModified && e.State == EscalationState.Closed
                                               && !Equals(entry.Property(nameof(Escalation.State)).OriginalValue, EscalationState.Closed))):
                    (notices ??= []).Add((e.OrganisationId, new MailNotice(Letter.Escalation, e.TicketId, EscalationId: e.Id, Status: e.State.ToString())));
                    break;
            }
        }

        // A reply that also moves the status (waiting on the customer) is one mail, not two.
        foreach (var t in statusChanged ?? [])
        {
            if (replied?.Contains(t.Id) != true)
            {
                (notices ??= []).Add((t.OrganisationId, new MailNotice(Letter.Status, t.Id, Status: t.Status.ToString())));
            }
        }

        if (notices is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var (organisationId, notice) in notices)
        {
            if (await mailboxes.Has(db, organisationId, ct))
            {
                db.OutboxMessages.Add(Outgoing(organisationId, notice, now));
            }
        }
    }

    public static OutboxMessage Outgoing(Guid organisationId, MailNotice notice, DateTimeOffset now) =>
        OutboxMessage.New(organisationId, Kind, notice, notice.TicketId ?? notice.ContactId, now);
}

/// <summary>
/// Which organisations can send mail (have an enabled mailbox): asked on saves that would write mail, so cached for a
/// minute; a change is forgotten at once here and, through Redis, on the other instances.
/// </summary>
public sealed class OutboundMailboxes(TimeProvider clock, Platform.ScaleOut.InstanceBus bus)
{
    public const string Topic = "outbound-mailboxes";

    private readonly ConcurrentDictionary<Guid, (bool Has, DateTimeOffset At)> known = new();

    public async ValueTask<bool> Has(PartnerDeskDb db, Guid organisationId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (known.TryGetValue(organisationId, out var entry) && now - entry.At < TimeSpan.FromMinutes(1))
        {
            return entry.Has;
        }

        var has = await Unfiltered.HasEnabledMailbox(db, organisationId, ct);
        known[organisationId] = (has, now);
        return has;
    }

    public void Forget(Guid organisationId)
    {
        known.TryRemove(organisationId, out _);
        bus.Publish(Topic, organisationId.ToString("N"));
    }

    /// <summary>Another instance's change ("*": perhaps several).</summary>
    public void ForgetHere(string what)
    {
        if (Guid.TryParse(what, out var organisationId))
        {
            known.TryRemove(organisationId, out _);
        }
        else
        {
            known.Clear();
        }
    }
}
