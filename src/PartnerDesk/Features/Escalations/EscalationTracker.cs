using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Features.Tickets;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Jobs;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Escalations;

public sealed class EscalationOptions
{
    public const string Section = "PartnerDesk:Escalations";

    public bool Enabled { get; set; } = true;
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Distinct customers reporting one service that make PartnerDesk suggest an escalation.</summary>
    public int SuggestAfterCustomers { get; set; } = 3;

    /// <summary>The window those reports must fall in.</summary>
    public TimeSpan SuggestWindow { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// Follows filed service requests: reads each one when due, brings Microsoft's new notes to the ticket as
/// internal notes, moves the escalation with Partner Center's status (attention_needed lifts the ticket to
/// the top of the queue), and marks a missed first response. Runs on the instance holding its lease.
/// </summary>
public sealed class EscalationTracker(
    IServiceScopeFactory scopes, PartnerCenterClient partnerCenter, IOptions<EscalationOptions> options, TimeProvider clock, ILogger<EscalationTracker> log)
    : PeriodicJob(clock, log)
{
    public const string LeaseName = "escalation-tracker";

    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Tick => options.Value.Tick;

    /// <summary>One round: every organisation's due service requests. Returns how many were read.</summary>
    public override async Task<int> RunOnce(CancellationToken ct)
    {
        if (await JobLeases.TakeForOrganisations(scopes, LeaseName, options.Value.Tick * 4, Clock, ct) is not { } organisations)
        {
            return 0;
        }

        var read = 0;
        foreach (var organisation in organisations)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisation);
            var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
            var now = Clock.GetUtcNow();
            var due = await db.Escalations
                .Where(e => e.ServiceRequestId != null && e.State != EscalationState.Closed && e.State != EscalationState.NeedsAgent && e.NextPollAt <= now)
                .OrderBy(e => e.NextPollAt).Select(e => e.Id).Take(100).ToListAsync(ct);
            foreach (var id in due)
            {
                try
                {
                    await Follow(db, id, ct);
                    read++;
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    Log.LogWarning(e, "Following escalation {Escalation} failed.", id);
                    db.ChangeTracker.Clear();
                }
            }
        }

        return read;
    }

    /// <summary>Reads one service request and records what changed.</summary>
    public async Task Follow(PartnerDeskDb db, Guid escalationId, CancellationToken ct)
    {
        var escalation = await db.Escalations.Include(e => e.Ticket).FirstAsync(e => e.Id == escalationId, ct);
        var now = Clock.GetUtcNow();
        PartnerCenterServiceRequest request;
        try
        {
            request = await partnerCenter.Get(escalation.OrganisationId, escalation.ServiceRequestId!, ct);
        }
        catch (PartnerCenterException e)
        {
            escalation.Problem = $"Reading the service request failed: {e.Reason}";
            escalation.NextPollAt = now + (e.RetryAfter ?? ServiceRequestRules.PollEvery);
            await db.SaveChangesAsync(ct);
            return;
        }

        escalation.Problem = null;
        var notes = request.Notes ?? [];
        var sent = await db.EscalationEvents.Where(x => x.EscalationId == escalation.Id && x.What == "NoteSent").Select(x => x.Detail).ToListAsync(ct);
        foreach (var note in notes.Skip(escalation.NotesSeen))
        {
            if (note.Text is not { Length: > 0 } text || sent.Contains(text))
            {
                continue;
            }

            escalation.FirstResponseAt ??= note.CreatedDate ?? now;
            db.TicketMessages.Add(ServiceRequestRules.Note(escalation, $"{note.CreatedByName ?? ServiceRequestRules.MicrosoftAuthor} on service request {escalation.ServiceRequestId}:\n\n{text}", note.CreatedDate ?? now));
            db.EscalationEvents.Add(EscalationHistory.Line(escalation, note.CreatedByName ?? ServiceRequestRules.MicrosoftAuthor, "MicrosoftNote", text, note.CreatedDate ?? now));
        }

        escalation.NotesSeen = Math.Max(escalation.NotesSeen, notes.Count);
        if (request.Status is { } status && status != escalation.ServiceRequestStatus)
        {
            var known = status is "none" or "open" or "closed" or "attention_needed";
            db.EscalationEvents.Add(EscalationHistory.Line(escalation, "Partner Center", "Status",
                known ? $"{escalation.ServiceRequestStatus} → {status}" : $"{escalation.ServiceRequestStatus} → {status} (a status this version does not know; kept as it was)", now));
            escalation.ServiceRequestStatus = status;
            var state = ServiceRequestRules.StateOf(status, escalation.State);
            if (state != escalation.State)
            {
                escalation.State = state;
                var ticket = escalation.Ticket!;
                if (state == EscalationState.AttentionNeeded)
                {
                    ticket.AttentionNeeded = true;
                    db.TicketMessages.Add(ServiceRequestRules.Note(escalation, $"Microsoft is waiting for us on service request {escalation.ServiceRequestId}.", now));
                }
                else
                {
                    await ServiceRequestRules.ClearAttention(db, escalation, ct);
                }

                if (state == EscalationState.Closed)
                {
                    escalation.ClosedAt = now;
                    db.TicketMessages.Add(ServiceRequestRules.Note(escalation, $"Microsoft closed service request {escalation.ServiceRequestId}. The ticket is back with us.", now));
                    if (ticket.Status == TicketStatus.Escalated)
                    {
                        db.TicketEvents.Add(TicketHistory.Event(ticket, db.Caller, "Status", ticket.Status.ToString(), nameof(TicketStatus.Open), now));
                        ticket.Status = TicketStatus.Open;
                    }
                }

                ticket.UpdatedAt = now;
            }
        }

        if (ServiceRequestRules.FirstResponseLate(escalation, now) && !escalation.FirstResponseMissed)
        {
            escalation.FirstResponseMissed = true;
            db.EscalationEvents.Add(EscalationHistory.Line(escalation, "PartnerDesk", "FirstResponseMissed", $"due {escalation.FirstResponseDueAt:u}", now));
            db.TicketMessages.Add(ServiceRequestRules.Note(escalation, $"Microsoft missed its first-response target ({escalation.Severity}: due {escalation.FirstResponseDueAt:u}) on service request {escalation.ServiceRequestId}. Consider calling Partner Center support.", now));
            escalation.Ticket!.AttentionNeeded = true;
        }

        escalation.NextPollAt = now + ServiceRequestRules.PollEvery;
        await db.SaveChangesAsync(ct);
    }
}
