using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Audit;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

public static class GetTicket
{
    public static async Task<Outcome<TicketDetails>> Handle(Guid id, PartnerDeskDb db, CancellationToken ct)
    {
        if (await db.Tickets.AsNoTracking().Where(t => t.Id == id).ToDetails().FirstOrDefaultAsync(ct) is not { } ticket)
        {
            return Outcome<TicketDetails>.Missing;
        }

        await db.AuditRead(ticket.CustomerId, "ticket.read", ticket.Number, ct);
        return ticket;
    }
}
