using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Tickets;

public sealed record CreateTicketRequest(
    Guid? CustomerId,
    string? Title,
    string? Description,
    Severity? Severity,
    TicketKind? Kind,
    string? Service,
    Guid? RequesterId = null,
    Channel? Channel = null);

public static class CreateTicket
{
    /// <summary>Compiled once: the customer's filters still apply, with the caller's values at each call.</summary>
    private static readonly CompiledQuery<Func<PartnerDeskDb, Guid, CancellationToken, Task<string?>>> CustomerName = new(() => EF.CompileAsyncQuery(
        (PartnerDeskDb db, Guid customerId, CancellationToken ct) => db.Customers.Where(c => c.Id == customerId).Select(c => c.Name).FirstOrDefault()));

    public static FieldErrors Validate(CreateTicketRequest request, Caller caller)
    {
        var errors = new FieldErrors()
            .Required("title", request.Title, TicketLimits.Title)
            .Required("description", request.Description, TicketLimits.Body)
            .MaxLength("service", request.Service, TicketLimits.Service)
            .Defined("severity", request.Severity)
            .Defined("kind", request.Kind)
            .Defined("channel", request.Channel);
        var callerIsContact = caller.IsContact;
        if (request.Kind == TicketKind.SubscriptionChange && callerIsContact && !caller.IsCustomerAdmin)
        {
            errors.Add("kind", "Subscription changes are requested by the customer's admin contact.");
        }

        if (request.Kind is { } kind && kind != TicketKind.SubscriptionChange && caller.AgentRole == AgentRole.SalesAgent)
        {
            errors.Add("kind", "Sales agents file subscription changes.");
        }

        if (request.CustomerId is null && !callerIsContact)
        {
            errors.Add("customerId", "The customerId field is required.");
        }

        if (request.Severity is null)
        {
            errors.Add("severity", "The severity field is required (A, B or C).");
        }

        if (request.Kind is null)
        {
            errors.Add("kind", "The kind field is required (Incident, ServiceRequest or SubscriptionChange).");
        }

        return errors;
    }

    /// <summary>Files a ticket for the caller: a contact for its own customer, an agent for any customer it reaches.</summary>
    /// <param name="alongside">Rows of another feature saved in the same commit as the new ticket (a subscription change request).</param>
    public static async Task<Outcome<TicketDetails>> Handle(
        CreateTicketRequest request, Channel defaultChannel, PartnerDeskDb db, TimeProvider clock, CancellationToken ct, Func<Ticket, IEnumerable<object>>? alongside = null)
    {
        var caller = db.Caller;
        var errors = Validate(request, caller);
        if (errors.Any)
        {
            return errors;
        }

        var customerId = caller.IsContact ? caller.CustomerId!.Value : request.CustomerId!.Value;
        if (caller.IsContact && request.CustomerId is { } asked && asked != customerId)
        {
            return errors.Add("customerId", "A contact files tickets for its own customer only.");
        }

        // One connection for the reads and the save: on SQLite every open registers EF's functions on it again.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await Open(request, defaultChannel, db, clock, caller, errors, alongside, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<Outcome<TicketDetails>> Open(
        CreateTicketRequest request, Channel defaultChannel, PartnerDeskDb db, TimeProvider clock, Caller caller, FieldErrors errors, Func<Ticket, IEnumerable<object>>? alongside, CancellationToken ct)
    {
        var customerId = caller.IsContact ? caller.CustomerId!.Value : request.CustomerId!.Value;
        // The filtered set answers only for customers this caller may reach.
        var customerName = await CustomerName.For(db)(db, customerId, ct);
        if (customerName is null)
        {
            return errors.Add("customerId", "No customer with this id is reachable.");
        }

        Guid? requesterId = caller.IsContact ? caller.UserId : request.RequesterId;
        string? requesterName = caller.IsContact ? caller.DisplayName : null;
        if (!caller.IsContact && requesterId is { } contactId)
        {
            requesterName = await db.Contacts.Where(c => c.Id == contactId && c.CustomerId == customerId).Select(c => c.DisplayName).FirstOrDefaultAsync(ct);
            if (requesterName is null)
            {
                return errors.Add("requesterId", "No contact with this id belongs to the customer.");
            }
        }

        var channel = request.Channel ?? defaultChannel;
        if (caller.IsContact && channel is not (Channel.Portal or Channel.Api))
        {
            return errors.Add("channel", "A contact files tickets in the portal or through the API.");
        }

        var now = clock.GetUtcNow();
        var organisationId = caller.RequireOrganisation();
        var draft = new TicketDraft(organisationId, customerId, request.Title!.Trim(), request.Description!, request.Kind!.Value, request.Severity!.Value, channel)
        {
            Service = request.Service,
            RequesterContactId = requesterId,
            CreatedByUserId = caller.UserId,
        };
        var ticket = await OpenTicket.Save(db, draft, caller.UserId, caller.DisplayName, channel.ToString(), now, alongside, ct);

        return new TicketDetails(
            ticket.Id, TicketNumber.Format(ticket.Number), ticket.Title, ticket.Description, ticket.Kind, ticket.Severity,
            ticket.Status, ticket.Channel, ticket.Service, customerId, customerName, requesterId, requesterName,
            null, null, now, now, null, TicketSlaView.Of(ticket));
    }
}

/// <summary>
/// Saves a new ticket with the next number of its organisation: unique under concurrent creates on both
/// databases (one atomic upsert of a counter row, backed by a unique index), without gaps unless a
/// create fails after taking its number.
/// </summary>
public static class TicketNumbers
{
    private const string Upsert = """
        INSERT INTO "TicketNumberCounters" ("OrganisationId", "LastNumber") VALUES (@organisation, 1)
        ON CONFLICT ("OrganisationId") DO UPDATE SET "LastNumber" = "TicketNumberCounters"."LastNumber" + 1
        RETURNING "LastNumber"
        """;

    private static readonly ConcurrentDictionary<string, string> NumberingConnections = new();

    public static async Task SaveNew(PartnerDeskDb db, Ticket ticket, IEnumerable<object> alongside, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // PostgreSQL: the counter row is locked until the update that takes a number commits. Taken inside the
            // create's own transaction (an Idempotency-Key wraps the whole request in one), each create of the
            // organisation waited for the one before it to commit: measured, every create of a freshly started
            // instance queued for 15 s (bench/README.md, load suite). So the number is taken on a connection of its
            // own and committed at once, without waiting for the disk; that stays safe because the ticket's own
            // (durable) commit comes later in the log and flushes the counter's with it.
            ticket.Number = await NextOnItsOwn(db, ticket.OrganisationId, ct);
            db.Add(ticket);
            db.AddRange(alongside);
            await db.SaveChangesAsync(ct);
            return;
        }

        // SQLite has one writer at a time anyway: take the number in the insert's transaction, one commit.
        var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var savepoints = db.Database.AutoSavepointsEnabled;
        await using (transaction)
        {
            ticket.Number = await Next(db, ticket.OrganisationId, ct);
            db.Add(ticket);
            db.AddRange(alongside);
            // In its own transaction a failed save fails the whole create, so no savepoint to return to: two statements
            // less in SQLite's one write turn. Inside a caller's transaction the save keeps its savepoint.
            db.Database.AutoSavepointsEnabled = savepoints && transaction is null;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            finally
            {
                db.Database.AutoSavepointsEnabled = savepoints;
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(ct);
            }
        }
    }

    private static async Task<long> Next(PartnerDeskDb db, Guid organisationId, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = Upsert;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "organisation";
            parameter.Value = organisationId.ToString().ToUpperInvariant(); // as EF stores a Guid on SQLite
            command.Parameters.Add(parameter);
            return (long)(await command.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException("The ticket number counter returned nothing."));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Takes the number on a pool of its own, committing without waiting for the disk (the pool's sessions have
    /// synchronous_commit off). Its own pool, not the host's: a create holding a connection of the host's pool while
    /// waiting for a second one from it would deadlock the pool once every connection is held by such a create.
    /// </summary>
    private static async Task<long> NextOnItsOwn(PartnerDeskDb db, Guid organisationId, CancellationToken ct)
    {
        var connectionString = NumberingConnections.GetOrAdd(
            db.Database.GetConnectionString() ?? throw new InvalidOperationException("The PostgreSQL connection has no connection string."),
            static main => new NpgsqlConnectionStringBuilder(main)
            {
                ApplicationName = "PartnerDesk ticket numbers",
                MaxPoolSize = 8,
                MinPoolSize = 0,
                Options = "-c synchronous_commit=off",
            }.ConnectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(Upsert, connection);
        command.Parameters.AddWithValue("organisation", organisationId);
        return (long)(await command.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException("The ticket number counter returned nothing."));
    }
}
