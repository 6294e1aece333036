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

    /// <summary>
    /// Mail recorded for one organisation since a moment, for the intake's hourly rates: counted, never read. Past
    /// the filters because the intake runs as that organisation's system, which sees all of it anyway, and the
    /// per-row visibility test (a ticket looked up for each mail) would slow every message of a full mailbox.
    /// Every state is named, so that the (organisation, state, received) index serves the count.
    /// </summary>
    public static IQueryable<InboundMail> RecordedSince(PartnerDeskDb db, Guid organisationId, DateTimeOffset since) =>
        db.InboundMails.IgnoreQueryFilters().Where(m => m.OrganisationId == organisationId
            && (m.State == InboundMailState.Ticket || m.State == InboundMailState.Reply || m.State == InboundMailState.Triage
                || m.State == InboundMailState.Ignored || m.State == InboundMailState.Quarantined || m.State == InboundMailState.Discarded)
            && m.ReceivedAt > since);

    /// <summary>The raw bytes one organisation keeps in triage and quarantine (its quota): a sum, for the intake, past the filters as above.</summary>
    public static Task<long> HeldBytes(PartnerDeskDb db, Guid organisationId, CancellationToken ct) =>
        db.InboundMails.IgnoreQueryFilters().Where(m => m.OrganisationId == organisationId && m.Raw != null).SumAsync(m => (long)m.Raw!.Length, ct);
}
