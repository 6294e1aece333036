using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Escalations;

/// <summary>What of a provider's linked ticket goes back to the reseller.</summary>
public sealed record MirrorPayload(Guid ResellerOrganisationId, Guid ResellerEscalationId, Guid ResellerTicketId, string What, string Text, string? Status);

/// <summary>
/// Watches saves in a provider's organisation: a public reply on a ticket that came from a reseller, a
/// change of its status, and news from Microsoft on an escalation of it are written to the outbox in
/// the same save, to be told to the reseller (<see cref="ResellerMirrorHandler"/>). The reseller's own
/// replies to its customer never travel; it talks to the provider through escalation notes.
/// </summary>
public sealed class ResellerMirror(TimeProvider clock) : ISaveStep
{
    /// <summary>Only adds to the save.</summary>
    public bool ChangesTracked => false;

    public ValueTask Saving(PartnerDeskDb db, CancellationToken ct) => new(Collect(db, ct));

    private async Task Collect(PartnerDeskDb db, CancellationToken ct)
    {
        List<(Guid TicketId, string What, string Text, string? Status)>? news = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case TicketMessage { Visibility: MessageVisibility.Public, AuthorIsAgent: true } m when entry.State == EntityState.Added && m.AuthorUserId != Guid.Empty:
                    (news ??= []).Add((m.TicketId, "ProviderReply", $"{m.AuthorName}: {m.Body}", null));
                    break;
                case Ticket t when entry.State == EntityState.Modified && entry.Property(nameof(Ticket.Status)).IsModified:
                    (news ??= []).Add((t.Id, "ProviderStatus", $"Status {entry.Property(nameof(Ticket.Status)).OriginalValue} → {t.Status}", t.Status.ToString()));
                    break;
                case EscalationEvent e when entry.State == EntityState.Added && e.What is "Sent" or "Status" or "MicrosoftNote":
                    var ticketId = db.ChangeTracker.Entries<Escalation>().Select(x => x.Entity).FirstOrDefault(x => x.Id == e.EscalationId)?.TicketId;
                    if (ticketId is { } id)
                    {
                        (news ??= []).Add((id, "Microsoft", $"Microsoft: {e.What}{(e.Detail is null ? "" : $" — {e.Detail}")}", null));
                    }

                    break;
            }
        }

        if (news is null)
        {
            return;
        }

        var ids = news.Select(n => n.TicketId).Distinct().ToList();
        var links = await db.ResellerLinks.AsNoTracking().Where(l => ids.Contains(l.TicketId)).ToDictionaryAsync(l => l.TicketId, ct);
        if (links.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var (ticketId, what, text, status) in news)
        {
            if (links.TryGetValue(ticketId, out var link))
            {
                db.OutboxMessages.Add(OutboxMessage.New(link.OrganisationId, ResellerMirrorHandler.KindName, new MirrorPayload(link.ResellerOrganisationId, link.ResellerEscalationId, link.ResellerTicketId, what, text, status), ticketId, now));
            }
        }
    }
}

/// <summary>
/// Tells the reseller what happened on the provider's side: an internal note on its ticket and a line in
/// its escalation's history; the provider resolving or closing closes the escalation. Written inside the
/// reseller's organisation; the note's id is the outbox message's, so a repeat writes nothing twice.
/// </summary>
public sealed class ResellerMirrorHandler(IServiceScopeFactory scopes, TimeProvider clock) : IOutboxHandler
{
    public const string KindName = "IndirectProvider.Mirror";

    public string Kind => KindName;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<MirrorPayload>(message.Payload)!;
        var providerName = await db.Organisations.Select(o => o.Name).FirstAsync(ct);
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(payload.ResellerOrganisationId);
        var reseller = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        if (await reseller.TicketMessages.AnyAsync(m => m.Id == message.Id, ct))
        {
            return OutboxOutcome.Sent;
        }

        var escalation = await reseller.Escalations.FirstOrDefaultAsync(e => e.Id == payload.ResellerEscalationId, ct);
        if (escalation is null)
        {
            return OutboxOutcome.Refused("The reseller's escalation no longer exists.");
        }

        var now = clock.GetUtcNow();
        var note = ServiceRequestRules.Note(escalation, $"{providerName}: {payload.Text}", now, author: providerName);
        note.Id = message.Id; // the outbox message's id: a repeat finds it and writes nothing twice
        reseller.TicketMessages.Add(note);
        reseller.EscalationEvents.Add(EscalationHistory.Line(escalation, providerName, payload.What, payload.Text, now));
        if (payload.Status is nameof(TicketStatus.Resolved) or nameof(TicketStatus.Closed) && escalation.State != EscalationState.Closed)
        {
            escalation.State = EscalationState.Closed;
            escalation.ClosedAt = now;
        }

        await reseller.SaveChangesAsync(ct);
        return OutboxOutcome.Sent;
    }
}

/// <summary>The reseller's note to its provider: a message from the reseller on the provider's linked ticket.</summary>
public sealed class ProviderNoteHandler(IServiceScopeFactory scopes, TimeProvider clock) : IOutboxHandler
{
    public const string KindName = "IndirectProvider.Note";

    public string Kind => KindName;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<EscalationPayload>(message.Payload)!;
        var escalation = await db.Escalations.FirstOrDefaultAsync(e => e.Id == payload.EscalationId, ct);
        var reseller = await db.Organisations.Select(o => new { o.Name, o.IndirectProviderId }).FirstAsync(ct);
        if (escalation?.LinkedTicketId is not { } providerTicketId || reseller.IndirectProviderId is not { } providerId)
        {
            return OutboxOutcome.Refused("The escalation has no ticket at the provider.");
        }

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(providerId);
        var provider = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        if (!await provider.TicketMessages.AnyAsync(m => m.Id == message.Id, ct))
        {
            var ticket = await provider.Tickets.FirstAsync(t => t.Id == providerTicketId, ct);
            var now = clock.GetUtcNow();
            provider.TicketMessages.Add(new TicketMessage
            {
                Id = message.Id,
                OrganisationId = providerId,
                CustomerId = ticket.CustomerId,
                TicketId = ticket.Id,
                AuthorUserId = Guid.Empty,
                AuthorName = reseller.Name,
                AuthorIsAgent = false,
                Body = payload.Text ?? "",
                Visibility = MessageVisibility.Public,
                CreatedAt = now,
            });
            var next = TicketMessages.NextStatus(ticket.Status, byAgent: false, MessageVisibility.Public);
            if (next != ticket.Status)
            {
                provider.TicketEvents.Add(TicketHistory.Event(ticket, scope.ServiceProvider.GetRequiredService<Caller>(), "Status", ticket.Status.ToString(), next.ToString(), now));
                ticket.Status = next;
            }

            ticket.UpdatedAt = now;
            await provider.SaveChangesAsync(ct);
        }

        db.EscalationEvents.Add(EscalationHistory.Line(escalation, "PartnerDesk", "NoteSent", payload.Text, clock.GetUtcNow()));
        return OutboxOutcome.Sent;
    }
}
