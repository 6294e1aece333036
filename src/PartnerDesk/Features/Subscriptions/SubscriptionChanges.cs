using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using PartnerDesk.Features.Escalations;
using PartnerDesk.Features.Tickets;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Audit;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Outbox;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Subscriptions;

public sealed record SubscriptionChangeRequest(Guid? CustomerId, string? SubscriptionId, SubscriptionAction? Action, int? Quantity, string? Product, string? Note);

public sealed record DeclineRequest(string? Reason);

/// <summary>
/// Subscription change requests (R13): a customer's admin asks, a sales agent approves or declines, and an
/// approved change is carried out in Partner Center through the outbox (an indirect reseller's goes to its
/// provider). The customer follows it on the ticket, by mail and on the portal's subscriptions page.
/// </summary>
public static class SubscriptionChanges
{
    public static RouteGroupBuilder MapSubscriptionEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/subscriptions", async Task<IResult> (Guid? customerId, PartnerDeskDb db, PartnerCenterClient partnerCenter, CancellationToken ct) =>
            {
                var outcome = await Of(db, partnerCenter, customerId, ct);
                return outcome.Errors is { } errors ? errors.ToProblem()
                    : outcome.ConflictDetail is { } problem ? TypedResults.Problem(statusCode: 503, title: "Partner Center could not be read.", detail: problem)
                    : TypedResults.Ok(outcome.Value);
            })
            .WithTags("Subscriptions").Produces<List<SubscriptionView>>()
            .WithSummary("A customer's subscriptions, live from Partner Center, with the licences in use and until when licences can be removed (a customer's admin contact: its own).");
        var changes = api.MapGroup("/subscription-changes").WithTags("Subscriptions");
        changes.MapGet("/", async (Guid? customerId, SubscriptionChangeState? state, PartnerDeskDb db, CancellationToken ct) =>
                TypedResults.Ok(await db.SubscriptionChanges.AsNoTracking()
                    .Where(c => (customerId == null || c.CustomerId == customerId) && (state == null || c.State == state))
                    .OrderByDescending(c => c.RequestedAt).Take(200).Select(View).ToListAsync(ct)))
            .WithSummary("Subscription change requests, newest first (sales and admin agents; a customer's admin contact: its own).");
        changes.MapGet("/{id:guid}", async Task<Results<Ok<SubscriptionChangeView>, NotFound>> (Guid id, PartnerDeskDb db, CancellationToken ct) =>
                await db.SubscriptionChanges.AsNoTracking().Where(c => c.Id == id).Select(View).FirstOrDefaultAsync(ct) is { } change ? TypedResults.Ok(change) : TypedResults.NotFound())
            .WithSummary("One subscription change request.");
        changes.MapPost("/", async (SubscriptionChangeRequest request, PartnerDeskDb db, PartnerCenterClient partnerCenter, TimeProvider clock, CancellationToken ct) =>
                (await Request(db, partnerCenter, request, clock, ct)).ToResult(v => TypedResults.Created($"/api/v1/subscription-changes/{v.Id}", v)))
            .WithSummary("Asks for more or fewer licences, a cancellation or a new product; makes a SubscriptionChange ticket for the sales agents.");
        changes.MapPost("/{id:guid}/approve", async (Guid id, PartnerDeskDb db, PartnerCenterClient partnerCenter, TimeProvider clock, CancellationToken ct) =>
                (await Approve(db, partnerCenter, id, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .RequireAuthorization(Policies.Commercial).WithSummary("Approves: Partner Center is told through the outbox (an indirect reseller's change goes to its provider).");
        changes.MapPost("/{id:guid}/decline", async (Guid id, DeclineRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                (await Decline(db, id, request, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .RequireAuthorization(Policies.Commercial).WithSummary("Declines with a reason the customer reads.");
        return api;
    }

    internal static readonly System.Linq.Expressions.Expression<Func<SubscriptionChange, SubscriptionChangeView>> View = c => new SubscriptionChangeView(
        c.Id, c.CustomerId, c.TicketId, c.SubscriptionId, c.SubscriptionName, c.Action, c.Number, c.FromQuantity, c.ToQuantity, c.Product, c.State, c.Reason,
        c.RequestedAt, c.DecidedBy, c.DecidedAt, c.DoneAt);

    /// <summary>The customer's subscriptions with the licences in use; a conflict detail when Partner Center cannot be read.</summary>
    public static async Task<Outcome<List<SubscriptionView>>> Of(PartnerDeskDb db, PartnerCenterClient partnerCenter, Guid? customerId, CancellationToken ct)
    {
        var caller = db.Caller;
        if (caller.IsContact && !caller.IsCustomerAdmin)
        {
            return new FieldErrors().Add("customerId", "Subscriptions are shown to the customer's admin contact.");
        }

        var id = caller.IsContact ? caller.CustomerId : customerId;
        var tenant = await db.Customers.Where(c => c.Id == id).Select(c => (Guid?)c.TenantId).FirstOrDefaultAsync(ct);
        if (tenant is null)
        {
            return new FieldErrors().Add("customerId", "No customer with this id is reachable.");
        }

        await db.AuditRead(id!.Value, "subscriptions.read", null, ct);
        try
        {
            var organisationId = caller.RequireOrganisation();
            var subscriptions = await partnerCenter.Subscriptions(organisationId, tenant.Value, ct);
            var skus = await partnerCenter.SubscribedSkus(organisationId, tenant.Value, ct);
            return subscriptions.ConvertAll(s => NewCommerceRules.View(s, InUse(s, skus)));
        }
        catch (Exception e) when (PartnerCenterClient.IsFailure(e))
        {
            return Outcome<List<SubscriptionView>>.Conflict(PartnerCenterClient.Reason(e));
        }
    }

    /// <summary>Licences assigned of a subscription's product: its SKU by offer id, else by name.</summary>
    private static int? InUse(PartnerCenterSubscription s, List<PartnerCenterSubscribedSku> skus) =>
        skus.FirstOrDefault(k => k.ProductSku?.Id is { } id && id == s.OfferId)?.ConsumedUnits
        ?? skus.FirstOrDefault(k => k.ProductSku?.Name is { } name && name == s.OfferName)?.ConsumedUnits;

    internal static async Task<Outcome<SubscriptionChangeView>> Request(
        PartnerDeskDb db, PartnerCenterClient partnerCenter, SubscriptionChangeRequest request, TimeProvider clock, CancellationToken ct)
    {
        var caller = db.Caller;
        var errors = new FieldErrors().Defined("action", request.Action).MaxLength("product", request.Product, 200).MaxLength("note", request.Note, 2000)
            .MaxLength("subscriptionId", request.SubscriptionId, 100);
        if (request.Action is null)
        {
            errors.Add("action", "The action field is required (AddLicences, RemoveLicences, Cancel or NewProduct).");
        }

        if (caller.IsContact && !caller.IsCustomerAdmin)
        {
            errors.Add("action", "Subscription changes are requested by the customer's admin contact.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var customerId = caller.IsContact ? caller.CustomerId : request.CustomerId;
        SubscriptionView? subscription = null;
        if (request.Action != SubscriptionAction.NewProduct)
        {
            if (string.IsNullOrWhiteSpace(request.SubscriptionId))
            {
                return errors.Add("subscriptionId", "Pick the subscription to change.");
            }

            var subscriptions = await Of(db, partnerCenter, customerId, ct);
            if (subscriptions.Errors is { } notFound)
            {
                return notFound;
            }

            if (subscriptions.ConflictDetail is { } unavailable)
            {
                return errors.Add("subscriptionId", $"Partner Center could not be read, so the subscription cannot be checked now: {unavailable}");
            }

            subscription = subscriptions.Value!.FirstOrDefault(s => s.Id == request.SubscriptionId);
        }

        var now = clock.GetUtcNow();
        if (NewCommerceRules.Refusal(subscription, request.Action!.Value, request.Quantity, request.Product, now) is { } refusal)
        {
            return errors.Add(refusal.Field, refusal.Reason);
        }

        var change = new SubscriptionChange
        {
            SubscriptionId = subscription?.Id,
            SubscriptionName = subscription?.Name,
            Action = request.Action.Value,
            Number = request.Action is SubscriptionAction.AddLicences or SubscriptionAction.RemoveLicences ? request.Quantity : null,
            FromQuantity = subscription?.Quantity,
            Product = request.Action == SubscriptionAction.NewProduct ? request.Product!.Trim() : null,
            State = SubscriptionChangeState.Requested,
            RequestedByContactId = caller.IsContact ? caller.UserId : null,
            RequestedAt = now,
        };
        var title = Describe(change);
        var description = $"{title}.\n\n{(string.IsNullOrWhiteSpace(request.Note) ? "" : request.Note.Trim() + "\n\n")}"
            + (subscription is null ? "" : $"Subscription {subscription.Name} ({subscription.Id}): {subscription.Quantity} licences, {subscription.InUse?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} in use, term {subscription.TermStart:yyyy-MM-dd} to {subscription.TermEnd:yyyy-MM-dd}.");
        var ticket = await CreateTicket.Handle(
            new CreateTicketRequest(customerId, title, description, Severity.C, TicketKind.SubscriptionChange, null),
            caller.IsContact ? Channel.Portal : Channel.Api, db, clock, ct, alongside: t =>
            {
                (change.OrganisationId, change.CustomerId, change.TicketId) = (t.OrganisationId, t.CustomerId, t.Id);
                return [change];
            });
        if (ticket.Errors is { } ticketErrors)
        {
            return ticketErrors;
        }

        return await db.SubscriptionChanges.AsNoTracking().Where(c => c.Id == change.Id).Select(View).FirstAsync(ct);
    }

    public static string Describe(SubscriptionChange c) => c.Action switch
    {
        SubscriptionAction.AddLicences => $"Add {c.Number} licences to {c.SubscriptionName} ({c.FromQuantity} → {c.FromQuantity + c.Number})",
        SubscriptionAction.RemoveLicences => $"Remove {c.Number} licences from {c.SubscriptionName} ({c.FromQuantity} → {c.FromQuantity - c.Number})",
        SubscriptionAction.Cancel => $"Cancel {c.SubscriptionName}",
        _ => $"New product: {c.Product}",
    };

    internal static async Task<Outcome<SubscriptionChangeView>> Approve(PartnerDeskDb db, PartnerCenterClient partnerCenter, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        var change = await db.SubscriptionChanges.FirstOrDefaultAsync(c => c.Id == id, ct);
        var ticket = change is null ? null : await db.Tickets.FirstOrDefaultAsync(t => t.Id == change.TicketId, ct);
        if (change is null || ticket is null)
        {
            return Outcome<SubscriptionChangeView>.Missing;
        }

        if (change.State != SubscriptionChangeState.Requested)
        {
            return Outcome<SubscriptionChangeView>.Conflict($"This request is {change.State}: only a new request is approved.");
        }

        var caller = db.Caller;
        var kind = await db.Organisations.Select(o => o.Kind).FirstAsync(ct);
        (change.DecidedBy, change.DecidedAt) = (caller.DisplayName, now);
        db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "SubscriptionChange", nameof(SubscriptionChangeState.Requested), "Approved", now));
        if (kind == OrganisationKind.IndirectReseller)
        {
            Forward(db, change, ticket, caller, now);
        }
        else if (change.Action == SubscriptionAction.NewProduct)
        {
            // New products are bought through a Partner Center cart, which PartnerDesk does not place: the agent orders it.
            change.State = SubscriptionChangeState.Approved;
            db.TicketMessages.Add(TicketMessages.SystemNote(ticket.OrganisationId, ticket.CustomerId, ticket.Id, "PartnerDesk",
                $"Approved by {caller.DisplayName}. Order {change.Product} in Partner Center, then resolve this ticket with a reply to the customer.", now));
        }
        else
        {
            var live = await Of(db, partnerCenter, change.CustomerId, ct);
            if (live.ConflictDetail is { } unavailable)
            {
                return Outcome<SubscriptionChangeView>.Conflict($"Partner Center could not be read; try again: {unavailable}");
            }

            var subscription = live.Value?.FirstOrDefault(s => s.Id == change.SubscriptionId);
            if (NewCommerceRules.Refusal(subscription, change.Action, change.Number, change.Product, now) is { } refusal)
            {
                return new FieldErrors().Add(refusal.Field == "quantity" ? "id" : refusal.Field, $"{refusal.Reason} Decline the request instead.");
            }

            change.FromQuantity = subscription!.Quantity;
            change.ToQuantity = NewCommerceRules.Target(subscription, change.Action, change.Number);
            change.State = SubscriptionChangeState.Approved;
            db.OutboxMessages.Add(OutboxMessage.New(change.OrganisationId, ApplySubscriptionChangeHandler.KindName, new ChangePayload(change.Id), change.Id, now));
        }

        if (ticket.Status is TicketStatus.New)
        {
            db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "Status", ticket.Status.ToString(), nameof(TicketStatus.Open), now));
            ticket.Status = TicketStatus.Open;
        }

        ticket.AssigneeAgentId ??= caller.UserId;
        ticket.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return await db.SubscriptionChanges.AsNoTracking().Where(c => c.Id == id).Select(View).FirstAsync(ct);
    }

    /// <summary>An indirect reseller may not change subscriptions in Partner Center: the change goes to its provider, as an escalation does.</summary>
    private static void Forward(PartnerDeskDb db, SubscriptionChange change, Ticket ticket, Platform.Tenancy.Caller caller, DateTimeOffset now)
    {
        EscalateTicket.Open(db, ticket, caller, EscalationTarget.IndirectProvider, $"[{TicketNumber.Format(ticket.Number)}] {Describe(change)}",
            $"{Describe(change)}, approved by {caller.DisplayName}.\n\n{ticket.Description}", EscalateTicket.PartnerCenterSeverity(Severity.C), null, now);
        change.State = SubscriptionChangeState.Forwarded;
    }

    internal static async Task<Outcome<SubscriptionChangeView>> Decline(PartnerDeskDb db, Guid id, DeclineRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors().Required("reason", request.Reason, 1000);
        var change = await db.SubscriptionChanges.FirstOrDefaultAsync(c => c.Id == id, ct);
        var ticket = change is null ? null : await db.Tickets.FirstOrDefaultAsync(t => t.Id == change.TicketId, ct);
        if (change is null || ticket is null)
        {
            return Outcome<SubscriptionChangeView>.Missing;
        }

        if (errors.Any)
        {
            return errors;
        }

        if (change.State != SubscriptionChangeState.Requested)
        {
            return Outcome<SubscriptionChangeView>.Conflict($"This request is {change.State}: only a new request is declined.");
        }

        var caller = db.Caller;
        (change.State, change.Reason, change.DecidedBy, change.DecidedAt) = (SubscriptionChangeState.Declined, request.Reason!.Trim(), caller.DisplayName, now);
        Tell(db, ticket, caller.UserId, caller.DisplayName, $"We cannot carry out your request ({Describe(change)}): {change.Reason}", TicketStatus.Resolved, now);
        db.TicketEvents.Add(TicketHistory.Event(ticket, caller, "SubscriptionChange", nameof(SubscriptionChangeState.Requested), "Declined", now));
        await db.SaveChangesAsync(ct);
        return await db.SubscriptionChanges.AsNoTracking().Where(c => c.Id == id).Select(View).FirstAsync(ct);
    }

    /// <summary>A public reply in the partner's name that moves the ticket on (the customer reads it, and gets it by mail).</summary>
    internal static void Tell(PartnerDeskDb db, Ticket ticket, Guid authorId, string author, string text, TicketStatus status, DateTimeOffset now) =>
        TicketMessages.Add(db, ticket, new MessageAuthor(authorId, author, true), text, MessageVisibility.Public, status, null, now);
}

public sealed record ChangePayload(Guid ChangeId);

/// <summary>
/// Carries out an approved change in Partner Center: reads the subscription, PATCHes it whole with the quantity
/// fixed at approval (or status "deleted"), and tells the customer. A repeat after a crash finds the change made
/// and only records it.
/// </summary>
public sealed class ApplySubscriptionChangeHandler(PartnerCenterClient partnerCenter, IMemoryCache cache, Platform.ScaleOut.InstanceBus bus, TimeProvider clock) : IOutboxHandler
{
    public const string KindName = "PartnerCenter.UpdateSubscription";

    public string Kind => KindName;

    public async Task<OutboxOutcome> Carry(OutboxMessage message, PartnerDeskDb db, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<ChangePayload>(message.Payload)!;
        var change = await db.SubscriptionChanges.FirstOrDefaultAsync(c => c.Id == payload.ChangeId, ct);
        var ticket = change is null ? null : await db.Tickets.FirstOrDefaultAsync(t => t.Id == change.TicketId, ct);
        if (change is null || ticket is null)
        {
            return OutboxOutcome.Refused("The change request no longer exists.");
        }

        if (change.State != SubscriptionChangeState.Approved)
        {
            return OutboxOutcome.Sent;
        }

        var tenant = await db.Customers.Where(c => c.Id == change.CustomerId).Select(c => c.TenantId).FirstAsync(ct);
        var now = clock.GetUtcNow();
        var author = change.DecidedBy ?? "PartnerDesk";
        try
        {
            var subscription = await partnerCenter.Subscription(message.OrganisationId, tenant, change.SubscriptionId!, ct);
            var cancel = change.Action == SubscriptionAction.Cancel;
            var done = cancel ? subscription.Status == "deleted" : subscription.Quantity == change.ToQuantity;
            if (!done)
            {
                await partnerCenter.UpdateSubscription(message.OrganisationId, message.Id, tenant,
                    cancel ? subscription with { Status = "deleted" } : subscription with { Quantity = change.ToQuantity!.Value }, ct);
            }

            (change.State, change.DoneAt) = (SubscriptionChangeState.Done, now);
            TenantFactsCache.Forget(cache, bus, message.OrganisationId, change.CustomerId); // the workspace shows the new count at once
            SubscriptionChanges.Tell(db, ticket, Guid.Empty, author,
                cancel ? $"Done: {change.SubscriptionName} is cancelled." : $"Done: {change.SubscriptionName} now has {change.ToQuantity} licences.", TicketStatus.Resolved, now);
            return OutboxOutcome.Sent;
        }
        catch (PartnerCenterException e) when (!e.Retryable && e.Status != System.Net.HttpStatusCode.Unauthorized)
        {
            (change.State, change.Reason) = (SubscriptionChangeState.Failed, e.Reason.Length > 1000 ? e.Reason[..1000] : e.Reason);
            SubscriptionChanges.Tell(db, ticket, Guid.Empty, author, $"Microsoft did not accept the change ({SubscriptionChanges.Describe(change)}): {e.Reason}", TicketStatus.Open, now);
            return OutboxOutcome.Refused(e.Reason);
        }
        catch (Exception e) when (PartnerCenterClient.IsFailure(e))
        {
            return OutboxOutcome.Retry(PartnerCenterClient.Reason(e), (e as PartnerCenterException)?.RetryAfter);
        }
    }
}
