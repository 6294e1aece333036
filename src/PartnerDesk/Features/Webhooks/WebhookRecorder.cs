using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Webhooks;

/// <summary>
/// The one place that notices what integrations hear of: a save step that reads the save's tracked changes (a
/// ticket filed or changed by anyone, a public reply, an SLA mark set by the keeper or the sweep, an escalation's
/// news, a service health issue's update) and writes one delivery and its outbox message per listening
/// subscription, in the save's own transaction: an event is never lost, and never sent for a change rolled back.
/// The body is fixed here, as the API shows the thing at this moment, so every attempt sends the same event.
/// In an installation, or an organisation, without subscriptions a save costs a cached look-up and nothing more.
/// </summary>
public sealed class WebhookRecorder(WebhookSubscribers subscribers, OutboxDispatcher outbox, TimeProvider clock) : ISaveStep
{
    /// <summary>Only adds to the save.</summary>
    public bool ChangesTracked => false;

    /// <summary>How the bodies are written: as the API writes (camelCase, enums by name).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    // What a receiver sees of each (the API's representation); bookkeeping such as SLA check times or poll times is no news.
    private static readonly string[] TicketFields =
    [
        nameof(Ticket.Title), nameof(Ticket.Description), nameof(Ticket.Kind), nameof(Ticket.Severity), nameof(Ticket.Status),
        nameof(Ticket.Service), nameof(Ticket.CustomerId), nameof(Ticket.RequesterContactId), nameof(Ticket.AssigneeAgentId),
    ];

    private static readonly string[] EscalationFields =
    [
        nameof(Escalation.Title), nameof(Escalation.Category), nameof(Escalation.Severity), nameof(Escalation.SupportTopicId),
        nameof(Escalation.ServiceRequestId), nameof(Escalation.ServiceRequestStatus), nameof(Escalation.State), nameof(Escalation.Problem),
        nameof(Escalation.SentAt), nameof(Escalation.FirstResponseDueAt), nameof(Escalation.FirstResponseAt), nameof(Escalation.FirstResponseMissed),
        nameof(Escalation.ClosedAt), nameof(Escalation.LinkedTicketNumber),
    ];

    private static readonly string[] IssueFields =
    [
        nameof(ServiceHealthIssue.Title), nameof(ServiceHealthIssue.Service), nameof(ServiceHealthIssue.Feature),
        nameof(ServiceHealthIssue.Classification), nameof(ServiceHealthIssue.Status), nameof(ServiceHealthIssue.IsResolved),
        nameof(ServiceHealthIssue.EndDateTime), nameof(ServiceHealthIssue.LastModifiedDateTime), nameof(ServiceHealthIssue.LatestPostAt),
    ];

    private readonly ConditionalWeakTable<DbContext, object> wrote = [];

    /// <summary>Something that happened in this save, before anyone is known to listen.</summary>
    private sealed record Happening(string Type, Guid OrganisationId, Guid SubjectId, object Entity, SlaTargets Targets = SlaTargets.None);

    /// <summary>Not async on purpose: when no organisation subscribes, a save pays one cached look-up and no allocation.</summary>
    public ValueTask Saving(PartnerDeskDb db, CancellationToken ct) => subscribers.NoneAnywhere ? ValueTask.CompletedTask : Record(db, ct);

    private async ValueTask Record(PartnerDeskDb db, CancellationToken ct)
    {
        if (!await subscribers.AnyAnywhere(db, ct))
        {
            return;
        }

        var (happened, tickets) = Collect(db, subscribers);
        if (happened is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var events = new List<(Happening What, Guid EventId, string Body, Subscriber[] To)>();
        var names = new Dictionary<(Guid, Guid?, Guid?), TicketNames>();
        foreach (var what in happened.OrderBy(h => Array.IndexOf(Rank, h.Type)))
        {
            var to = Array.FindAll(await subscribers.Of(db, what.OrganisationId, ct), s => s.Hears(what.Type));
            if (to.Length == 0)
            {
                continue;
            }

            var eventId = Guid.CreateVersion7();
            var data = await DataOf(db, what, tickets, names, ct);
            events.Add((what, eventId, JsonSerializer.Serialize(new WebhookEnvelope<object>(eventId, what.Type, now, data), Json), to));
        }

        if (events.Count == 0)
        {
            return;
        }

        // Ids in the order of the events: one save's messages to one receiver leave in that order (the dispatcher
        // sends a lane by time written, then id; a version-7 id of the same millisecond is otherwise random).
        var ids = new Queue<Guid>(Enumerable.Range(0, events.Sum(e => e.To.Length)).Select(_ => Guid.CreateVersion7())
            .OrderBy(g => g.ToString(), StringComparer.Ordinal));
        foreach (var (what, eventId, body, to) in events)
        {
            foreach (var subscriber in to)
            {
                var delivery = new WebhookDelivery
                {
                    OrganisationId = what.OrganisationId,
                    SubscriptionId = subscriber.Id,
                    EventId = eventId,
                    EventType = what.Type,
                    SubjectId = what.SubjectId,
                    Body = body,
                    CreatedAt = now,
                };
                var message = WebhookSender.Message(delivery, now);
                message.Id = ids.Dequeue();
                delivery.OutboxMessageId = message.Id;
                db.Add(delivery);
                db.Add(message);
            }
        }

        wrote.AddOrUpdate(db, this);
    }

    public void Saved(PartnerDeskDb db)
    {
        if (wrote.TryGetValue(db, out _))
        {
            wrote.Remove(db);
            outbox.Nudge();
        }
    }

    /// <summary>Within one save, one ticket's events go in this order.</summary>
    private static readonly string[] Rank =
    [
        WebhookEvents.TicketCreated, WebhookEvents.TicketUpdated, WebhookEvents.TicketResolved, WebhookEvents.TicketMessage,
        WebhookEvents.SlaWarning, WebhookEvents.SlaBreached, WebhookEvents.EscalationUpdated, WebhookEvents.ServiceHealthIssueUpdated,
    ];

    /// <summary>What happened in organisations not known to have no subscription; and the tickets in hand (for their numbers).</summary>
    private static (List<Happening>? Happened, Dictionary<Guid, Ticket>? Tickets) Collect(PartnerDeskDb db, WebhookSubscribers subscribers)
    {
        List<Happening>? happened = null;
        Dictionary<Guid, Ticket>? tickets = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.Entity is not Platform.Tenancy.IOrganisationOwned owned || subscribers.NoneIn(owned.OrganisationId))
            {
                continue;
            }

            switch (entry.Entity)
            {
                case Ticket t:
                    (tickets ??= [])[t.Id] = t;
                    if (entry.State == EntityState.Added)
                    {
                        (happened ??= []).Add(new Happening(WebhookEvents.TicketCreated, t.OrganisationId, t.Id, t));
                    }
                    else if (entry.State == EntityState.Modified)
                    {
                        TicketChanges(entry, t, ref happened);
                    }

                    break;
                case TicketMessage { Visibility: MessageVisibility.Public } m when entry.State == EntityState.Added:
                    (happened ??= []).Add(new Happening(WebhookEvents.TicketMessage, m.OrganisationId, m.TicketId, m));
                    break;
                case Escalation e when entry.State == EntityState.Added || (entry.State == EntityState.Modified && AnyModified(entry, EscalationFields)):
                    (happened ??= []).Add(new Happening(WebhookEvents.EscalationUpdated, e.OrganisationId, e.TicketId, e));
                    break;
                case ServiceHealthIssue i when entry.State == EntityState.Added || (entry.State == EntityState.Modified && AnyModified(entry, IssueFields)):
                    (happened ??= []).Add(new Happening(WebhookEvents.ServiceHealthIssueUpdated, i.OrganisationId, i.Id, i));
                    break;
            }
        }

        return (happened, tickets);
    }

    private static void TicketChanges(EntityEntry entry, Ticket t, ref List<Happening>? happened)
    {
        if (AnyModified(entry, TicketFields))
        {
            (happened ??= []).Add(new Happening(WebhookEvents.TicketUpdated, t.OrganisationId, t.Id, t));
            if (entry.Property(nameof(Ticket.Status)).IsModified && t.Status == TicketStatus.Resolved)
            {
                happened.Add(new Happening(WebhookEvents.TicketResolved, t.OrganisationId, t.Id, t));
            }
        }

        // Marks only ever grow while a target runs: what is set now and was not before is news.
        var warned = t.SlaWarned & ~(SlaTargets)entry.Property(nameof(Ticket.SlaWarned)).OriginalValue!;
        if (warned != SlaTargets.None)
        {
            (happened ??= []).Add(new Happening(WebhookEvents.SlaWarning, t.OrganisationId, t.Id, t, warned));
        }

        var breached = t.SlaBreached & ~(SlaTargets)entry.Property(nameof(Ticket.SlaBreached)).OriginalValue!;
        if (breached != SlaTargets.None)
        {
            (happened ??= []).Add(new Happening(WebhookEvents.SlaBreached, t.OrganisationId, t.Id, t, breached));
        }
    }

    private static bool AnyModified(EntityEntry entry, string[] fields)
    {
        foreach (var field in fields)
        {
            if (entry.Property(field).IsModified)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The API's representation of what the event is about.</summary>
    private static async Task<object> DataOf(
        PartnerDeskDb db, Happening what, Dictionary<Guid, Ticket>? tickets, Dictionary<(Guid, Guid?, Guid?), TicketNames> names, CancellationToken ct)
    {
        switch (what.Entity)
        {
            case Ticket t:
                var key = (t.CustomerId, t.RequesterContactId, t.AssigneeAgentId);
                if (!names.TryGetValue(key, out var known))
                {
                    names[key] = known = await Unfiltered.NamesOf(db, t.OrganisationId, t.CustomerId, t.RequesterContactId, t.AssigneeAgentId, ct);
                }

                var details = TicketDetails.Of(t, known.Customer, known.Requester, known.Assignee);
                return what.Targets == SlaTargets.None
                    ? details
                    : new SlaEventData([.. Enum.GetValues<SlaTargets>().Where(s => s != SlaTargets.None && what.Targets.HasFlag(s)).Select(s => s.ToString())], details);
            case TicketMessage m:
                var number = tickets?.TryGetValue(m.TicketId, out var ticket) == true ? ticket.Number : await Unfiltered.TicketNumberOf(db, m.OrganisationId, m.TicketId, ct);
                return new TicketMessageEventData(m.TicketId, TicketNumber.Format(number),
                    new TicketMessageView(m.Id, m.Body, m.Visibility, m.AuthorUserId, m.AuthorName, m.AuthorIsAgent, m.CreatedAt));
            case Escalation e:
                var ticketNumber = tickets?.TryGetValue(e.TicketId, out var escalated) == true ? escalated.Number : await Unfiltered.TicketNumberOf(db, e.OrganisationId, e.TicketId, ct);
                return EscalationView.Of(e, TicketNumber.Format(ticketNumber));
            case ServiceHealthIssue i:
                var (customers, linked) = await Unfiltered.IssueCountsOf(db, i.OrganisationId, i.Id, ct);
                customers += db.ChangeTracker.Entries<AffectedCustomer>().Count(a => a.State == EntityState.Added && a.Entity.IssueId == i.Id); // reported in this very sync
                return new IssueSummary(i.Id, i.MicrosoftId, i.Title, i.Service, i.Feature, i.Classification, i.Status, i.IsResolved, i.StartDateTime,
                    i.EndDateTime, i.LastModifiedDateTime, customers, linked);
            default:
                throw new InvalidOperationException($"No webhook data for {what.Entity.GetType().Name}.");
        }
    }
}
