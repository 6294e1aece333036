using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Tickets;

public static class GetTicket
{
    public static async Task<Outcome<TicketDetails>> Handle(Guid id, PartnerDeskDb db, CancellationToken ct) =>
        await db.Tickets.AsNoTracking().Where(t => t.Id == id).ToDetails().FirstOrDefaultAsync(ct) is { } ticket
            ? ticket
            : Outcome<TicketDetails>.Missing;
}
