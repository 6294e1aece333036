using System.Data.Common;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Jobs;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Mail;

public sealed class MailOptions
{
    public const string Section = "PartnerDesk:Mail";

    /// <summary>Reads mailboxes in the background; tests switch it off and read on demand.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a mailbox without IDLE is read, and the longest one IDLE lasts before it is renewed.</summary>
    public TimeSpan Poll { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the list of mailboxes is looked at for new or removed ones.</summary>
    public TimeSpan Refresh { get; set; } = TimeSpan.FromSeconds(30);

    public long AttachmentLimit { get; set; } = 25L * 1024 * 1024;

    /// <summary>
    /// A larger message is quarantined with its headers only. 35 MB is Exchange Online's default largest message a
    /// mailbox receives: a customer's mail that Microsoft 365 delivers is not refused here.
    /// </summary>
    public long MessageLimit { get; set; } = 35L * 1024 * 1024;

    /// <summary>Messages fetched in one IMAP command and saved in one commit (one at a time should any of them fail).</summary>
    public int Batch { get; set; } = 25;

    /// <summary>A batch also ends before its messages pass this many bytes, so a reader holds at most this much mail (one larger message goes alone).</summary>
    public long BatchBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>MailKit's limit on each read or write of an IMAP or SMTP command.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Mail from one address within an hour beyond which it is quarantined: a person writes a handful, a loop or a script hundreds.</summary>
    public int SenderHourlyLimit { get; set; } = 30;

    /// <summary>Mail to one organisation's mailboxes within an hour beyond which it is quarantined (a flood), whoever sends it.</summary>
    public int OrganisationHourlyLimit { get; set; } = 2000;

    /// <summary>How long mail in triage or quarantine is kept (with its raw message) before housekeeping deletes it.</summary>
    public TimeSpan HeldFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Raw bytes an organisation keeps in triage and quarantine; beyond it, new entries keep their headers only (the mailbox still has the message).</summary>
    public long HeldBytesQuota { get; set; } = 1024L * 1024 * 1024;
}

/// <summary>
/// Reads every enabled mailbox: new messages by UID, one commit per message (ticket, reply or quarantine
/// together with the read position), and only then marks them \Seen. A mailbox is watched by one instance
/// at a time (a lease), waits in IDLE where the server offers it, and a failure of one mailbox or one
/// message never stops the others.
/// </summary>
public sealed class MailboxWatcher(
    IServiceScopeFactory scopes, MailConnections connections, IOptions<MailOptions> options, TimeProvider clock, ILogger<MailboxWatcher> log)
    : BackgroundService
{
    private readonly Dictionary<Guid, Task> watched = [];

    private MailOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                foreach (var (id, organisationId) in await Unfiltered.MailboxesToRead(scope.ServiceProvider.GetRequiredService<PartnerDeskDb>(), stoppingToken))
                {
                    if (!watched.TryGetValue(id, out var task) || task.IsCompleted)
                    {
                        watched[id] = Task.Run(() => Watch(id, organisationId, stoppingToken), stoppingToken);
                    }
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Looking for mailboxes failed.");
            }

            try
            {
                await Task.Delay(Options.Refresh, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(watched.Values.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    /// <summary>Keeps one mailbox read while this instance holds its lease and the mailbox stays enabled.</summary>
    private async Task Watch(Guid mailboxId, Guid organisationId, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await Lease(mailboxId, ct))
                {
                    await Task.Delay(Options.Poll, clock, ct);
                    continue;
                }

                var mailbox = await Load(mailboxId, organisationId, ct);
                if (mailbox is null || !mailbox.Enabled)
                {
                    return;
                }

                using var client = await connections.Imap(mailbox, ct);
                failures = 0;
                var connectedWith = Settings(mailbox);
                while (!ct.IsCancellationRequested && await Lease(mailboxId, ct))
                {
                    // Disabled, removed or pointed elsewhere since this connection was opened: stop, or connect anew.
                    if (await Load(mailboxId, organisationId, ct) is not { Enabled: true } now || Settings(now) != connectedWith)
                    {
                        break;
                    }

                    await ReadNew(client, mailboxId, organisationId, ct, () => Lease(mailboxId, ct));
                    await WaitForMail(client, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                log.LogWarning(e, "Reading mailbox {Mailbox} failed ({Failures} in a row).", mailboxId, failures);
                await Record(mailboxId, organisationId, MailConnections.Describe(e), ct);
                var wait = TimeSpan.FromSeconds(Math.Min(300, 5 * Math.Pow(2, Math.Min(failures, 6))));
                try
                {
                    await Task.Delay(MailConnections.IsLasting(e) ? TimeSpan.FromMinutes(5) : wait, clock, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static (string, int, MailSecurity, string, string?, MailLogin, string?, string?) Settings(Mailbox m) =>
        (m.ImapHost, m.ImapPort, m.ImapSecurity, m.UserName, m.ProtectedSecret, m.Login, m.TenantId, m.ClientId);

    /// <summary>One connection, one pass over what is new: for tests, the bench and "read now".</summary>
    public async Task<MailRound> ReadOnce(Guid mailboxId, Guid organisationId, CancellationToken ct)
    {
        var mailbox = await Load(mailboxId, organisationId, ct) ?? throw new InvalidOperationException("No such mailbox.");
        try
        {
            using var client = await connections.Imap(mailbox, ct);
            var round = await ReadNew(client, mailboxId, organisationId, ct);
            await client.DisconnectAsync(true, ct);
            return round;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not DbException and not DbUpdateException)
        {
            // The admin sees a category (MailConnections.Describe); operators see the whole exception here.
            log.LogWarning(e, "Reading mailbox {Mailbox} on demand failed.", mailboxId);
            await Record(mailboxId, organisationId, MailConnections.Describe(e), ct);
            throw;
        }
    }

    /// <param name="stillOurs">Renews the watcher's lease between batches; false stops the pass (another instance took over).</param>
    private async Task<MailRound> ReadNew(ImapClient client, Guid mailboxId, Guid organisationId, CancellationToken ct, Func<Task<bool>>? stillOurs = null)
    {
        var inbox = client.Inbox;
        if (!inbox.IsOpen)
        {
            await inbox.OpenAsync(FolderAccess.ReadWrite, ct);
        }

        var mailbox = await Load(mailboxId, organisationId, ct) ?? throw new MailboxSettingsException("The mailbox was removed.");
        IList<UniqueId> found;
        var firstRead = mailbox.UidValidity == 0;
        var existing = (inbox.UidNext?.Id ?? 1) - 1;
        if (firstRead)
        {
            // First read of this mailbox: its unread mail, not years of history (each would become a ticket and an
            // acknowledgement). The read position is set only once this pass is through: a crash repeats it.
            found = await inbox.SearchAsync(SearchQuery.NotSeen, ct);
        }
        else
        {
            if (mailbox.UidValidity != inbox.UidValidity)
            {
                // A new generation of the same mailbox: UIDs start over. Message-IDs keep every message taken once.
                await Save(mailboxId, organisationId, m => (m.UidValidity, m.LastUid) = (inbox.UidValidity, 0), ct);
                mailbox.LastUid = 0;
            }

            found = await inbox.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId((uint)mailbox.LastUid + 1), UniqueId.MaxValue)), ct);
        }

        var fresh = found.Where(u => u.Id > mailbox.LastUid).OrderBy(u => u.Id).ToList();
        var round = new MailRound();
        var complete = true;
        foreach (var chunk in fresh.Chunk(Options.Batch))
        {
            var sizes = (await inbox.FetchAsync(chunk, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct))
                .ToDictionary(s => s.UniqueId, s => (long?)s.Size);
            foreach (var batch in Batches(chunk, u => sizes.GetValueOrDefault(u) is { } size && size <= Options.MessageLimit ? size : 0, Options.Batch, Options.BatchBytes))
            {
                if (stillOurs is not null && !await stillOurs())
                {
                    complete = false;
                    break;
                }

                var raws = new Dictionary<UniqueId, (byte[] Raw, string? Refuse)>();
                foreach (var uid in batch.Where(u => sizes.GetValueOrDefault(u) > Options.MessageLimit))
                {
                    using var headers = new MemoryStream();
                    (await inbox.GetHeadersAsync(uid, ct)).WriteTo(headers, ct);
                    raws[uid] = (headers.ToArray(), $"The message is {sizes[uid] / 1024 / 1024} MB, over the limit of {Options.MessageLimit / 1024 / 1024} MB; only its headers are kept.");
                }

                // The rest in one FETCH (BODY.PEEK[]: nothing is marked read by fetching).
                var normal = batch.Where(u => !raws.ContainsKey(u)).ToList();
                if (normal.Count > 0)
                {
                    await ((ImapFolder)inbox).GetStreamsAsync(normal, async (_, _, uid, stream, token) =>
                    {
                        using var copy = new MemoryStream((int)Math.Min(sizes.GetValueOrDefault(uid) ?? 0, int.MaxValue - 64) + 64);
                        await stream.CopyToAsync(copy, token);
                        raws[uid] = (copy.ToArray(), null);
                    }, ct);
                }

                var messages = batch.Where(raws.ContainsKey).Select(u => (u.Id, raws[u].Raw, raws[u].Refuse)).ToList();
                // Together in one commit; should any one fail, each again in a commit of its own, so that one bad
                // message is quarantined and the others are taken.
                var states = await TakeTogether(mailboxId, organisationId, inbox.UidValidity, messages, ct);
                if (states is null)
                {
                    states = [];
                    foreach (var (uid, raw, refuse) in messages)
                    {
                        states.Add(await Take(mailboxId, organisationId, inbox.UidValidity, uid, raw, refuse, ct));
                    }
                }

                states.ForEach(round.Count);

                // Only what is committed is marked: a crash before this line leaves the messages unread, and the
                // read position and the Message-IDs keep them from being taken twice.
                await inbox.AddFlagsAsync(messages.ConvertAll(m => new UniqueId(m.Id)), MessageFlags.Seen, true, ct);
            }

            if (!complete)
            {
                break;
            }
        }

        await Save(mailboxId, organisationId, m =>
        {
            (m.LastReadAt, m.LastError) = (clock.GetUtcNow(), null);
            if (firstRead && complete)
            {
                (m.UidValidity, m.LastUid) = (inbox.UidValidity, Math.Max(m.LastUid, existing));
            }
        }, ct);
        return round;
    }

    /// <summary>
    /// Cuts messages into batches of at most <paramref name="count"/> messages and <paramref name="bytes"/> bytes (what
    /// a batch holds in memory at once), keeping their order; a message larger than that goes in a batch of its own.
    /// </summary>
    internal static List<List<T>> Batches<T>(IEnumerable<T> items, Func<T, long> size, int count, long bytes)
    {
        var batches = new List<List<T>>();
        var (current, held) = (new List<T>(), 0L);
        foreach (var item in items)
        {
            var length = size(item);
            if (current.Count > 0 && (current.Count >= count || held + length > bytes))
            {
                batches.Add(current);
                (current, held) = (new List<T>(), 0L);
            }

            current.Add(item);
            held += length;
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }

    /// <summary>
    /// Takes a batch in one transaction (one commit instead of one per message: the reader keeps up with a full
    /// mailbox); null when anything in it failed, and then nothing of it was saved.
    /// </summary>
    private async Task<List<InboundMailState?>?> TakeTogether(
        Guid mailboxId, Guid organisationId, uint uidValidity, List<(uint Uid, byte[] Raw, string? Refuse)> messages, CancellationToken ct)
    {
        await using var scope = Scope(organisationId, out var db);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var mailbox = await db.Mailboxes.FirstAsync(m => m.Id == mailboxId, ct);
            var states = new List<InboundMailState?>(messages.Count);
            foreach (var (uid, raw, refuse) in messages)
            {
                states.Add(await MailIntake.Take(db, mailbox, uidValidity, uid, raw, Options, clock.GetUtcNow(), ct, refuse));
                // Each message's rows are saved (inside the transaction); tracking them on would make every
                // later save of the batch look through them again.
                db.ChangeTracker.Clear();
                db.Attach(mailbox);
            }

            await transaction.CommitAsync(ct);
            return states;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogInformation(e, "A batch of {Count} mails of mailbox {Mailbox} is taken one by one instead.", messages.Count, mailboxId);
            await transaction.RollbackAsync(CancellationToken.None);
            return null;
        }
    }

    private async Task<InboundMailState?> Take(Guid mailboxId, Guid organisationId, uint uidValidity, uint uid, byte[] raw, string? refuse, CancellationToken ct)
    {
        try
        {
            return await TakeAlone(mailboxId, organisationId, uidValidity, uid, raw, refuse, ct);
        }
        catch (DbUpdateException e) when (DbFailures.IsDuplicate(e))
        {
            return null; // taken meanwhile (a second reader after a lost lease): once is enough
        }
        catch (Exception e) when (e is DbUpdateException or (not OperationCanceledException and not DbException and not TimeoutException))
        {
            // A message PartnerDesk cannot handle must not stop the mailbox: quarantine it with the reason.
            log.LogError(e, "Mail {Uid} of mailbox {Mailbox} could not be taken; it is quarantined.", uid, mailboxId);
            return await TakeAlone(mailboxId, organisationId, uidValidity, uid, raw, $"PartnerDesk failed on this message: {e.GetType().Name}: {e.Message}", ct);
        }
    }

    /// <summary>One message in a scope and commit of its own.</summary>
    private async Task<InboundMailState?> TakeAlone(Guid mailboxId, Guid organisationId, uint uidValidity, uint uid, byte[] raw, string? refuse, CancellationToken ct)
    {
        await using var scope = Scope(organisationId, out var db);
        var mailbox = await db.Mailboxes.FirstAsync(m => m.Id == mailboxId, ct);
        return await MailIntake.Take(db, mailbox, uidValidity, uid, raw, Options, clock.GetUtcNow(), ct, refuse);
    }

    private async Task WaitForMail(ImapClient client, CancellationToken ct)
    {
        if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            await Task.Delay(Options.Poll, clock, ct);
            return;
        }

        using var done = new CancellationTokenSource(Options.Poll);
        void Arrived(object? sender, EventArgs e) => done.Cancel();
        client.Inbox.CountChanged += Arrived;
        try
        {
            await client.IdleAsync(done.Token, ct);
        }
        finally
        {
            client.Inbox.CountChanged -= Arrived;
        }
    }

    private async Task<bool> Lease(Guid mailboxId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await JobLeases.TryTake(scope.ServiceProvider.GetRequiredService<PartnerDeskDb>(), $"mail:{mailboxId:N}", Options.Poll * 3, clock, ct);
    }

    private async Task<Mailbox?> Load(Guid mailboxId, Guid organisationId, CancellationToken ct)
    {
        await using var scope = Scope(organisationId, out var db);
        return await db.Mailboxes.AsNoTracking().FirstOrDefaultAsync(m => m.Id == mailboxId, ct);
    }

    private async Task Save(Guid mailboxId, Guid organisationId, Action<Mailbox> change, CancellationToken ct)
    {
        await using var scope = Scope(organisationId, out var db);
        if (await db.Mailboxes.FirstOrDefaultAsync(m => m.Id == mailboxId, ct) is { } mailbox)
        {
            change(mailbox);
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task Record(Guid mailboxId, Guid organisationId, string error, CancellationToken ct)
    {
        try
        {
            await Save(mailboxId, organisationId, m => m.LastError = error.Length > MailLimits.Reason ? error[..MailLimits.Reason] : error, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Could not record the failure of mailbox {Mailbox}.", mailboxId);
        }
    }

    private AsyncServiceScope Scope(Guid organisationId, out PartnerDeskDb db)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
        db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        return scope;
    }
}

/// <summary>What one pass over a mailbox did.</summary>
public sealed class MailRound
{
    public int Tickets { get; private set; }
    public int Replies { get; private set; }
    public int Triage { get; private set; }
    public int Ignored { get; private set; }
    public int Quarantined { get; private set; }
    public int Duplicates { get; private set; }

    public int Total => Tickets + Replies + Triage + Ignored + Quarantined + Duplicates;

    public void Count(InboundMailState? state)
    {
        switch (state)
        {
            case InboundMailState.Ticket: Tickets++; break;
            case InboundMailState.Reply: Replies++; break;
            case InboundMailState.Triage: Triage++; break;
            case InboundMailState.Ignored: Ignored++; break;
            case InboundMailState.Quarantined: Quarantined++; break;
            default: Duplicates++; break;
        }
    }

    public override string ToString() => $"{Tickets} tickets, {Replies} replies, {Triage} triage, {Ignored} ignored, {Quarantined} quarantined, {Duplicates} duplicates";
}
