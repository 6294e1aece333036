using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Features.Tickets;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;

namespace PartnerDesk.Features.Escalations;

/// <summary>How a failed call to Partner Center ends: refused for good (a 4xx other than 401) or worth another try.</summary>
internal static class PartnerCenterFailure
{
    public static bool IsRefusal(Exception e) => e is PartnerCenterException { Retryable: false } p && p.Status != System.Net.HttpStatusCode.Unauthorized;

    public static bool IsTransient(Exception e) =>
        e is PartnerCenterException or HttpRequestException or TaskCanceledException or TenantConsentException or InvalidOperationException
        && !Platform.Data.DbFailures.InChain(e); // PartnerDesk's own database failing on the way (its token): not Partner Center's

    public static string Reason(Exception e) => e is PartnerCenterException p ? p.Reason : e.Message;

    public static OutboxOutcome Retry(Exception e) => OutboxOutcome.Retry(e.Message, (e as PartnerCenterException)?.RetryAfter);
}

/// <summary>
/// Files an escalation with Microsoft as a Partner Center service request. The outbox message's id is the
/// request's MS-RequestId, so a repeat after a crash gets the same service request back, not a second one.
/// </summary>
public sealed class CreateServiceRequestHandler(PartnerCenterClient partnerCenter, IOptions<MicrosoftOptions> options, TimeProvider clock) : IOutboxHandler
{
    public string Kind => EscalateTicket.CreateServiceRequest;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<EscalationPayload>(message.Payload)!;
        var escalation = await db.Escalations.Include(e => e.Ticket).FirstOrDefaultAsync(e => e.Id == payload.EscalationId, ct);
        if (escalation is null)
        {
            return OutboxOutcome.Refused("The escalation no longer exists.");
        }

        if (escalation.ServiceRequestId is not null)
        {
            return OutboxOutcome.Sent;
        }

        var now = clock.GetUtcNow();
        PartnerCenterServiceRequest created;
        try
        {
            created = await partnerCenter.Create(message.OrganisationId, message.Id, options.Value.AgentLocale, new
            {
                title = escalation.Title,
                description = escalation.Description,
                severity = escalation.Severity,
                supportTopicId = escalation.SupportTopicId,
            }, ct);
        }
        catch (Exception e) when (PartnerCenterFailure.IsRefusal(e))
        {
            escalation.State = EscalationState.NeedsAgent;
            escalation.Problem = $"Microsoft refused the service request: {PartnerCenterFailure.Reason(e)}";
            db.EscalationEvents.Add(EscalationHistory.Line(escalation, "Partner Center", "Refused", PartnerCenterFailure.Reason(e), now));
            return OutboxOutcome.Refused(e.Message);
        }
        catch (Exception e) when (PartnerCenterFailure.IsTransient(e))
        {
            escalation.Problem = $"Not yet with Microsoft, retrying: {e.Message}";
            return PartnerCenterFailure.Retry(e);
        }

        if (created.Id is not { Length: > 0 } id)
        {
            return OutboxOutcome.Retry("Partner Center answered without a service request id.");
        }

        escalation.ServiceRequestId = id;
        escalation.ServiceRequestStatus = created.Status ?? "open";
        escalation.State = ServiceRequestRules.StateOf(escalation.ServiceRequestStatus, escalation.State);
        escalation.SupportTopicName ??= created.SupportTopicName;
        escalation.SentAt = now;
        escalation.Problem = null;
        escalation.FirstResponseDueAt = (created.CreatedDate ?? now) + EscalateTicket.FirstResponseTarget(escalation.Severity);
        escalation.NotesSeen = created.Notes?.Count ?? 0;
        escalation.NextPollAt = now + ServiceRequestRules.PollEvery;
        db.EscalationEvents.Add(EscalationHistory.Line(escalation, "Partner Center", "Sent", $"Service request {id}, {escalation.ServiceRequestStatus}", now));
        db.TicketMessages.Add(ServiceRequestRules.Note(escalation, $"Microsoft has the escalation as service request {id} ({escalation.Severity}); first response due {escalation.FirstResponseDueAt:u}.", now));
        return OutboxOutcome.Sent;
    }
}

/// <summary>A note from the partner to Microsoft on the service request (PATCH with NewNote).</summary>
public sealed class AddServiceRequestNoteHandler(PartnerCenterClient partnerCenter, TimeProvider clock) : IOutboxHandler
{
    public const string KindName = "PartnerCenter.AddNote";

    public string Kind => KindName;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<EscalationPayload>(message.Payload)!;
        var escalation = await db.Escalations.FirstOrDefaultAsync(e => e.Id == payload.EscalationId, ct);
        if (escalation is null)
        {
            return OutboxOutcome.Refused("The escalation no longer exists.");
        }

        if (escalation.ServiceRequestId is null)
        {
            return OutboxOutcome.Retry("The service request is not filed yet.", TimeSpan.FromSeconds(10));
        }

        try
        {
            var updated = await partnerCenter.AddNote(message.OrganisationId, message.Id, escalation.ServiceRequestId, payload.Text ?? "", ct);
            // Our own note is not news from Microsoft.
            escalation.NotesSeen = Math.Max(escalation.NotesSeen, updated.Notes?.Count ?? escalation.NotesSeen);
        }
        catch (Exception e) when (PartnerCenterFailure.IsRefusal(e))
        {
            escalation.Problem = $"Microsoft refused the note: {PartnerCenterFailure.Reason(e)}";
            db.EscalationEvents.Add(EscalationHistory.Line(escalation, "Partner Center", "Refused", PartnerCenterFailure.Reason(e), clock.GetUtcNow()));
            return OutboxOutcome.Refused(e.Message);
        }
        catch (Exception e) when (PartnerCenterFailure.IsTransient(e))
        {
            return PartnerCenterFailure.Retry(e);
        }

        if (escalation.State == EscalationState.AttentionNeeded)
        {
            // Answering is what Microsoft waited for; its next status comes with the next poll.
            escalation.State = EscalationState.Open;
            await ServiceRequestRules.ClearAttention(db, escalation, ct);
        }

        db.EscalationEvents.Add(EscalationHistory.Line(escalation, "Partner Center", "NoteSent", payload.Text, clock.GetUtcNow()));
        return OutboxOutcome.Sent;
    }
}

/// <summary>The partner closes its service request (PATCH with Status closed): the problem is solved or withdrawn.</summary>
public sealed class CloseServiceRequestHandler(PartnerCenterClient partnerCenter, TimeProvider clock) : IOutboxHandler
{
    public const string KindName = "PartnerCenter.Close";

    public string Kind => KindName;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<EscalationPayload>(message.Payload)!;
        var escalation = await db.Escalations.Include(e => e.Ticket).FirstOrDefaultAsync(e => e.Id == payload.EscalationId, ct);
        if (escalation?.ServiceRequestId is not { } id)
        {
            return OutboxOutcome.Refused("The escalation has no service request to close.");
        }

        try
        {
            var closed = await partnerCenter.Close(message.OrganisationId, message.Id, id, ct);
            escalation.ServiceRequestStatus = closed.Status ?? "closed";
        }
        catch (Exception e) when (PartnerCenterFailure.IsRefusal(e))
        {
            escalation.Problem = $"Microsoft refused to close it: {PartnerCenterFailure.Reason(e)}";
            return OutboxOutcome.Refused(e.Message);
        }
        catch (Exception e) when (PartnerCenterFailure.IsTransient(e))
        {
            return PartnerCenterFailure.Retry(e);
        }

        var now = clock.GetUtcNow();
        escalation.State = EscalationState.Closed;
        escalation.ClosedAt = now;
        await ServiceRequestRules.ClearAttention(db, escalation, ct);
        db.EscalationEvents.Add(EscalationHistory.Line(escalation, "Partner Center", "Closed", $"Service request {id} closed by the partner", now));
        return OutboxOutcome.Sent;
    }
}
