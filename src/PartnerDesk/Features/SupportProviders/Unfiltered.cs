using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.SupportProviders;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (the only file of a feature that may: docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>Which of the tickets the caller is saving are routed to a support provider (contacts see no hand-over, but their replies travel).</summary>
    public static Task<List<Guid>> RoutedTickets(PartnerDeskDb db, IReadOnlyCollection<Guid> ticketIds, CancellationToken ct) =>
        db.ProviderHandovers.IgnoreQueryFilters().AsNoTracking().Where(h => ticketIds.Contains(h.TicketId)).Select(h => h.TicketId).ToListAsync(ct);
}
