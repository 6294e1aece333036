using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbound;

namespace PartnerDesk.Features.Mail;

public sealed record MailboxRequest(
    string? Address, string? ImapHost, int? ImapPort, MailSecurity? ImapSecurity, string? SmtpHost, int? SmtpPort, MailSecurity? SmtpSecurity,
    MailLogin? Login, string? UserName, string? Password, string? TenantId, string? ClientId, bool? IsDefault, bool? Enabled);

public sealed record MailboxView(
    Guid Id, string Address, string ImapHost, int ImapPort, MailSecurity ImapSecurity, string SmtpHost, int SmtpPort, MailSecurity SmtpSecurity,
    MailLogin Login, string UserName, bool HasSecret, string? TenantId, string? ClientId, bool IsDefault, bool Enabled, DateTimeOffset? LastReadAt, string? LastError);

public sealed record InboundMailView(
    Guid Id, Guid MailboxId, string? MessageId, string? FromAddress, string? FromName, string? Subject, int Size, DateTimeOffset ReceivedAt,
    InboundMailState State, string? Reason, Guid? TicketId, bool HasRaw);

public sealed record TriageRequest(Guid? CustomerId);

public sealed record SendTermsRequest(Guid? ContactId);

public static class MailEndpoints
{
    public static RouteGroupBuilder MapMailEndpoints(this RouteGroupBuilder api)
    {
        var mailboxes = api.MapGroup("/mailboxes").WithTags("Mail").RequireAuthorization(Policies.Admin);
        mailboxes.MapGet("/", async (PartnerDeskDb db, CancellationToken ct) => TypedResults.Ok(await db.Mailboxes.AsNoTracking().OrderBy(m => m.Address).Select(View).ToListAsync(ct)))
            .WithSummary("The organisation's support mailboxes (admins).");
        mailboxes.MapPost("/", async (MailboxRequest request, PartnerDeskDb db, MailConnections connections, OutboundMailboxes outbound, OutboundConnections policy, TimeProvider clock, CancellationToken ct) =>
                (await Save(db, connections, outbound, policy, null, request, clock.GetUtcNow(), ct)).ToResult(v => TypedResults.Created($"/api/v1/mailboxes/{v.Id}", v)))
            .WithSummary("Adds a mailbox: IMAP to read, SMTP to send; password or Exchange Online OAuth2 (client credentials).");
        mailboxes.MapPut("/{id:guid}", async (Guid id, MailboxRequest request, PartnerDeskDb db, MailConnections connections, OutboundMailboxes outbound, OutboundConnections policy, TimeProvider clock, CancellationToken ct) =>
                (await Save(db, connections, outbound, policy, id, request, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .WithSummary("Changes a mailbox; a missing password keeps the one stored while the mailbox connects where it did, else it must be given again.");
        mailboxes.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound, ProblemHttpResult>> (Guid id, PartnerDeskDb db, OutboundMailboxes outbound, CancellationToken ct) =>
            {
                var mailbox = await db.Mailboxes.FirstOrDefaultAsync(m => m.Id == id, ct);
                if (mailbox is null)
                {
                    return TypedResults.NotFound();
                }

                if (await db.MailConversations.AnyAsync(c => c.MailboxId == id, ct))
                {
                    return TypedResults.Problem(statusCode: 409, title: "Tickets still write back through this mailbox: disable it instead.");
                }

                // The mailbox's mail goes with it (cascade): mail waiting for an agent would be lost unread.
                var waiting = await db.InboundMails.CountAsync(m => m.MailboxId == id && (m.State == InboundMailState.Triage || m.State == InboundMailState.Quarantined), ct);
                if (waiting > 0)
                {
                    return TypedResults.Problem(statusCode: 409, title: "Mail of this mailbox still waits for an agent.",
                        detail: $"{waiting} message(s) wait in triage or quarantine; make tickets of them or discard them first, or disable the mailbox instead.");
                }

                db.Mailboxes.Remove(mailbox);
                await db.SaveChangesAsync(ct);
                outbound.Forget(mailbox.OrganisationId);
                return TypedResults.NoContent();
            })
            .WithSummary("Removes a mailbox that no ticket writes back through and whose mail no longer waits in triage or quarantine (409 with the reason otherwise).");
        mailboxes.MapPost("/{id:guid}/read", async Task<Results<Ok<MailRoundView>, NotFound, ProblemHttpResult>> (Guid id, PartnerDeskDb db, MailboxWatcher reader, CancellationToken ct) =>
            {
                if (!await db.Mailboxes.AnyAsync(m => m.Id == id, ct))
                {
                    return TypedResults.NotFound();
                }

                try
                {
                    var round = await reader.ReadOnce(id, db.Caller.RequireOrganisation(), ct);
                    return TypedResults.Ok(new MailRoundView(round.Tickets, round.Replies, round.Triage, round.Ignored, round.Quarantined, round.Duplicates));
                }
                catch (Exception e) when (MailConnections.IsConnectionFailure(e))
                {
                    return TypedResults.Problem(statusCode: 502, title: "The mailbox could not be read.", detail: MailConnections.Describe(e));
                }
            })
            .WithSummary("Reads the mailbox now (also tests its settings); the background reader does this by itself.");

        var inbound = api.MapGroup("/mail/inbound").WithTags("Mail").RequireAuthorization(Policies.Agent);
        inbound.MapGet("/", async (InboundMailState? state, string? cursor, int? limit, PartnerDeskDb db, CancellationToken ct) =>
            {
                var errors = new FieldErrors().Defined("state", state);
                var take = errors.Limit(limit, 50, 200);
                Guid? after = null;
                if (cursor is not null)
                {
                    if (Guid.TryParseExact(cursor, "N", out var position))
                    {
                        after = position;
                    }
                    else
                    {
                        errors.Add("cursor", "The cursor is not one this API gave out.");
                    }
                }

                if (errors.Any)
                {
                    return (IResult)errors.ToProblem();
                }

                // Ids are time-ordered (version 7): newest first by id, and the last id of a page is the cursor.
                var query = db.InboundMails.AsNoTracking().Where(m => state == null || m.State == state);
                if (after is { } last)
                {
                    query = query.Where(m => m.Id < last);
                }

                var page = await query.OrderByDescending(m => m.Id).Take(take + 1).Select(Inbound).ToListAsync(ct);
                var next = page.Count > take ? page[take - 1].Id.ToString("N") : null;
                return TypedResults.Ok(new Page<InboundMailView>(page.Take(take).ToList(), next));
            })
            .Produces<Page<InboundMailView>>().WithSummary("What the mailboxes received and what became of it; state=Triage or Quarantined for what waits on an agent.");
        inbound.MapGet("/{id:guid}/raw", async Task<Results<FileContentHttpResult, NotFound>> (Guid id, PartnerDeskDb db, CancellationToken ct) =>
                await db.InboundMails.AsNoTracking().Where(m => m.Id == id && m.Raw != null).Select(m => m.Raw).FirstOrDefaultAsync(ct) is { } raw
                    ? TypedResults.File(raw, "application/octet-stream", $"{id}.eml") : TypedResults.NotFound())
            .WithSummary("The message as received (kept for triage and quarantine), as an .eml download.");
        inbound.MapPost("/{id:guid}/ticket", async (Guid id, TriageRequest request, PartnerDeskDb db, IOptions<MailOptions> options, TimeProvider clock, CancellationToken ct) =>
                (await OpenTicket(db, id, request, options.Value, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .WithSummary("Makes a ticket of a mail in triage or quarantine for the customer the agent picked.");
        inbound.MapPost("/{id:guid}/discard", async (Guid id, PartnerDeskDb db, CancellationToken ct) => (await Discard(db, id, ct)).ToResult(TypedResults.Ok))
            .WithSummary("Discards a mail in triage or quarantine (its raw bytes are deleted).");

        api.MapPost("/support-terms/send", async Task<Results<Accepted, ValidationProblem>> (SendTermsRequest request, PartnerDeskDb db, OutboundMailboxes outbound, TimeProvider clock, CancellationToken ct) =>
            {
                var contactId = db.Caller.IsContact ? db.Caller.UserId : request.ContactId;
                if (contactId is null || !await db.Contacts.AnyAsync(c => c.Id == contactId, ct))
                {
                    return FieldErrors.One("contactId", "No contact with this id is reachable.");
                }

                var organisationId = db.Caller.RequireOrganisation();
                if (!await outbound.Has(db, organisationId, ct))
                {
                    return FieldErrors.One("contactId", "This organisation has no mailbox to send from.");
                }

                db.OutboxMessages.Add(MailNotifier.Outgoing(organisationId, new MailNotice(Letter.Terms, ContactId: contactId), clock.GetUtcNow()));
                await db.SaveChangesAsync(ct);
                return TypedResults.Accepted((string?)null);
            })
            .WithTags("Plans").WithSummary("Mails the support terms to a contact (a contact asks for its own).");
        return api;
    }

    public sealed record MailRoundView(int Tickets, int Replies, int Triage, int Ignored, int Quarantined, int Duplicates);

    internal static readonly System.Linq.Expressions.Expression<Func<Mailbox, MailboxView>> View = m => new MailboxView(
        m.Id, m.Address, m.ImapHost, m.ImapPort, m.ImapSecurity, m.SmtpHost, m.SmtpPort, m.SmtpSecurity, m.Login, m.UserName, m.ProtectedSecret != null,
        m.TenantId, m.ClientId, m.IsDefault, m.Enabled, m.LastReadAt, m.LastError);

    internal static readonly System.Linq.Expressions.Expression<Func<InboundMail, InboundMailView>> Inbound = m => new InboundMailView(
        m.Id, m.MailboxId, m.MessageId, m.FromAddress, m.FromName, m.Subject, m.Size, m.ReceivedAt, m.State, m.Reason, m.TicketId, m.Raw != null);

    /// <summary>Whether the request leaves where the mailbox's secret is sent as it is.</summary>
    private static bool SameDestination(Mailbox m, MailboxRequest r, MailLogin login) =>
        string.Equals(m.ImapHost, r.ImapHost?.Trim(), StringComparison.OrdinalIgnoreCase) && m.ImapPort == r.ImapPort && m.ImapSecurity == (r.ImapSecurity ?? MailSecurity.Tls)
        && string.Equals(m.SmtpHost, r.SmtpHost?.Trim(), StringComparison.OrdinalIgnoreCase) && m.SmtpPort == r.SmtpPort && m.SmtpSecurity == (r.SmtpSecurity ?? MailSecurity.StartTls)
        && m.Login == login && m.UserName == r.UserName?.Trim() && m.TenantId == r.TenantId?.Trim() && m.ClientId == r.ClientId?.Trim();

    internal static async Task<Outcome<MailboxView>> Save(
        PartnerDeskDb db, MailConnections connections, OutboundMailboxes outbound, OutboundConnections policy, Guid? id, MailboxRequest r, DateTimeOffset now, CancellationToken ct)
    {
        var mailbox = id is null ? null : await db.Mailboxes.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (id is not null && mailbox is null)
        {
            return Outcome<MailboxView>.Missing;
        }

        var address = r.Address?.Trim().ToLowerInvariant();
        var errors = new FieldErrors()
            .Email("address", address)
            .Required("address", address, MailLimits.Address)
            .Required("imapHost", r.ImapHost, MailLimits.Host)
            .Required("smtpHost", r.SmtpHost, MailLimits.Host)
            .Required("userName", r.UserName, MailLimits.Address)
            .MaxLength("tenantId", r.TenantId, 100).MaxLength("clientId", r.ClientId, 100)
            .Defined("imapSecurity", r.ImapSecurity).Defined("smtpSecurity", r.SmtpSecurity).Defined("login", r.Login);
        foreach (var (field, port) in (ReadOnlySpan<(string, int?)>)[("imapPort", r.ImapPort), ("smtpPort", r.SmtpPort)])
        {
            if (port is null or < 1 or > 65535)
            {
                errors.Add(field, "Give a port between 1 and 65535.");
            }
        }

        var login = r.Login ?? MailLogin.Password;
        if (login == MailLogin.MicrosoftOAuth)
        {
            if (!Guid.TryParse(r.TenantId, out _))
            {
                errors.Add("tenantId", "Give the mailbox's Entra tenant id (a GUID) for OAuth2.");
            }

            if (!Guid.TryParse(r.ClientId, out _))
            {
                errors.Add("clientId", "Give the client id (a GUID) of the Entra app that may read the mailbox.");
            }
        }

        if (string.IsNullOrEmpty(r.Password) && mailbox?.ProtectedSecret is null)
        {
            errors.Add("password", login == MailLogin.Password ? "Give the mailbox's password." : "Give the Entra app's client secret.");
        }
        else if (string.IsNullOrEmpty(r.Password) && mailbox is not null && !SameDestination(mailbox, r, login))
        {
            // The stored secret goes only where it was given for: whoever sends it elsewhere must know it.
            errors.Add("password", login == MailLogin.Password
                ? "The mailbox now connects elsewhere (server, port, security or account): give its password again."
                : "The mailbox now connects elsewhere (server, port, security, account or app): give the client secret again.");
        }
        else if (r.Password is { } secret && System.Text.Encoding.UTF8.GetByteCount(secret) > MailLimits.Secret)
        {
            // Counted in UTF-8 bytes: the protected form of 1,000 bytes fits its column (4,000), that of 1,000 non-Latin characters may not.
            errors.Add("password", $"The password has at most {MailLimits.Secret} bytes in UTF-8 (1,000 Latin letters or digits).");
        }

        if (!errors.Any)
        {
            // Refused here as well as at every connection (where the name is resolved again): the admin hears it now.
            foreach (var (field, host) in new[] { ("imapHost", r.ImapHost!.Trim()), ("smtpHost", r.SmtpHost!.Trim()) })
            {
                if (await policy.Refusal(host, ct) is not null)
                {
                    errors.Add(field, ConnectionProblems.NotAllowed);
                }
            }
        }

        if (!errors.Any && await db.Mailboxes.AnyAsync(m => m.Address == address && m.Id != id, ct))
        {
            errors.Add("address", "This organisation already has a mailbox with this address.");
        }

        if (errors.Any)
        {
            return errors;
        }

        if (mailbox is null)
        {
            mailbox = new Mailbox
            {
                OrganisationId = db.Caller.RequireOrganisation(),
                Address = address!,
                ImapHost = "",
                SmtpHost = "",
                UserName = "",
                CreatedAt = now,
            };
            db.Mailboxes.Add(mailbox);
        }
        else if (mailbox.Address != address || mailbox.ImapHost != r.ImapHost!.Trim() || mailbox.UserName != r.UserName!.Trim())
        {
            (mailbox.UidValidity, mailbox.LastUid) = (0, 0); // another mailbox: read from its start (Message-IDs keep what was taken)
        }

        connections.Forget(mailbox);
        mailbox.Address = address!;
        (mailbox.ImapHost, mailbox.ImapPort, mailbox.ImapSecurity) = (r.ImapHost!.Trim(), r.ImapPort!.Value, r.ImapSecurity ?? MailSecurity.Tls);
        (mailbox.SmtpHost, mailbox.SmtpPort, mailbox.SmtpSecurity) = (r.SmtpHost!.Trim(), r.SmtpPort!.Value, r.SmtpSecurity ?? MailSecurity.StartTls);
        (mailbox.Login, mailbox.UserName, mailbox.TenantId, mailbox.ClientId) = (login, r.UserName!.Trim(), r.TenantId?.Trim(), r.ClientId?.Trim());
        (mailbox.Enabled, mailbox.LastError) = (r.Enabled ?? true, null);
        if (!string.IsNullOrEmpty(r.Password))
        {
            mailbox.ProtectedSecret = connections.Protect(r.Password);
        }

        var otherDefaults = await db.Mailboxes.Where(m => m.IsDefault && m.Id != mailbox.Id).ToListAsync(ct);
        if (r.IsDefault == true || otherDefaults.Count == 0)
        {
            // In the same save as the rest: a refused save leaves the old default as it was.
            otherDefaults.ForEach(m => m.IsDefault = false);
            mailbox.IsDefault = true;
        }
        else if (r.IsDefault == false)
        {
            mailbox.IsDefault = false;
        }

        await db.SaveChangesAsync(ct);
        outbound.Forget(mailbox.OrganisationId);
        return await db.Mailboxes.AsNoTracking().Where(m => m.Id == mailbox.Id).Select(View).FirstAsync(ct);
    }

    internal static async Task<Outcome<InboundMailView>> Discard(PartnerDeskDb db, Guid id, CancellationToken ct)
    {
        var mail = await db.InboundMails.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (mail is null)
        {
            return Outcome<InboundMailView>.Missing;
        }

        if (mail.State is not (InboundMailState.Triage or InboundMailState.Quarantined))
        {
            return Outcome<InboundMailView>.Conflict($"This mail is {mail.State}: only mail in triage or quarantine is discarded.");
        }

        (mail.State, mail.Raw, mail.Reason) = (InboundMailState.Discarded, null, $"Discarded by {db.Caller.DisplayName}.");
        await db.SaveChangesAsync(ct);
        return await db.InboundMails.AsNoTracking().Where(m => m.Id == id).Select(Inbound).FirstAsync(ct);
    }

    internal static async Task<Outcome<TicketDetails>> OpenTicket(PartnerDeskDb db, Guid id, TriageRequest request, MailOptions options, DateTimeOffset now, CancellationToken ct)
    {
        var mail = await db.InboundMails.FirstOrDefaultAsync(m => m.Id == id, ct);
        if (mail is null)
        {
            return Outcome<TicketDetails>.Missing;
        }

        var errors = new FieldErrors();
        if (request.CustomerId is not { } customerId || !await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return errors.Add("customerId", "No customer with this id is reachable.");
        }

        if (mail.State is not (InboundMailState.Triage or InboundMailState.Quarantined) || mail.Raw is null)
        {
            return Outcome<TicketDetails>.Conflict($"This mail is {mail.State}: only mail in triage or quarantine becomes a ticket here.");
        }

        ReadMail read;
        try
        {
            read = MailParser.Read(mail.Raw, options.AttachmentLimit);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Quarantined because it could not be read (or PartnerDesk failed on it): it cannot become a ticket here.
            return errors.Add("id", $"The message cannot be read: {e.Message}");
        }

        if (read.FromAddress is null)
        {
            return errors.Add("id", "The message names no sender to write back to.");
        }

        try
        {
            var ticket = await MailIntake.OpenFromTriage(db, mail, read, customerId, now, ct);
            return await GetTicket.Handle(ticket.Id, db, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome<TicketDetails>.Conflict("Another agent has just dealt with this mail.");
        }
    }
}
