using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.SupportProviders;

/// <summary>
/// The few reads of this feature that must look past the caller's query filters, each narrow and each saying
/// why. Outside Platform/, a file of this name is the only place that may call <c>IgnoreQueryFilters</c> (an
/// architecture test holds every feature to it), so every way around isolation is found by its name.
/// </summary>
public static class Unfiltered
{
    /// <summary>Which of the tickets the caller is saving are routed to a support provider (contacts see no hand-over, but their replies travel).</summary>
    public static Task<List<Guid>> RoutedTickets(PartnerDeskDb db, IReadOnlyCollection<Guid> ticketIds, CancellationToken ct) =>
        db.ProviderHandovers.IgnoreQueryFilters().AsNoTracking().Where(h => ticketIds.Contains(h.TicketId)).Select(h => h.TicketId).ToListAsync(ct);
}
