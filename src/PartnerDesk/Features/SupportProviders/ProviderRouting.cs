using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.Plans;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.SupportProviders;

/// <summary>In the partner's organisation: a ticket its plan sends to a support provider, and the provider's ticket for it.</summary>
public sealed class ProviderHandover : IOrganisationOwned
{
    public Guid TicketId { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid ProviderOrganisationId { get; set; }
    public required string ProviderName { get; set; }

    /// <summary>Why it went: "outside service hours", "severity A", "resold support".</summary>
    public required string Reason { get; set; }
    public Guid? ProviderTicketId { get; set; }
    public string? ProviderTicketNumber { get; set; }
    public DateTimeOffset RoutedAt { get; set; }

    /// <summary>When the provider's last status change that was applied here happened: an older one arriving late is ignored.</summary>
    public DateTimeOffset? ProviderStatusAt { get; set; }
}

/// <summary>In the provider's organisation: a ticket a partner routed to it, and the partner's ticket behind it.</summary>
public sealed class PartnerLink : IOrganisationOwned
{
    public Guid TicketId { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid PartnerOrganisationId { get; set; }
    public required string PartnerName { get; set; }
    public Guid PartnerTicketId { get; set; }
    public required string PartnerTicketNumber { get; set; }
}

internal sealed class ProviderHandoverConfiguration : IEntityTypeConfiguration<ProviderHandover>
{
    public void Configure(EntityTypeBuilder<ProviderHandover> b)
    {
        b.HasKey(h => h.TicketId);
        b.Property(h => h.ProviderName).HasMaxLength(200);
        b.Property(h => h.Reason).HasMaxLength(200);
        b.Property(h => h.ProviderTicketNumber).HasMaxLength(32);
        b.HasOne<Ticket>().WithMany().HasForeignKey(h => h.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PartnerLinkConfiguration : IEntityTypeConfiguration<PartnerLink>
{
    public void Configure(EntityTypeBuilder<PartnerLink> b)
    {
        b.HasKey(l => l.TicketId);
        b.Property(l => l.PartnerName).HasMaxLength(200);
        b.Property(l => l.PartnerTicketNumber).HasMaxLength(32);
        b.HasOne<Ticket>().WithMany().HasForeignKey(l => l.TicketId).OnDelete(DeleteBehavior.Cascade);

        // One provider ticket per partner ticket, however often the hand-over is retried.
        b.HasIndex(l => l.PartnerTicketId).IsUnique();
    }
}

/// <summary>Which tickets a plan gives to its support provider (R10). Pure.</summary>
public static class ProviderRouting
{
    /// <summary>Why the ticket goes to the provider, or null when the partner's own agents work it.</summary>
    public static string? Reason(SupportDelivery delivery, IReadOnlyList<RoutingRule> rules, Severity severity, string? service, bool withinServiceHours)
    {
        switch (delivery)
        {
            case SupportDelivery.ResoldFrom:
                return "resold support";
            case SupportDelivery.OutsourcedTo:
                return "outsourced support";
            case SupportDelivery.Mixed:
                var rule = rules.FirstOrDefault(r =>
                    (!r.OutsideServiceHours || !withinServiceHours)
                    && (r.Severity is null || r.Severity == severity)
                    && (r.Service is null || string.Equals(r.Service, service, StringComparison.OrdinalIgnoreCase)));
                return rule is null ? null : string.Join(", ", new[]
                {
                    rule.OutsideServiceHours ? "outside service hours" : null,
                    rule.Severity is { } s ? $"severity {s}" : null,
                    rule.Service is { } svc ? svc : null,
                }.Where(p => p is not null));
            default:
                return null;
        }
    }
}

public sealed record RoutePayload(Guid TicketId);

public sealed record ForwardPayload(Guid PartnerTicketId, string AuthorName, string Body, DateTimeOffset At);

public sealed record ProviderNewsPayload(Guid PartnerOrganisationId, Guid PartnerTicketId, string? ReplyBody, string? ReplyAuthor, string? Status, DateTimeOffset At);

/// <summary>
/// The traffic between a partner and its support provider, written to the outbox in the same save as what
/// causes it: a new ticket the plan routes (partner side); a customer's reply on a routed ticket (partner
/// side, forwarded); a provider agent's public reply or status change on a routed ticket (provider side,
/// brought back, where the reply goes to the customer in the partner's name). Internal notes never travel.
/// </summary>
public sealed class ProviderRouter(SlaPolicies policies, TimeProvider clock) : ISaveStep
{
    /// <summary>Only adds to the save.</summary>
    public bool ChangesTracked => false;

    public ValueTask Saving(PartnerDeskDb db, CancellationToken ct) => new(Collect(db, ct));

    public const string RouteKind = "SupportProvider.Route";
    public const string ForwardKind = "SupportProvider.Forward";
    public const string NewsKind = "SupportProvider.News";

    private async Task Collect(PartnerDeskDb db, CancellationToken ct)
    {
        List<Ticket>? fresh = null;
        List<TicketMessage>? publicMessages = null;
        List<Ticket>? statusChanges = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case Ticket { PlanId: not null, Kind: not TicketKind.SubscriptionChange } t when entry.State == EntityState.Added:
                    (fresh ??= []).Add(t);
                    break;
                case Ticket t when entry.State == EntityState.Modified && entry.Property(nameof(Ticket.Status)).IsModified:
                    (statusChanges ??= []).Add(t);
                    break;
                case TicketMessage { Visibility: MessageVisibility.Public, AuthorUserId: var author } m when entry.State == EntityState.Added && author != Guid.Empty:
                    (publicMessages ??= []).Add(m);
                    break;
            }
        }

        var now = clock.GetUtcNow();
        foreach (var ticket in fresh ?? [])
        {
            await Route(db, ticket, now, ct);
        }

        if (publicMessages is null && statusChanges is null)
        {
            return;
        }

        // Partner side: customers' replies on routed tickets go on to the provider. Only customers' replies
        // cost a look-up, so agents' replies and status changes in most organisations cost nothing.
        var fromCustomers = (publicMessages ?? []).Where(m => !m.AuthorIsAgent).ToList();
        if (fromCustomers.Count > 0)
        {
            var routed = await Unfiltered.RoutedTickets(db, [.. fromCustomers.Select(m => m.TicketId).Distinct()], ct);
            foreach (var m in fromCustomers.Where(m => routed.Contains(m.TicketId)))
            {
                db.OutboxMessages.Add(Outbox(m.OrganisationId, ForwardKind, m.TicketId, new ForwardPayload(m.TicketId, m.AuthorName, m.Body, m.CreatedAt), now));
            }
        }

        // Provider side: its agents' public replies and status changes on tickets partners routed here go back.
        var channels = db.ChangeTracker.Entries<Ticket>().Select(e => e.Entity).DistinctBy(t => t.Id).ToDictionary(t => t.Id, t => t.Channel);
        bool MayBeRouted(Guid ticketId) => !channels.TryGetValue(ticketId, out var channel) || channel == Channel.Partner;
        var ids = (publicMessages ?? []).Where(m => m.AuthorIsAgent).Select(m => m.TicketId)
            .Concat((statusChanges ?? []).Where(s => s.Channel == Channel.Partner).Select(s => s.Id))
            .Distinct().Where(MayBeRouted).ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var links = await db.PartnerLinks.AsNoTracking().Where(l => ids.Contains(l.TicketId)).ToDictionaryAsync(l => l.TicketId, ct);
        if (links.Count == 0)
        {
            return;
        }

        foreach (var m in (publicMessages ?? []).Where(m => m.AuthorIsAgent))
        {
            if (links.TryGetValue(m.TicketId, out var link))
            {
                db.OutboxMessages.Add(Outbox(m.OrganisationId, NewsKind, m.TicketId, new ProviderNewsPayload(link.PartnerOrganisationId, link.PartnerTicketId, m.Body, m.AuthorName, null, m.CreatedAt), now));
            }
        }

        foreach (var ticket in statusChanges ?? [])
        {
            if (links.TryGetValue(ticket.Id, out var link))
            {
                db.OutboxMessages.Add(Outbox(ticket.OrganisationId, NewsKind, ticket.Id, new ProviderNewsPayload(link.PartnerOrganisationId, link.PartnerTicketId, null, null, ticket.Status.ToString(), now), now));
            }
        }
    }

    /// <summary>A new ticket under a plan with a provider: routed when the plan says so, in the same save.</summary>
    private async Task Route(PartnerDeskDb db, Ticket ticket, DateTimeOffset now, CancellationToken ct)
    {
        if (ticket.Channel is Channel.Reseller || await policies.Get(db, ticket.PlanId!.Value, ct) is not { ProviderOrganisationId: { } providerId } policy)
        {
            return;
        }

        var reason = ProviderRouting.Reason(policy.Delivery, policy.Rules, ticket.Severity, ticket.Service, policy.Calendar.IsOpen(ticket.CreatedAt));
        if (reason is null)
        {
            return;
        }

        db.Add(new ProviderHandover
        {
            TicketId = ticket.Id,
            OrganisationId = ticket.OrganisationId,
            CustomerId = ticket.CustomerId,
            ProviderOrganisationId = providerId,
            ProviderName = policy.ProviderName ?? "",
            Reason = reason,
            RoutedAt = now,
        });
        db.OutboxMessages.Add(Outbox(ticket.OrganisationId, RouteKind, ticket.Id, new RoutePayload(ticket.Id), now));
    }

    private static OutboxMessage Outbox<T>(Guid organisationId, string kind, Guid subject, T payload, DateTimeOffset now) =>
        OutboxMessage.New(organisationId, kind, payload, subject, now);
}

/// <summary>
/// Makes the provider's ticket for a routed one: in the provider's organisation, holding what the customer
/// wrote (never the partner's internal notes), linked both ways. A retry finds the ticket it made before.
/// </summary>
public sealed class RouteToProviderHandler(IServiceScopeFactory scopes, TimeProvider clock) : IOutboxHandler
{
    public string Kind => ProviderRouter.RouteKind;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<RoutePayload>(message.Payload)!;
        var handover = await db.Set<ProviderHandover>().FirstOrDefaultAsync(h => h.TicketId == payload.TicketId, ct);
        var ticket = await db.Tickets.AsNoTracking().Include(t => t.Customer).Include(t => t.Requester).FirstOrDefaultAsync(t => t.Id == payload.TicketId, ct);
        if (handover is null || ticket?.Customer is null)
        {
            return OutboxOutcome.Refused("The routed ticket no longer exists.");
        }

        var partnerName = await db.Organisations.Select(o => o.Name).FirstAsync(ct);
        var partnerNumber = TicketNumber.Format(ticket.Number);
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var system = scope.ServiceProvider.GetRequiredService<Caller>();
        system.ActAsSystem(handover.ProviderOrganisationId);
        var provider = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        if (!await provider.Organisations.AnyAsync(o => o.Kind == OrganisationKind.SupportProvider, ct))
        {
            return OutboxOutcome.Refused($"{handover.ProviderName} is no support provider on this installation.");
        }

        var existing = await provider.Set<PartnerLink>().Where(l => l.PartnerTicketId == ticket.Id)
            .Join(provider.Tickets, l => l.TicketId, t => t.Id, (l, t) => new { t.Id, t.Number }).FirstOrDefaultAsync(ct);
        if (existing is null)
        {
            // One customer record per tenant at the provider, named after the partner it came through.
            var customer = await HandedOverCustomers.ForTenant(
                provider, handover.ProviderOrganisationId, ticket.Customer.TenantId, ticket.Customer.Name, ticket.Customer.DefaultDomain, ticket.Customer.TimeZoneId, partnerName, now, ct);

            var draft = new TicketDraft(
                // The copy's prefixes must not push a title or description at its limit past the column (PostgreSQL refuses it).
                handover.ProviderOrganisationId, customer.Id, TicketRouting.Fit($"[{partnerName} {partnerNumber}] {ticket.Title}", TicketLimits.Title),
                TicketRouting.Fit(ticket.Requester is { } requester ? $"{requester.DisplayName} ({requester.Email}):\n\n{ticket.Description}" : ticket.Description, TicketLimits.Body),
                ticket.Kind, ticket.Severity, Channel.Partner)
            {
                Service = ticket.Service,
            };
            var copy = await OpenTicket.Save(provider, draft, system.UserId, system.DisplayName, $"{Channel.Partner} ({partnerName}: {handover.Reason})", now, copy =>
            [
                new PartnerLink
                {
                    OrganisationId = handover.ProviderOrganisationId, TicketId = copy.Id, PartnerOrganisationId = ticket.OrganisationId,
                    PartnerName = partnerName, PartnerTicketId = ticket.Id, PartnerTicketNumber = partnerNumber,
                },
            ], ct);
            existing = new { copy.Id, copy.Number };
        }

        handover.ProviderTicketId = existing.Id;
        handover.ProviderTicketNumber = TicketNumber.Format(existing.Number);
        db.TicketMessages.Add(TicketMessages.SystemNote(ticket.OrganisationId, ticket.CustomerId, ticket.Id, "PartnerDesk",
            $"Routed to {handover.ProviderName} ({handover.Reason}): their ticket {handover.ProviderTicketNumber}. Their public replies reach the customer in our name.", now));
        return OutboxOutcome.Sent;
    }
}

/// <summary>A customer's reply on a routed ticket, on the provider's ticket. Its id is the outbox message's: a repeat writes nothing twice.</summary>
public sealed class ForwardToProviderHandler(IServiceScopeFactory scopes, TimeProvider clock) : IOutboxHandler
{
    public string Kind => ProviderRouter.ForwardKind;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<ForwardPayload>(message.Payload)!;
        var handover = await db.Set<ProviderHandover>().AsNoTracking().FirstOrDefaultAsync(h => h.TicketId == payload.PartnerTicketId, ct);
        if (handover?.ProviderTicketId is not { } providerTicketId)
        {
            return handover is null ? OutboxOutcome.Refused("The ticket is not routed.") : OutboxOutcome.Retry("The provider's ticket is not made yet.", TimeSpan.FromSeconds(30));
        }

        await using var scope = scopes.CreateAsyncScope();
        var system = scope.ServiceProvider.GetRequiredService<Caller>();
        system.ActAsSystem(handover.ProviderOrganisationId);
        var provider = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        if (await provider.TicketMessages.AnyAsync(m => m.Id == message.Id, ct))
        {
            return OutboxOutcome.Sent;
        }

        var ticket = await provider.Tickets.FirstAsync(t => t.Id == providerTicketId, ct);
        var now = clock.GetUtcNow();
        provider.TicketMessages.Add(new TicketMessage
        {
            Id = message.Id,
            OrganisationId = ticket.OrganisationId,
            CustomerId = ticket.CustomerId,
            TicketId = ticket.Id,
            AuthorUserId = Guid.Empty,
            AuthorName = payload.AuthorName,
            AuthorIsAgent = false,
            Body = payload.Body,
            Visibility = MessageVisibility.Public,
            CreatedAt = payload.At,
        });
        var next = TicketMessages.NextStatus(ticket.Status, byAgent: false, MessageVisibility.Public);
        if (next != ticket.Status)
        {
            provider.TicketEvents.Add(TicketHistory.Event(ticket, system, "Status", ticket.Status.ToString(), next.ToString(), now));
            ticket.Status = next;
        }

        ticket.UpdatedAt = now;
        await provider.SaveChangesAsync(ct);
        return OutboxOutcome.Sent;
    }
}

/// <summary>
/// What the provider did, on the partner's ticket: a public reply goes to the customer in the partner's
/// name (R6), with the provider's agent in the history; a status follows. Written inside the partner's
/// organisation; the reply's id is the outbox message's, so a repeat writes nothing twice.
/// </summary>
public sealed class ProviderNewsHandler(IServiceScopeFactory scopes, TimeProvider clock) : IOutboxHandler
{
    public string Kind => ProviderRouter.NewsKind;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<ProviderNewsPayload>(message.Payload)!;
        var providerName = await db.Organisations.Select(o => o.Name).FirstAsync(ct);
        await using var scope = scopes.CreateAsyncScope();
        var system = scope.ServiceProvider.GetRequiredService<Caller>();
        system.ActAsSystem(payload.PartnerOrganisationId);
        var partner = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var ticket = await partner.Tickets.FirstOrDefaultAsync(t => t.Id == payload.PartnerTicketId, ct);
        // Only the provider the partner routed this ticket to may write on it (not one it has since left).
        var handover = ticket is null ? null
            : await partner.ProviderHandovers.FirstOrDefaultAsync(h => h.TicketId == ticket.Id && h.ProviderOrganisationId == message.OrganisationId, ct);
        if (ticket is null || handover is null)
        {
            return OutboxOutcome.Refused("The partner's ticket no longer exists or is no longer routed to this provider.");
        }

        var now = clock.GetUtcNow();
        if (payload.ReplyBody is { } body)
        {
            if (await partner.TicketMessages.AnyAsync(m => m.Id == message.Id, ct))
            {
                return OutboxOutcome.Sent;
            }

            var partnerName = await partner.Organisations.Select(o => o.Name).FirstAsync(ct);
            partner.TicketMessages.Add(new TicketMessage
            {
                Id = message.Id,
                OrganisationId = ticket.OrganisationId,
                CustomerId = ticket.CustomerId,
                TicketId = ticket.Id,
                AuthorUserId = Guid.Empty,
                AuthorName = partnerName,
                AuthorIsAgent = true,
                Body = body,
                Visibility = MessageVisibility.Public,
                CreatedAt = payload.At, // when the provider answered: the SLA counts that, not the delivery
            });
            partner.TicketEvents.Add(TicketHistory.Event(ticket.OrganisationId, ticket.CustomerId, ticket.Id, Guid.Empty, providerName, "ProviderReply", null, payload.ReplyAuthor, now));
            var next = TicketMessages.NextStatus(ticket.Status, byAgent: true, MessageVisibility.Public);
            if (next != ticket.Status)
            {
                partner.TicketEvents.Add(TicketHistory.Event(ticket.OrganisationId, ticket.CustomerId, ticket.Id, Guid.Empty, providerName, "Status", ticket.Status.ToString(), next.ToString(), now));
                ticket.Status = next;
            }
        }
        else if (Enum.TryParse<TicketStatus>(payload.Status, out var status) && status != ticket.Status && status != TicketStatus.New
                 && (handover.ProviderStatusAt is null || payload.At > handover.ProviderStatusAt))
        {
            handover.ProviderStatusAt = payload.At;
            partner.TicketEvents.Add(TicketHistory.Event(ticket.OrganisationId, ticket.CustomerId, ticket.Id, Guid.Empty, providerName, "Status", ticket.Status.ToString(), status.ToString(), now));
            ticket.Status = status;
            ticket.ResolvedAt = status is TicketStatus.Resolved or TicketStatus.Closed ? ticket.ResolvedAt ?? now : null;
        }
        else
        {
            return OutboxOutcome.Sent;
        }

        ticket.UpdatedAt = now;
        await partner.SaveChangesAsync(ct);
        return OutboxOutcome.Sent;
    }
}

/// <summary>Who else works a ticket: the provider it was routed to (partner side), or the partner it came from (provider side).</summary>
public sealed record TicketRoutingView(string Direction, string Organisation, string? TicketNumber, string? Reason, DateTimeOffset? RoutedAt);

public static class TicketRouting
{
    public const string ToProvider = "ToProvider";
    public const string FromPartner = "FromPartner";

    public static RouteGroupBuilder MapTicketRoutingEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/tickets/{id:guid}/routing", async (Guid id, PartnerDeskDb db, CancellationToken ct) =>
            await Of(db, id, ct) is { } view ? Results.Ok(view) : TypedResults.Problem(statusCode: 404, title: "Not found."))
            .RequireAuthorization(Platform.Auth.Policies.Agent).WithTags("Plans").Produces<TicketRoutingView>().ProducesProblem(404)
            .WithSummary("Whether a support provider works the ticket (and its ticket number there), or which partner routed it here.");
        return api;
    }

    public static async Task<TicketRoutingView?> Of(PartnerDeskDb db, Guid ticketId, CancellationToken ct)
    {
        if (!await db.Tickets.AnyAsync(t => t.Id == ticketId, ct))
        {
            return null;
        }

        return await db.ProviderHandovers.AsNoTracking().Where(h => h.TicketId == ticketId)
                .Select(h => new TicketRoutingView(ToProvider, h.ProviderName, h.ProviderTicketNumber, h.Reason, h.RoutedAt)).FirstOrDefaultAsync(ct)
            ?? await db.PartnerLinks.AsNoTracking().Where(l => l.TicketId == ticketId)
                .Select(l => new TicketRoutingView(FromPartner, l.PartnerName, l.PartnerTicketNumber, null, null)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The text, cut with an ellipsis to at most <paramref name="max"/> characters.</summary>
    internal static string Fit(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
