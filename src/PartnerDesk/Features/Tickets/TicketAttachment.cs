using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Tickets;

/// <summary>A file that came with a ticket (an e-mail's attachment). Seen by whoever sees the ticket.</summary>
public sealed class TicketAttachment : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid TicketId { get; set; }

    /// <summary>The message it came with, when there is one (a reply); null for the ticket's first mail.</summary>
    public Guid? MessageId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required byte[] Content { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed record TicketAttachmentView(Guid Id, Guid? MessageId, string FileName, string ContentType, long Size, DateTimeOffset CreatedAt);

internal sealed class TicketAttachmentConfiguration : IEntityTypeConfiguration<TicketAttachment>
{
    public void Configure(EntityTypeBuilder<TicketAttachment> b)
    {
        b.Property(a => a.FileName).HasMaxLength(255);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.HasOne<Ticket>().WithMany().HasForeignKey(a => a.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.TicketId);
    }
}

public static class TicketAttachments
{
    public static RouteGroupBuilder MapTicketAttachmentEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/tickets/{id:guid}/attachments", async Task<Results<Ok<IReadOnlyList<TicketAttachmentView>>, NotFound>> (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            await List(id, db, ct) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound())
            .WithTags("Tickets").WithSummary("The files that came with a ticket (e-mail attachments).");
        api.MapGet("/attachments/{id:guid}", async Task<Results<FileContentHttpResult, NotFound>> (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            {
                var file = await db.TicketAttachments.AsNoTracking().Where(a => a.Id == id).Select(a => new { a.FileName, a.Content }).FirstOrDefaultAsync(ct);
                // Always a download of opaque bytes: a customer's HTML or SVG never renders in PartnerDesk's origin.
                return file is null ? TypedResults.NotFound() : TypedResults.File(file.Content, "application/octet-stream", file.FileName);
            })
            .WithTags("Tickets").WithSummary("An attachment's bytes, as a download.");
        return api;
    }

    public static async Task<IReadOnlyList<TicketAttachmentView>?> List(Guid ticketId, PartnerDeskDb db, CancellationToken ct)
    {
        var list = await db.TicketAttachments.AsNoTracking().Where(a => a.TicketId == ticketId).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id)
            .Select(a => new TicketAttachmentView(a.Id, a.MessageId, a.FileName, a.ContentType, a.Size, a.CreatedAt)).ToListAsync(ct);
        return list.Count > 0 || await db.Tickets.AnyAsync(t => t.Id == ticketId, ct) ? list : null;
    }
}
