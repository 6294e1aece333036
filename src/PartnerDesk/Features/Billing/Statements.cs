using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Plans;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Billing;

public sealed record StatementLineView(StatementLineKind Kind, string Description, decimal Quantity, decimal UnitPrice, decimal Amount, decimal Cost);

public sealed record StatementView(
    Guid? Id, Guid CustomerId, string CustomerName, string Month, string PlanName, string Currency, bool Closed, DateTimeOffset? ClosedAt, string? ClosedBy,
    IReadOnlyList<StatementLineView> Lines, decimal Total, decimal ProviderCost, decimal Margin);

public sealed record CloseStatementRequest(Guid? CustomerId, string? Month);

/// <summary>
/// Monthly statements per customer: a draft worked out from the contract and the month's time and
/// incidents whenever asked, until an admin or sales agent closes the month; a closed statement is stored
/// line by line with the time it billed, and never changes.
/// </summary>
public static class Statements
{
    public static RouteGroupBuilder MapStatementEndpoints(this RouteGroupBuilder api)
    {
        var statements = api.MapGroup("/statements").WithTags("Billing").RequireAuthorization(Policies.Commercial);
        statements.MapGet("/", async (Guid? customerId, string? month, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
            (await Get(db, customerId, month, clock.GetUtcNow(), ct)).ToResult(TypedResults.Ok))
            .ProducesProblem(404).WithSummary("A customer's statement of a month (yyyy-MM): the closed one, or a draft as things stand.");
        statements.MapGet("/csv", async (Guid? customerId, string? month, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
            (await Get(db, customerId, month, clock.GetUtcNow(), ct)).ToResult(s =>
                TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Csv(s))).ToArray(), "text/csv", $"statement-{s.CustomerName}-{s.Month}.csv")))
            .ProducesProblem(404).WithSummary("The same statement as CSV (UTF-8, comma-separated, invariant numbers).");
        statements.MapPost("/close", async (CloseStatementRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
            (await Close(db, request, clock.GetUtcNow(), ct)).ToResult(s => TypedResults.Created($"/api/v1/statements?customerId={s.CustomerId}&month={s.Month}", s)))
            .ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Closes a past month's statement of a customer: stored as it stands, its time marked as billed, prepaid hours used taken off the contract.");
        return api;
    }

    private static FieldErrors Check(Guid? customerId, string? month, DateTimeOffset now, out DateOnly first)
    {
        var errors = new FieldErrors();
        first = default;
        if (customerId is null)
        {
            errors.Add("customerId", "The customerId field is required.");
        }

        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out first))
        {
            errors.Add("month", "The month is given as yyyy-MM (2026-11).");
        }
        else if (first > DateOnly.FromDateTime(now.UtcDateTime))
        {
            errors.Add("month", "A statement is for a month that has begun.");
        }

        return errors;
    }

    public static async Task<Outcome<StatementView>> Get(PartnerDeskDb db, Guid? customerId, string? month, DateTimeOffset now, CancellationToken ct)
    {
        var errors = Check(customerId, month, now, out var first);
        if (errors.Any)
        {
            return errors;
        }

        var customer = await db.Customers.Where(c => c.Id == customerId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        if (customer is null)
        {
            return Outcome<StatementView>.Missing;
        }

        var closed = await db.Statements.AsNoTracking().Include(s => s.Lines).FirstOrDefaultAsync(s => s.CustomerId == customerId && s.Month == first, ct);
        if (closed is not null)
        {
            return new StatementView(
                closed.Id, closed.CustomerId, customer, month!, closed.PlanName, closed.Currency, true, closed.ClosedAt, closed.ClosedBy,
                [.. closed.Lines.OrderBy(l => l.Position).Select(l => new StatementLineView(l.Kind, l.Description, l.Quantity, l.UnitPrice, l.Amount, l.Cost))],
                closed.Total, closed.ProviderCost, closed.Total - closed.ProviderCost);
        }

        var draft = await Draft(db, customerId!.Value, first, ct);
        if (draft is null)
        {
            return new FieldErrors().Add("month", "No support contract of this customer covers that month.");
        }

        return View(null, customerId.Value, customer, month!, draft, null, null);
    }

    public static async Task<Outcome<StatementView>> Close(PartnerDeskDb db, CloseStatementRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var errors = Check(request.CustomerId, request.Month, now, out var first);
        if (!errors.Has("month") && first.AddMonths(1) > DateOnly.FromDateTime(now.UtcDateTime))
        {
            errors.Add("month", "Only a month that has ended can be closed.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var customerId = request.CustomerId!.Value;
        var customer = await db.Customers.Where(c => c.Id == customerId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        if (customer is null)
        {
            return Outcome<StatementView>.Missing;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Time logged or removed meanwhile waits for this turn: the draft below is all the month's time.
        await BillingTurn.Take(db, customerId, ct);
        if (await TimeEntries.Billed(db, customerId, first, ct))
        {
            return Outcome<StatementView>.Conflict($"The statement of {request.Month} is closed already.");
        }

        var draft = await Draft(db, customerId, first, ct);
        if (draft is null)
        {
            return new FieldErrors().Add("month", "No support contract of this customer covers that month.");
        }

        var caller = db.Caller;
        var statement = new Statement
        {
            OrganisationId = caller.RequireOrganisation(),
            CustomerId = customerId,
            ContractId = draft.Parts.Count == 1 ? draft.Parts[0].ContractId : null,
            PlanName = draft.PlanName,
            Month = first,
            Currency = draft.Currency,
            Total = draft.Total,
            ProviderCost = draft.ProviderCost,
            ClosedAt = now,
            ClosedBy = caller.DisplayName,
            Lines = [.. draft.Lines.Select((l, i) => new StatementLine
            {
                OrganisationId = caller.RequireOrganisation(),
                Position = i,
                Kind = l.Kind,
                Description = l.Description,
                Quantity = l.Quantity,
                UnitPrice = l.UnitPrice,
                Amount = l.Amount,
                Cost = l.Cost,
            })],
        };
        db.Statements.Add(statement);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            // Another agent closed it a moment earlier (the unique index on customer and month).
            await transaction.RollbackAsync(ct);
            if (await TimeEntries.Billed(db, customerId, first, ct))
            {
                return Outcome<StatementView>.Conflict($"The statement of {request.Month} is closed already.");
            }

            throw;
        }

        // Exactly the time this statement counted is billed by it; prepaid hours are taken off in the database,
        // so that two months closed at once both count.
        await Unfiltered.MarkBilled(db, statement.Id, draft.EntryIds, ct);
        foreach (var part in draft.Parts.Where(p => p.Statement.PrepaidHoursUsed > 0))
        {
            await db.SupportContracts.Where(c => c.Id == part.ContractId)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.PrepaidHours, c => c.PrepaidHours - part.Statement.PrepaidHoursUsed).SetProperty(c => c.UpdatedAt, now), ct);
        }

        await transaction.CommitAsync(ct);
        return View(statement.Id, customerId, customer, request.Month!, draft, now, caller.DisplayName);
    }

    /// <summary>One contract's share of a month.</summary>
    private sealed record ContractPart(Guid ContractId, BillingTerms Terms, StatementDraft Statement);

    /// <summary>A month's statement as things stand: one part per contract that covers some of it, each with the time and incidents of its days.</summary>
    private sealed record MonthDraft(IReadOnlyList<ContractPart> Parts, List<Guid> EntryIds)
    {
        public string PlanName => string.Join(" + ", Parts.Select(p => p.Terms.PlanName).Distinct());

        public string Currency => Parts[0].Terms.Currency;

        /// <summary>With several contracts, each line says whose it is.</summary>
        public IEnumerable<StatementLineDraft> Lines => Parts.Count == 1 ? Parts[0].Statement.Lines
            : Parts.SelectMany(p => p.Statement.Lines.Select(l => l.Kind == StatementLineKind.PlanFee ? l : l with { Description = $"{p.Terms.PlanName}: {l.Description}" }));

        public decimal Total => Parts.Sum(p => p.Statement.Total);

        public decimal ProviderCost => Parts.Sum(p => p.Statement.ProviderCost);
    }

    private static async Task<MonthDraft?> Draft(PartnerDeskDb db, Guid customerId, DateOnly first, CancellationToken ct)
    {
        var end = first.AddMonths(1);
        var contracts = await db.SupportContracts.AsNoTracking().Include(c => c.Plan)
            .Where(c => c.CustomerId == customerId && c.StartsOn < end && (c.EndsOn == null || c.EndsOn >= first))
            .OrderBy(c => c.StartsOn).ToListAsync(ct);
        var parts = new List<ContractPart>();
        var entryIds = new List<Guid>();
        foreach (var contract in contracts.Where(c => c.Plan is not null))
        {
            var plan = contract.Plan!;
            var terms = new BillingTerms(
                plan.Name, plan.Currency, plan.Delivery, contract.StartsOn, contract.EndsOn,
                contract.MonthlyFee ?? plan.MonthlyFee, contract.PerSeatFee ?? plan.PerSeatFee, contract.Seats,
                contract.IncludedHours ?? plan.IncludedHours, contract.HourlyRate ?? plan.HourlyRate, contract.PerIncidentFee ?? plan.PerIncidentFee,
                contract.PrepaidHours, plan.ProviderMonthlyFee, plan.ProviderHourlyRate, plan.ProviderPerIncidentFee);

            // The caller reaches the customer (checked before); the figures are the same whoever asks.
            var from = contract.StartsOn > first ? contract.StartsOn : first;
            var until = contract.EndsOn is { } last && last.AddDays(1) < end ? last.AddDays(1) : end;
            var (activity, ids) = await Unfiltered.DaysOfCustomer(db, contract.OrganisationId, customerId, from, until, plan.Delivery, ct);
            parts.Add(new ContractPart(contract.Id, terms, StatementCalculator.Compute(terms, first, activity)));
            entryIds.AddRange(ids);
        }

        return parts.Count == 0 ? null : new MonthDraft(parts, entryIds);
    }

    private static StatementView View(Guid? id, Guid customerId, string customer, string month, MonthDraft s, DateTimeOffset? closedAt, string? closedBy) => new(
        id, customerId, customer, month, s.PlanName, s.Currency, id is not null, closedAt, closedBy,
        [.. s.Lines.Select(l => new StatementLineView(l.Kind, l.Description, l.Quantity, l.UnitPrice, l.Amount, l.Cost))],
        s.Total, s.ProviderCost, s.Total - s.ProviderCost);

    public static string Csv(StatementView s)
    {
        var csv = new StringBuilder();
        csv.AppendLine("Customer,Month,Plan,Currency,Status");
        csv.AppendLine(string.Join(',', Field(s.CustomerName), s.Month, Field(s.PlanName), s.Currency, s.Closed ? "closed" : "draft"));
        csv.AppendLine();
        csv.AppendLine("Line,Description,Quantity,UnitPrice,Amount,ProviderCost");
        foreach (var l in s.Lines)
        {
            csv.AppendLine(string.Join(',', l.Kind, Field(l.Description), Number(l.Quantity), Number(l.UnitPrice), Number(l.Amount), Number(l.Cost)));
        }

        csv.AppendLine(string.Join(',', "Total", "", "", "", Number(s.Total), Number(s.ProviderCost)));
        csv.AppendLine(string.Join(',', "Margin", "", "", "", Number(s.Margin), ""));
        return csv.ToString();
    }

    private static string Number(decimal value) => value.ToString("0.00##", CultureInfo.InvariantCulture);

    /// <summary>A text field, quoted when it needs it; a leading formula character is defused for spreadsheets.</summary>
    private static string Field(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
