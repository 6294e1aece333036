using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Mail;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (the only file of a feature that may: docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>
    /// Whether an organisation can send mail: asked while any caller saves (a contact's reply included), who
    /// may not see mailboxes. Only the yes or no leaves this query.
    /// </summary>
    public static Task<bool> HasEnabledMailbox(PartnerDeskDb db, Guid organisationId, CancellationToken ct) =>
        db.Mailboxes.IgnoreQueryFilters().AnyAsync(m => m.OrganisationId == organisationId && m.Enabled, ct);

    /// <summary>The enabled mailboxes of every organisation, for the mail reader to watch: ids only; each is read inside its organisation.</summary>
    public static async Task<List<(Guid Id, Guid OrganisationId)>> MailboxesToRead(PartnerDeskDb db, CancellationToken ct) =>
        (await db.Mailboxes.IgnoreQueryFilters().AsNoTracking().Where(m => m.Enabled).Select(m => new { m.Id, m.OrganisationId }).ToListAsync(ct))
            .ConvertAll(m => (m.Id, m.OrganisationId));

    /// <summary>Triage and quarantine older than the retention, in every organisation: housekeeping deletes them with their raw messages.</summary>
    public static IQueryable<InboundMail> HeldBefore(PartnerDeskDb db, DateTimeOffset cutoff) =>
        db.InboundMails.IgnoreQueryFilters().Where(m => (m.State == InboundMailState.Triage || m.State == InboundMailState.Quarantined) && m.ReceivedAt < cutoff);
}
