using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Audit;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

public static class GetTicket
{
    /// <summary>The most read thing in PartnerDesk: compiled once; the isolation filters apply with each caller's values.</summary>
    private static readonly CompiledQuery<Func<PartnerDeskDb, Guid, CancellationToken, Task<TicketDetails?>>> Details = new(() => EF.CompileAsyncQuery(
        (PartnerDeskDb db, Guid id, CancellationToken ct) => db.Set<Ticket>().AsNoTracking().Where(t => t.Id == id).Select(TicketProjections.Details).FirstOrDefault()));

    public static async Task<Outcome<TicketDetails>> Handle(Guid id, PartnerDeskDb db, CancellationToken ct)
    {
        if (await Details.For(db)(db, id, ct) is not { } ticket)
        {
            return Outcome<TicketDetails>.Missing;
        }

        await db.AuditRead(ticket.CustomerId, "ticket.read", ticket.Number, ct);
        return ticket;
    }
}
