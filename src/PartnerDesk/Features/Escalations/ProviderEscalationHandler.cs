using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Escalations;

/// <summary>
/// Hands a reseller's escalation to its indirect provider. On this installation: a ticket in the
/// provider's queue holding only what the reseller shares (the escalation's text; its internal notes
/// only when chosen), linked both ways. Elsewhere: an e-mail to the provider, through the outbox.
/// Written as the provider's system inside the provider's organisation, the one place where a change
/// crosses from one organisation to another; a retry finds the ticket it made before (one per escalation).
/// </summary>
public sealed class ProviderEscalationHandler(IServiceScopeFactory scopes, TimeProvider clock) : IOutboxHandler
{
    public const string KindName = "IndirectProvider.Escalate";
    public const string EmailKind = "Email.ProviderEscalation";

    public string Kind => KindName;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<EscalationPayload>(message.Payload)!;
        var escalation = await db.Escalations.Include(e => e.Ticket).FirstOrDefaultAsync(e => e.Id == payload.EscalationId, ct);
        if (escalation is null)
        {
            return OutboxOutcome.Refused("The escalation no longer exists.");
        }

        var reseller = await db.Organisations.Select(o => new { o.Id, o.Name, o.IndirectProviderId, o.IndirectProviderEmail }).FirstAsync(ct);
        var now = clock.GetUtcNow();
        var providerName = reseller.IndirectProviderId is { } id ? await ProviderOnThisInstallation(id, ct) : null;
        if (reseller.IndirectProviderId is not { } providerId || providerName is null)
        {
            if (reseller.IndirectProviderEmail is { Length: > 0 } email)
            {
                db.OutboxMessages.Add(OutboxMessage.New(escalation.OrganisationId, EmailKind, message.Payload, escalation.Id, now));
                escalation.State = EscalationState.Open;
                escalation.SentAt = now;
                db.EscalationEvents.Add(EscalationHistory.Line(escalation, "PartnerDesk", "Sent", $"by e-mail to {email}", now));
                return OutboxOutcome.Sent;
            }

            escalation.State = EscalationState.NeedsAgent;
            escalation.Problem = "This organisation names no indirect provider on this installation and no provider e-mail address.";
            db.EscalationEvents.Add(EscalationHistory.Line(escalation, "PartnerDesk", "Refused", escalation.Problem, now));
            return OutboxOutcome.Refused(escalation.Problem);
        }

        var customer = await db.Customers.Where(c => c.Id == escalation.CustomerId).Select(c => new { c.Name, c.TenantId, c.DefaultDomain }).FirstAsync(ct);
        var shared = escalation.ShareInternalNotes
            ? await db.TicketMessages.Where(m => m.TicketId == escalation.TicketId && m.Visibility == MessageVisibility.Internal)
                .OrderBy(m => m.CreatedAt).Select(m => new { m.AuthorName, m.Body, m.CreatedAt }).ToListAsync(ct)
            : [];
        var resellerNumber = TicketNumber.Format(escalation.Ticket!.Number);

        string providerNumber;
        Guid providerTicketId;
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(providerId);
            var provider = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
            var existing = await provider.ResellerLinks.Where(l => l.ResellerEscalationId == escalation.Id)
                .Join(provider.Tickets, l => l.TicketId, t => t.Id, (l, t) => new { t.Id, t.Number }).FirstOrDefaultAsync(ct);
            if (existing is not null)
            {
                (providerTicketId, providerNumber) = (existing.Id, TicketNumber.Format(existing.Number));
            }
            else
            {
                // The provider knows the end customer from Partner Center too: one customer record per tenant.
                var providerCustomer = await HandedOverCustomers.ForTenant(provider, providerId, customer.TenantId, customer.Name, customer.DefaultDomain, null, reseller.Name, now, ct);

                var draft = new TicketDraft(
                    providerId, providerCustomer.Id, $"[{reseller.Name} {resellerNumber}] {escalation.Title}", escalation.Description,
                    // A reseller's subscription change reaches the provider's sales agents, who carry it out.
                    escalation.Ticket.Kind == TicketKind.SubscriptionChange ? TicketKind.SubscriptionChange : TicketKind.Incident,
                    escalation.Severity switch { "critical" => Severity.A, "moderate" => Severity.B, _ => Severity.C },
                    Channel.Reseller)
                {
                    Service = escalation.Ticket.Service,
                };
                var system = scope.ServiceProvider.GetRequiredService<Caller>();
                var ticket = await OpenTicket.Save(provider, draft, system.UserId, system.DisplayName, $"{Channel.Reseller} ({reseller.Name})", now, ticket =>
                [
                    new ResellerLink
                    {
                        OrganisationId = providerId, TicketId = ticket.Id, ResellerOrganisationId = reseller.Id, ResellerName = reseller.Name,
                        ResellerEscalationId = escalation.Id, ResellerTicketId = escalation.TicketId,
                    },
                    .. shared.Select(n => TicketMessages.SystemNote(providerId, providerCustomer.Id, ticket.Id, $"{reseller.Name}: {n.AuthorName}", n.Body, n.CreatedAt)),
                ], ct);
                (providerTicketId, providerNumber) = (ticket.Id, TicketNumber.Format(ticket.Number));
            }
        }

        escalation.LinkedTicketId = providerTicketId;
        escalation.LinkedTicketNumber = providerNumber;
        escalation.State = EscalationState.Open;
        escalation.SentAt = now;
        escalation.Problem = null;
        db.EscalationEvents.Add(EscalationHistory.Line(escalation, "PartnerDesk", "Sent", $"to {providerName} as {providerNumber}", now));
        db.TicketMessages.Add(ServiceRequestRules.Note(escalation, $"Handed to {providerName}: their ticket {providerNumber}.", now, author: "PartnerDesk"));
        return OutboxOutcome.Sent;
    }

    /// <summary>The provider's name when it is an indirect provider on this installation; null otherwise.</summary>
    private async Task<string?> ProviderOnThisInstallation(Guid providerId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(providerId);
        return await scope.ServiceProvider.GetRequiredService<PartnerDeskDb>().Organisations
            .Where(o => o.Kind == OrganisationKind.IndirectProvider).Select(o => o.Name).FirstOrDefaultAsync(ct);
    }
}
