using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Mail;

/// <summary>
/// Mail nobody dealt with in triage or quarantine for <see cref="MailOptions.HeldFor"/> goes, record and raw message:
/// a stranger's mail is not kept for ever. The message itself stays in the mailbox, where PartnerDesk deletes nothing.
/// </summary>
public sealed class HeldMailCleanup(IOptions<MailOptions> options) : ICleanup
{
    public Task<int> Run(PartnerDeskDb db, DateTimeOffset now, CancellationToken ct) =>
        Unfiltered.HeldBefore(db, now - options.Value.HeldFor).ExecuteDeleteAsync(ct);
}
