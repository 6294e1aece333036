using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Webhooks;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>Whoever saves (a contact, the SLA sweep across organisations), the events go to the organisation's subscriptions.</summary>
    public static Task<bool> AnySubscription(PartnerDeskDb db, CancellationToken ct) =>
        db.WebhookSubscriptions.IgnoreQueryFilters().AnyAsync(ct);

    /// <summary>The subscriptions of the organisation an event happened in (whoever saves: a contact, a job of no organisation).</summary>
    public static Task<List<WebhookSubscription>> SubscriptionsOf(PartnerDeskDb db, Guid organisationId, CancellationToken ct) =>
        db.WebhookSubscriptions.IgnoreQueryFilters().AsNoTracking().Where(s => s.OrganisationId == organisationId).ToListAsync(ct);

    /// <summary>
    /// The names a ticket's API representation shows, within the ticket's own organisation: the save that changed
    /// it may be a contact's (who does not read agents) or the SLA sweep's (no organisation at all).
    /// </summary>
    public static async Task<TicketNames> NamesOf(PartnerDeskDb db, Guid organisationId, Guid customerId, Guid? requesterId, Guid? assigneeId, CancellationToken ct)
    {
        var customer = await db.Customers.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.Id == customerId && c.OrganisationId == organisationId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        var requester = requesterId is null ? null : await db.Contacts.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.Id == requesterId && c.OrganisationId == organisationId).Select(c => c.DisplayName).FirstOrDefaultAsync(ct);
        var assignee = assigneeId is null ? null : await db.Agents.IgnoreQueryFilters().AsNoTracking()
            .Where(a => a.Id == assigneeId && a.OrganisationId == organisationId).Select(a => a.DisplayName).FirstOrDefaultAsync(ct);
        return new TicketNames(customer ?? "", requester, assignee);
    }

    /// <summary>A ticket's number, for an escalation's or a message's event, within the organisation it happened in.</summary>
    public static Task<long> TicketNumberOf(PartnerDeskDb db, Guid organisationId, Guid ticketId, CancellationToken ct) =>
        db.Tickets.IgnoreQueryFilters().Where(t => t.Id == ticketId && t.OrganisationId == organisationId)
            .Select(t => t.Number).FirstOrDefaultAsync(ct);

    /// <summary>The counts a service health issue's summary shows, within its organisation (the sync runs as a system caller).</summary>
    public static async Task<(int Customers, int Tickets)> IssueCountsOf(PartnerDeskDb db, Guid organisationId, Guid issueId, CancellationToken ct) =>
        (await db.AffectedCustomers.IgnoreQueryFilters().CountAsync(a => a.IssueId == issueId && a.OrganisationId == organisationId, ct),
         await db.TicketIssueLinks.IgnoreQueryFilters()
            .CountAsync(l => l.IssueId == issueId && l.OrganisationId == organisationId && l.State != KnownIssueLinkState.Dismissed, ct));
}

public sealed record TicketNames(string Customer, string? Requester, string? Assignee);
