using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Ui;

namespace PartnerDesk.Features.AgentConsole;

public sealed record CannedReplyRequest(string? Title, string? BodyEn, string? BodyDe);

public sealed record CannedReplyView(Guid Id, string Title, string BodyEn, string BodyDe, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>A canned reply filled in for one ticket, in the language of the ticket's contact.</summary>
public sealed record FilledReply(Guid ReplyId, Guid TicketId, string Language, string Body);

/// <summary>The organisation's canned replies: written by admins, picked by agents on a ticket.</summary>
public static class CannedReplies
{
    /// <summary>The admin page's orders (at most <see cref="AgentConsoleLimits.RepliesPerOrganisation"/> rows: no pages).</summary>
    public static readonly ListSort<CannedReply> Sorts = new ListSort<CannedReply>(new("title", false), r => r.Id)
        .By("title", r => r.Title).By("updated", r => r.UpdatedAt);

    public static Task<IReadOnlyList<CannedReplyView>> List(PartnerDeskDb db, CancellationToken ct) => List(db, Sorts.Default, ct);

    public static async Task<IReadOnlyList<CannedReplyView>> List(PartnerDeskDb db, ListOrder order, CancellationToken ct) =>
        await Sorts.Apply(db.CannedReplies.AsNoTracking(), order)
            .Select(r => new CannedReplyView(r.Id, r.Title, r.BodyEn, r.BodyDe, r.UpdatedBy, r.UpdatedAt)).ToListAsync(ct);

    public static async Task<CannedReplyView?> Get(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        await db.CannedReplies.AsNoTracking().Where(r => r.Id == id)
            .Select(r => new CannedReplyView(r.Id, r.Title, r.BodyEn, r.BodyDe, r.UpdatedBy, r.UpdatedAt)).FirstOrDefaultAsync(ct);

    /// <summary>Writes a new reply (<paramref name="id"/> null) or changes one.</summary>
    public static async Task<Outcome<CannedReplyView>> Save(PartnerDeskDb db, Guid? id, CannedReplyRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .Required("title", request.Title, AgentConsoleLimits.ReplyTitle)
            .Required("bodyEn", request.BodyEn, AgentConsoleLimits.ReplyBody)
            .Required("bodyDe", request.BodyDe, AgentConsoleLimits.ReplyBody);
        foreach (var (field, body) in new[] { ("bodyEn", request.BodyEn), ("bodyDe", request.BodyDe) })
        {
            if (body is not null && CannedReplyText.Unknown(body) is [_, ..] unknown)
            {
                errors.Add(field, $"Unknown placeholder {string.Join(", ", unknown)}. Use {{customer}}, {{contact}}, {{ticket}} or {{agent}}; write {{{{ for a brace.");
            }
        }

        if (errors.Any)
        {
            return errors;
        }

        CannedReply? reply;
        if (id is { } existing)
        {
            reply = await db.CannedReplies.FirstOrDefaultAsync(r => r.Id == existing, ct);
            if (reply is null)
            {
                return Outcome<CannedReplyView>.Missing;
            }
        }
        else
        {
            if (await db.CannedReplies.CountAsync(ct) >= AgentConsoleLimits.RepliesPerOrganisation)
            {
                return new FieldErrors().Add("title", $"An organisation keeps at most {AgentConsoleLimits.RepliesPerOrganisation} canned replies.");
            }

            reply = new CannedReply { OrganisationId = db.Caller.RequireOrganisation(), Title = "", BodyEn = "", BodyDe = "", UpdatedBy = "" };
            db.CannedReplies.Add(reply);
        }

        (reply.Title, reply.BodyEn, reply.BodyDe) = (request.Title!.Trim(), request.BodyEn!, request.BodyDe!);
        (reply.UpdatedBy, reply.UpdatedAt) = (db.Caller.DisplayName, now);
        await db.SaveChangesAsync(ct);
        return new CannedReplyView(reply.Id, reply.Title, reply.BodyEn, reply.BodyDe, reply.UpdatedBy, reply.UpdatedAt);
    }

    public static async Task<bool> Delete(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        await db.CannedReplies.Where(r => r.Id == id).ExecuteDeleteAsync(ct) > 0;

    /// <summary>The reply for a ticket the caller sees, its placeholders resolved in the language of the ticket's contact.</summary>
    public static async Task<Outcome<FilledReply>> ForTicket(PartnerDeskDb db, Guid replyId, Guid ticketId, CancellationToken ct)
    {
        var reply = await db.CannedReplies.AsNoTracking().FirstOrDefaultAsync(r => r.Id == replyId, ct);
        var ticket = (await GetTicket.Handle(ticketId, db, ct)).Value;
        if (reply is null || ticket is null)
        {
            return Outcome<FilledReply>.Missing;
        }

        var language = ticket.RequesterId is { } contactId
            ? await db.Contacts.Where(c => c.Id == contactId).Select(c => c.Language).FirstOrDefaultAsync(ct)
            : null;
        var body = CannedReplyText.Fill(CannedReplyText.BodyFor(reply, language),
            new ReplyPlaceholders(ticket.CustomerName, ticket.RequesterName, ticket.Number, db.Caller.DisplayName));
        return new FilledReply(reply.Id, ticket.Id, CannedReplyText.LanguageOf(language), body);
    }
}
