using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Sla;

/// <summary>
/// Keeps every ticket's SLA in step with what happens to it, whoever changes it (an agent, a contact, a
/// job, an escalation): on each save it takes the responses from new public messages, works out the due
/// times again for tickets whose status, severity or responses changed, and records what fell due.
/// </summary>
public sealed class SlaKeeper(SlaPolicies policies, TimeProvider clock) : ISaveStep
{
    public ValueTask Saving(PartnerDeskDb db, CancellationToken ct) => new(Keep(db, ct));

    private static readonly string[] Triggers =
        [nameof(Ticket.Status), nameof(Ticket.Severity), nameof(Ticket.FirstRespondedAt), nameof(Ticket.CustomerWaitingSince), nameof(Ticket.PlanId)];

    public const string Actor = "PartnerDesk SLA";

    private async Task Keep(PartnerDeskDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var tickets = new Dictionary<Guid, Ticket>();
        var added = new HashSet<Guid>();
        List<TicketMessage>? messages = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case Ticket t when entry.State == EntityState.Added:
                    tickets[t.Id] = t;
                    added.Add(t.Id);
                    break;
                case Ticket t when entry.State == EntityState.Modified:
                    t.Revision++; // every saved change, so that a save from a stale copy fails instead of winning
                    if (Triggers.Any(p => entry.Property(p).IsModified))
                    {
                        tickets[t.Id] = t;
                    }

                    break;
                case TicketMessage { Visibility: MessageVisibility.Public } m when entry.State == EntityState.Added:
                    (messages ??= []).Add(m);
                    break;
            }
        }

        // What fell due before this change counts, even when the change meets the target a moment late:
        // noticed on the marks as they were, before a response clears them.
        var noticed = new HashSet<Guid>();
        void NoticeBefore(Ticket ticket)
        {
            if (!added.Contains(ticket.Id) && noticed.Add(ticket.Id))
            {
                Record(db, ticket, TicketSla.Notice(Marks(ticket) with { Warned = SlaTargets.FirstResponse | SlaTargets.NextResponse | SlaTargets.Resolution }, now), now);
            }
        }

        foreach (var ticket in tickets.Values)
        {
            NoticeBefore(ticket);
        }

        var trackedTickets = messages is null ? null : db.ChangeTracker.Entries<Ticket>().Select(e => e.Entity).DistinctBy(t => t.Id).ToDictionary(t => t.Id);
        foreach (var message in messages ?? [])
        {
            var tracked = tickets.GetValueOrDefault(message.TicketId) ?? trackedTickets!.GetValueOrDefault(message.TicketId);
            var ticket = tracked ?? await db.Tickets.FirstOrDefaultAsync(t => t.Id == message.TicketId, ct);
            if (ticket is null)
            {
                continue;
            }

            NoticeBefore(ticket);
            if (Respond(ticket, message))
            {
                if (tracked is null || db.Entry(ticket).State == EntityState.Unchanged)
                {
                    ticket.Revision++; // not counted above: it had no change of its own
                }

                tickets[ticket.Id] = ticket;
            }
        }

        if (tickets.Count == 0)
        {
            return;
        }

        // Status changes this save adds, by ticket: looked up once, not scanned per ticket (bulk saves hold thousands).
        var addedChanges = db.ChangeTracker.Entries<TicketEvent>()
            .Where(e => e.State == EntityState.Added && e.Entity.Change == "Status" && Enum.TryParse<TicketStatus>(e.Entity.NewValue, out _))
            .ToLookup(e => e.Entity.TicketId, e => new StatusChange(e.Entity.At, Enum.Parse<TicketStatus>(e.Entity.NewValue!)));
        var histories = await Histories(db, tickets.Values.Where(t => !added.Contains(t.Id) && t.PlanId is not null && t.Status is not (TicketStatus.Resolved or TicketStatus.Closed)), ct);
        foreach (var ticket in tickets.Values)
        {
            if (added.Contains(ticket.Id) && ticket.PlanId is null)
            {
                ticket.PlanId = await policies.PlanOf(db, ticket.OrganisationId, ticket.CustomerId, ticket.CreatedAt, ct);
            }

            var policy = ticket.PlanId is { } planId ? await policies.Get(db, planId, ct) : null;
            if (policy is null)
            {
                Set(ticket, SlaDue.None, SlaDue.None, SlaDue.None);
                Record(db, ticket, TicketSla.Notice(Marks(ticket), now), now);
                continue;
            }

            var history = histories.GetValueOrDefault(ticket.Id) ?? [];
            history.AddRange(addedChanges[ticket.Id]);
            if (history.Count == 0 || history.MaxBy(h => h.At)!.Status != ticket.Status)
            {
                history.Add(new StatusChange(history.Count == 0 ? ticket.CreatedAt : now, ticket.Status));
            }

            var (first, next, resolution, paused) = TicketSla.DueTimes(policy, new SlaFacts(ticket.CreatedAt, ticket.Severity, history, ticket.FirstRespondedAt, ticket.CustomerWaitingSince));
            Set(ticket, first, next, resolution);
            Record(db, ticket, TicketSla.Notice(Marks(ticket) with { Paused = paused }, now), now);
        }
    }

    /// <summary>A public agent reply answers the customer; a customer's reply after the first response starts the next-response clock.</summary>
    private static bool Respond(Ticket ticket, TicketMessage message)
    {
        if (message.AuthorIsAgent)
        {
            var changed = ticket.FirstRespondedAt is null || ticket.CustomerWaitingSince is not null;
            ticket.FirstRespondedAt ??= message.CreatedAt;
            ticket.CustomerWaitingSince = null;
            ticket.SlaWarned &= ~SlaTargets.NextResponse;
            ticket.SlaBreached &= ~SlaTargets.NextResponse;
            return changed;
        }

        if (ticket.FirstRespondedAt is null || ticket.CustomerWaitingSince is not null)
        {
            return false;
        }

        ticket.CustomerWaitingSince = message.CreatedAt;
        return true;
    }

    /// <summary>Each ticket's status changes so far, from its filing as New.</summary>
    private static async Task<Dictionary<Guid, List<StatusChange>>> Histories(PartnerDeskDb db, IEnumerable<Ticket> tickets, CancellationToken ct)
    {
        var created = tickets.ToDictionary(t => t.Id, t => t.CreatedAt);
        if (created.Count == 0)
        {
            return [];
        }

        var histories = await Unfiltered.StatusHistories(db, created.Keys, ct);
        foreach (var (id, history) in histories)
        {
            history.Insert(0, new StatusChange(created[id], TicketStatus.New));
        }

        return histories;
    }

    private static void Set(Ticket t, SlaDue first, SlaDue next, SlaDue resolution)
    {
        (t.FirstResponseDueAt, t.FirstResponseWarnAt) = (first.Due, first.Warn);
        (t.NextResponseDueAt, t.NextResponseWarnAt) = (next.Due, next.Warn);
        (t.ResolutionDueAt, t.ResolutionWarnAt) = (resolution.Due, resolution.Warn);
    }

    public static SlaMarks Marks(Ticket t) => new(
        new SlaDue(t.FirstResponseDueAt, t.FirstResponseWarnAt),
        new SlaDue(t.NextResponseDueAt, t.NextResponseWarnAt),
        new SlaDue(t.ResolutionDueAt, t.ResolutionWarnAt),
        t.SlaWarned,
        t.SlaBreached,
        t.SlaState == SlaState.Paused);

    /// <summary>Writes what was noticed onto the ticket; each new warning and breach gets a history line and an alert, a breach a record.</summary>
    public static void Record(PartnerDeskDb db, Ticket ticket, SlaNotice notice, DateTimeOffset now)
    {
        var marks = Marks(ticket);
        foreach (var target in TicketSla.All)
        {
            if (notice.NewlyBreached.HasFlag(target))
            {
                var due = marks[target].Due!.Value;
                db.Add(new SlaBreach
                {
                    OrganisationId = ticket.OrganisationId,
                    CustomerId = ticket.CustomerId,
                    TicketId = ticket.Id,
                    PlanId = ticket.PlanId,
                    Target = target,
                    Severity = ticket.Severity,
                    DueAt = due,
                    NoticedAt = now,
                });
                Tell(db, ticket, "SlaBreach", target, $"{TicketNumber.Format(ticket.Number)}: {Words(target)} target missed (due {due:yyyy-MM-dd HH:mm} UTC).", now);
            }
            else if (notice.NewlyWarned.HasFlag(target))
            {
                Tell(db, ticket, "SlaWarning", target, $"{TicketNumber.Format(ticket.Number)}: {Words(target)} due {marks[target].Due:yyyy-MM-dd HH:mm} UTC (75 % of the target used).", now);
            }
        }

        ticket.SlaWarned |= notice.NewlyWarned;
        ticket.SlaBreached |= notice.NewlyBreached;
        ticket.SlaState = notice.State;
        ticket.SlaDueAt = notice.DueAt;
        ticket.SlaCheckAt = notice.CheckAt;
    }

    private static void Tell(PartnerDeskDb db, Ticket ticket, string kind, SlaTargets target, string text, DateTimeOffset now)
    {
        db.Add(TicketHistory.Event(ticket.OrganisationId, ticket.CustomerId, ticket.Id, Guid.Empty, Actor, kind, null, target.ToString(), now));
        db.Add(new AgentAlert
        {
            OrganisationId = ticket.OrganisationId,
            CustomerId = ticket.CustomerId,
            TicketId = ticket.Id,
            AgentId = ticket.AssigneeAgentId,
            Kind = kind,
            Text = text,
            CreatedAt = now,
        });
    }

    private static string Words(SlaTargets target) => target switch
    {
        SlaTargets.FirstResponse => "first response",
        SlaTargets.NextResponse => "next response",
        _ => "resolution",
    };
}
