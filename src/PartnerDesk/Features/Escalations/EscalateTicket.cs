using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Escalations;

public sealed record EscalateRequest(
    EscalationTarget? Target,
    EscalationCategory? Category,
    string? Title,
    string? Description,
    string? SupportTopicId,
    string? SupportTopicName,
    Severity? Severity,
    bool? ShareInternalNotes = null);

/// <summary>What the escalation form starts with: the ticket, its customer and its known issues, in the partner's words.</summary>
public sealed record EscalationDraft(
    EscalationTarget Target,
    EscalationCategory? Category,
    string Title,
    string Description,
    Severity Severity,
    string PartnerCenterSeverity,
    string? SupportTopicId);

public static class EscalateTicket
{
    public const string CreateServiceRequest = "PartnerCenter.CreateServiceRequest";

    /// <summary>Ticket severity A/B/C as Partner Center's critical/moderate/minimal.</summary>
    public static string PartnerCenterSeverity(Severity severity) => severity switch
    {
        Severity.A => "critical",
        Severity.B => "moderate",
        _ => "minimal",
    };

    /// <summary>Microsoft's first-response targets: critical 2 h, moderate 4 h, minimal 8 h.</summary>
    public static TimeSpan FirstResponseTarget(string partnerCenterSeverity) => partnerCenterSeverity switch
    {
        "critical" => TimeSpan.FromHours(2),
        "moderate" => TimeSpan.FromHours(4),
        _ => TimeSpan.FromHours(8),
    };

    /// <summary>Where an organisation hands problems on: Microsoft, or (for an indirect reseller) its provider.</summary>
    public static EscalationTarget TargetFor(OrganisationKind kind) =>
        kind == OrganisationKind.IndirectReseller ? EscalationTarget.IndirectProvider : EscalationTarget.Microsoft;

    /// <summary>A Partner Center support topic for a service, when one obviously fits.</summary>
    public static string? TopicFor(string? service) => service switch
    {
        "Exchange Online" => "32444671",
        "Microsoft Teams" => "32444672",
        "SharePoint Online" or "OneDrive for Business" => "32444673",
        "Microsoft Entra ID" => "32444674",
        "Microsoft 365 Apps" => "32444675",
        "Microsoft Intune" => "32444676",
        "Azure" => "32444677",
        _ => null,
    };

    public static async Task<Outcome<EscalationDraft>> Draft(Guid ticketId, PartnerDeskDb db, CancellationToken ct)
    {
        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId)
            .Select(t => new { t.Number, t.Title, t.Description, t.Severity, t.Service, t.Kind, Customer = t.Customer!.Name, t.Customer.TenantId, t.Customer.DefaultDomain })
            .FirstOrDefaultAsync(ct);
        if (ticket is null)
        {
            return Outcome<EscalationDraft>.Missing;
        }

        var kind = await db.Organisations.Select(o => o.Kind).FirstAsync(ct);
        var issues = await db.TicketIssueLinks.AsNoTracking().Where(l => l.TicketId == ticketId && l.State != KnownIssueLinkState.Dismissed)
            .Select(l => new { l.Issue!.MicrosoftId, l.Issue.Title, l.Issue.Status }).ToListAsync(ct);
        var agent = db.Caller.DisplayName;
        var number = TicketNumber.Format(ticket.Number);
        var description = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Customer: {ticket.Customer} (tenant {ticket.TenantId}, {ticket.DefaultDomain})")
            .AppendLine(CultureInfo.InvariantCulture, $"Partner ticket: {number}, severity {ticket.Severity}{(ticket.Service is null ? "" : $", service {ticket.Service}")}")
            .AppendLine(CultureInfo.InvariantCulture, $"Partner contact: {agent}")
            .AppendLine()
            .AppendLine(ticket.Description);
        if (issues.Count > 0)
        {
            description.AppendLine().AppendLine("Related service health issues:");
            foreach (var issue in issues)
            {
                description.AppendLine(CultureInfo.InvariantCulture, $"- {issue.MicrosoftId} {issue.Title} ({issue.Status})");
            }
        }

        var title = $"[{number}] {ticket.Title}";
        return new EscalationDraft(
            TargetFor(kind),
            issues.Count > 0 ? EscalationCategory.ServiceBugOrIrregularity : EscalationCategory.UndocumentedServiceIssue,
            title.Length > EscalationLimits.Title ? title[..EscalationLimits.Title] : title,
            description.Length > EscalationLimits.Description ? description.ToString(0, EscalationLimits.Description) : description.ToString(),
            ticket.Severity,
            PartnerCenterSeverity(ticket.Severity),
            TopicFor(ticket.Service));
    }

    /// <summary>
    /// Hands a ticket on: the escalation, its first history line, the outbox message that will reach
    /// Microsoft, and the ticket's move to Escalated, in one save.
    /// </summary>
    public static async Task<Outcome<EscalationView>> Handle(Guid ticketId, EscalateRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var caller = db.Caller;
        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null)
        {
            return Outcome<EscalationView>.Missing;
        }

        var draft = (await Draft(ticketId, db, ct)).Value!;
        var kind = await db.Organisations.Select(o => o.Kind).FirstAsync(ct);
        var errors = new FieldErrors()
            .Defined("target", request.Target)
            .Defined("category", request.Category)
            .Defined("severity", request.Severity)
            .MaxLength("title", request.Title, EscalationLimits.Title)
            .MaxLength("description", request.Description, EscalationLimits.Description)
            .MaxLength("supportTopicName", request.SupportTopicName, 200);
        var target = request.Target ?? TargetFor(kind);
        if (target == EscalationTarget.Microsoft && kind == OrganisationKind.IndirectReseller)
        {
            errors.Add("target", "An indirect reseller hands problems to its indirect provider, not to Microsoft.");
        }

        if (target == EscalationTarget.IndirectProvider && kind != OrganisationKind.IndirectReseller)
        {
            errors.Add("target", "Only an indirect reseller escalates to an indirect provider.");
        }

        if (ticket.Kind == TicketKind.SubscriptionChange)
        {
            errors.Add("ticketId", "Subscription changes are not escalated; sales agents carry them out.");
        }

        if (target == EscalationTarget.Microsoft)
        {
            if (request.Category is null)
            {
                errors.Add("category", "Microsoft takes one of five kinds of problems: UndocumentedServiceIssue, ServiceUnavailable, ServiceBugOrIrregularity, WidespreadNetworkOutage or RegionalMultiTenantIssue.");
            }

            if (string.IsNullOrWhiteSpace(request.SupportTopicId ?? draft.SupportTopicId))
            {
                errors.Add("supportTopicId", "Partner Center needs a support topic (GET /api/v1/escalations/support-topics).");
            }
            else if (!(request.SupportTopicId ?? draft.SupportTopicId)!.All(char.IsAsciiDigit) || (request.SupportTopicId ?? draft.SupportTopicId)!.Length > 32)
            {
                errors.Add("supportTopicId", "A support topic id is a number.");
            }
        }

        if (!errors.Any && await db.Escalations.AnyAsync(e => e.TicketId == ticketId && e.Target == target
                && e.State != EscalationState.Closed && e.State != EscalationState.NeedsAgent, ct))
        {
            errors.Add("ticketId", "This ticket is already escalated; add a note to the open escalation instead.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var now = clock.GetUtcNow();
        var severity = PartnerCenterSeverity(request.Severity ?? ticket.Severity);
        var escalation = Open(db, ticket, caller, target, string.IsNullOrWhiteSpace(request.Title) ? draft.Title : request.Title.Trim(),
            string.IsNullOrWhiteSpace(request.Description) ? draft.Description : request.Description, severity, request.Category, now);
        escalation.SupportTopicId = target == EscalationTarget.Microsoft ? request.SupportTopicId ?? draft.SupportTopicId : null;
        escalation.SupportTopicName = request.SupportTopicName;
        escalation.ShareInternalNotes = target == EscalationTarget.IndirectProvider && request.ShareInternalNotes == true;
        ticket.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return EscalationView.Of(escalation, TicketNumber.Format(ticket.Number));
    }

    /// <summary>
    /// Opens an escalation of a tracked ticket, the one way every path does it (an agent's escalation, a reseller's
    /// approved subscription change): the escalation, its first event, the outbox message that hands it over, and
    /// the ticket marked escalated. Not saved.
    /// </summary>
    public static Escalation Open(
        PartnerDeskDb db, Ticket ticket, Platform.Tenancy.Caller caller, EscalationTarget target, string title, string description, string severity, EscalationCategory? category, DateTimeOffset now)
    {
        var escalation = new Escalation
        {
            OrganisationId = ticket.OrganisationId,
            CustomerId = ticket.CustomerId,
            TicketId = ticket.Id,
            Target = target,
            Category = category,
            Title = title,
            Description = description,
            Severity = severity,
            State = EscalationState.Queued,
            CreatedAt = now,
            CreatedByUserId = caller.UserId,
            CreatedByName = caller.DisplayName,
            NextPollAt = now,
        };
        db.Escalations.Add(escalation);
        db.EscalationEvents.Add(EscalationHistory.Line(escalation, caller.DisplayName, "Queued", target == EscalationTarget.Microsoft ? $"{category}, {severity}" : "to the indirect provider", now));
        db.OutboxMessages.Add(OutboxMessage.New(
            ticket.OrganisationId, target == EscalationTarget.Microsoft ? CreateServiceRequest : ProviderEscalationHandler.KindName, new EscalationPayload(escalation.Id, null), escalation.Id, now));
        if (ticket.Status != TicketStatus.Escalated)
        {
            db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Status", ticket.Status.ToString(), nameof(TicketStatus.Escalated), now));
            ticket.Status = TicketStatus.Escalated;
        }

        db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Escalated", null, target == EscalationTarget.Microsoft ? "Microsoft" : "Indirect provider", now));
        ticket.UpdatedAt = now;
        return escalation;
    }
}

/// <summary>What an escalation's outbox messages carry.</summary>
public sealed record EscalationPayload(Guid EscalationId, string? Text);

/// <summary>A line of an escalation's own history (what was sent, what Microsoft or the provider answered).</summary>
internal static class EscalationHistory
{
    public static EscalationEvent Line(Escalation escalation, string actor, string what, string? detail, DateTimeOffset at) => new()
    {
        OrganisationId = escalation.OrganisationId,
        CustomerId = escalation.CustomerId,
        EscalationId = escalation.Id,
        At = at,
        Actor = actor,
        What = what,
        Detail = detail is { Length: > 4000 } ? detail[..4000] : detail,
    };
}
