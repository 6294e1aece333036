using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Ui;

namespace PartnerDesk.Features.Escalations;

/// <summary>A row of the console's escalations list.</summary>
public sealed record EscalationRow(
    Guid Id, Guid TicketId, long TicketNumber, string? CustomerName, EscalationTarget Target, EscalationState State, string Severity, string Title,
    string? ServiceRequestId, DateTimeOffset CreatedAt, DateTimeOffset? FirstResponseDueAt, bool FirstResponseMissed);

/// <summary>
/// Every escalation of the caller's customers, in the order a header asks, a page at a time. Escalations grow without
/// bound: the default order (newest first) reads the index on (OrganisationId, CreatedAt); the other orders sort one
/// organisation's escalations, which number in thousands, not millions.
/// </summary>
public static class EscalationList
{
    public static readonly ListSort<Escalation> Sorts = new ListSort<Escalation>(new("created", true), e => e.Id)
        .By("created", e => e.CreatedAt)
        .By("ticket", e => e.Ticket!.Number)
        .By("title", e => e.Title)
        .By("state", e => e.State)
        .By("target", e => e.Target)
        .By("severity", e => e.Severity);

    public static Task<ListPage<EscalationRow>> Page(PartnerDeskDb db, ListOrder order, int? page, CancellationToken ct) =>
        ListPage<EscalationRow>.Read(
            Sorts.Apply(db.Escalations.AsNoTracking(), order).Select(e => new EscalationRow(
                e.Id, e.TicketId, e.Ticket!.Number, db.Customers.Where(c => c.Id == e.CustomerId).Select(c => c.Name).FirstOrDefault(),
                e.Target, e.State, e.Severity, e.Title, e.ServiceRequestId, e.CreatedAt, e.FirstResponseDueAt, e.FirstResponseMissed)),
            page, ct);
}
