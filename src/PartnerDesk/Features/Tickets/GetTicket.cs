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

    /// <summary>Finds a ticket by the number people read (PD-12) within the caller's reach.</summary>
    public static Task<Guid?> FindByNumber(long number, PartnerDeskDb db, CancellationToken ct) =>
        db.Tickets.Where(t => t.Number == number).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
}
