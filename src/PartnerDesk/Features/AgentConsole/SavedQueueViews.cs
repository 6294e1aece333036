using Microsoft.EntityFrameworkCore;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.AgentConsole;

/// <summary>A saved view as written and read: its name and the queue's filters and sort.</summary>
public sealed record SavedQueueViewRequest(
    string? Name, string? Status = null, Severity? Severity = null, Guid? CustomerId = null, string? Assignee = null, string? Service = null,
    string? Search = null, QueueSort? Sort = null);

public sealed record SavedQueueViewView(
    Guid Id, string Name, string Status, Severity? Severity, Guid? CustomerId, string? Assignee, string? Service, string? Search, QueueSort Sort)
{
    /// <summary>The queue this view opens (first page).</summary>
    public QueueQuery ToQuery() => new() { Status = Status, Severity = Severity, CustomerId = CustomerId, Assignee = Assignee, Service = Service, Search = Search, Sort = Sort };
}

/// <summary>A console list whose columns an agent chooses: its name in storage, its columns in order, those always shown.</summary>
public sealed record ColumnSet(string List, IReadOnlyList<string> All, IReadOnlyList<string> Fixed)
{
    /// <summary>Known names only, in the table's order, the fixed ones always in.</summary>
    public IReadOnlyList<string> Normalise(IEnumerable<string>? chosen)
    {
        var set = new HashSet<string>(chosen ?? All, StringComparer.Ordinal);
        return All.Where(c => Fixed.Contains(c) || set.Contains(c)).ToList();
    }
}

/// <summary>The queue's columns, in the order a table shows them.</summary>
public static class QueueColumns
{
    public const string Number = "number";
    public const string Title = "title";
    public const string Customer = "customer";
    public const string Severity = "severity";
    public const string Status = "status";
    public const string Service = "service";
    public const string Assignee = "assignee";
    public const string Sla = "sla";
    public const string Updated = "updated";

    public static readonly IReadOnlyList<string> All = [Number, Title, Customer, Severity, Status, Service, Assignee, Sla, Updated];

    /// <summary>The number and title are always shown: a row must say which ticket it is.</summary>
    public static readonly IReadOnlyList<string> Fixed = [Number, Title];

    public static readonly ColumnSet Set = new("queue", All, Fixed);

    /// <summary>Known names only, in the table's order, the fixed ones always in.</summary>
    public static IReadOnlyList<string> Normalise(IEnumerable<string>? chosen) => Set.Normalise(chosen);
}

/// <summary>The columns an agent shows in a console list, stored per agent and list (the queue's, since 8v; others since 8x).</summary>
public static class ColumnChoices
{
    /// <summary>The columns the calling agent shows (all, until it chooses).</summary>
    public static async Task<IReadOnlyList<string>> Of(PartnerDeskDb db, ColumnSet list, CancellationToken ct)
    {
        var stored = await db.QueueColumnChoices.AsNoTracking().Where(c => c.List == list.List).Select(c => c.Columns).FirstOrDefaultAsync(ct);
        return list.Normalise(stored?.Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    public static async Task<IReadOnlyList<string>> Choose(PartnerDeskDb db, ColumnSet list, IEnumerable<string> columns, CancellationToken ct)
    {
        var chosen = list.Normalise(columns);
        var choice = await db.QueueColumnChoices.FirstOrDefaultAsync(c => c.List == list.List, ct);
        if (choice is null)
        {
            db.QueueColumnChoices.Add(new QueueColumnChoice
            {
                OrganisationId = db.Caller.RequireOrganisation(),
                AgentId = db.Caller.UserId,
                List = list.List,
                Columns = string.Join(',', chosen),
            });
        }
        else
        {
            choice.Columns = string.Join(',', chosen);
        }

        await db.SaveChangesAsync(ct);
        return chosen;
    }
}

/// <summary>An agent's own saved views of the queue and column choice.</summary>
public static class SavedQueueViews
{
    public static async Task<IReadOnlyList<SavedQueueViewView>> List(PartnerDeskDb db, CancellationToken ct) =>
        await db.SavedQueueViews.AsNoTracking().OrderBy(v => v.Name)
            .Select(v => new SavedQueueViewView(v.Id, v.Name, v.Status, v.Severity, v.CustomerId, v.Assignee, v.Service, v.Search, v.Sort))
            .ToListAsync(ct);

    /// <summary>Saves a new view (<paramref name="id"/> null) or replaces one's name, filters and sort.</summary>
    public static async Task<Outcome<SavedQueueViewView>> Save(PartnerDeskDb db, Guid? id, SavedQueueViewRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var caller = db.Caller;
        var name = request.Name?.Trim();
        var status = string.IsNullOrWhiteSpace(request.Status) ? QueueQuery.Active : request.Status.Trim();
        var errors = new FieldErrors()
            .Required("name", name, AgentConsoleLimits.ViewName)
            .Defined("severity", request.Severity)
            .Defined("sort", request.Sort)
            .MaxLength("search", request.Search, TicketQueue.MaxSearch)
            .MaxLength("service", request.Service, 100);
        if (status is not (QueueQuery.Active or QueueQuery.All) && !Enum.TryParse<TicketStatus>(status, out _))
        {
            errors.Add("status", $"Use {QueueQuery.Active}, {QueueQuery.All} or one of: {string.Join(", ", Enum.GetNames<TicketStatus>())}.");
        }

        if (!string.IsNullOrEmpty(request.Assignee) && request.Assignee != QueueQuery.Unassigned && !Guid.TryParse(request.Assignee, out _))
        {
            errors.Add("assignee", $"Use an agent id or {QueueQuery.Unassigned}.");
        }

        if (request.CustomerId is { } customerId && !await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            errors.Add("customerId", "No customer with this id is yours to see.");
        }

        if (name is { Length: > 0 } && await db.SavedQueueViews.AnyAsync(v => v.Name == name && v.Id != id, ct))
        {
            errors.Add("name", "You have a view of this name already.");
        }

        if (errors.Any)
        {
            return errors;
        }

        SavedQueueView? view;
        if (id is { } existing)
        {
            view = await db.SavedQueueViews.FirstOrDefaultAsync(v => v.Id == existing, ct);
            if (view is null)
            {
                return Outcome<SavedQueueViewView>.Missing;
            }
        }
        else
        {
            if (await db.SavedQueueViews.CountAsync(ct) >= AgentConsoleLimits.ViewsPerAgent)
            {
                return new FieldErrors().Add("name", $"An agent keeps at most {AgentConsoleLimits.ViewsPerAgent} views.");
            }

            view = new SavedQueueView { OrganisationId = caller.RequireOrganisation(), AgentId = caller.UserId, Name = "", CreatedAt = now };
            db.SavedQueueViews.Add(view);
        }

        view.Name = name!;
        view.Status = status;
        view.Severity = request.Severity;
        view.CustomerId = request.CustomerId;
        view.Assignee = string.IsNullOrEmpty(request.Assignee) ? null : request.Assignee;
        view.Service = string.IsNullOrWhiteSpace(request.Service) ? null : request.Service.Trim();
        view.Search = string.IsNullOrWhiteSpace(request.Search) ? null : request.Search.Trim();
        view.Sort = request.Sort ?? QueueSort.Newest;
        view.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            return new FieldErrors().Add("name", "You have a view of this name already."); // saved twice at once
        }

        return new SavedQueueViewView(view.Id, view.Name, view.Status, view.Severity, view.CustomerId, view.Assignee, view.Service, view.Search, view.Sort);
    }

    /// <summary>Renames a view, keeping its filters.</summary>
    public static async Task<Outcome<SavedQueueViewView>> Rename(PartnerDeskDb db, Guid id, string? name, DateTimeOffset now, CancellationToken ct)
    {
        var view = await db.SavedQueueViews.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct);
        return view is null
            ? Outcome<SavedQueueViewView>.Missing
            : await Save(db, id, new SavedQueueViewRequest(name, view.Status, view.Severity, view.CustomerId, view.Assignee, view.Service, view.Search, view.Sort), now, ct);
    }

    public static async Task<bool> Delete(PartnerDeskDb db, Guid id, CancellationToken ct) =>
        await db.SavedQueueViews.Where(v => v.Id == id).ExecuteDeleteAsync(ct) > 0;

    /// <summary>The queue's columns the calling agent shows (all, until it chooses).</summary>
    public static Task<IReadOnlyList<string>> Columns(PartnerDeskDb db, CancellationToken ct) => ColumnChoices.Of(db, QueueColumns.Set, ct);

    public static Task<IReadOnlyList<string>> ChooseColumns(PartnerDeskDb db, IEnumerable<string> columns, CancellationToken ct) =>
        ColumnChoices.Choose(db, QueueColumns.Set, columns, ct);
}

/// <summary>The customers list's columns (the console's <c>/console/customers</c>), and the sort each header sets.</summary>
public static class CustomerColumns
{
    public const string Customer = "customer";
    public const string Domain = "domain";
    public const string Tenant = "tenant";
    public const string Relationship = "relationship";
    public const string Ends = "ends";

    public static readonly ColumnSet Set = new("customers", [Customer, Domain, Tenant, Relationship, Ends], [Customer]);

    public static string Caption(string column) => column switch
    {
        Customer => "Customer",
        Domain => "Domain",
        Tenant => "Tenant id",
        Relationship => "GDAP relationship",
        _ => "Ends",
    };

    /// <summary>The sort of <see cref="Organisations.CustomerEndpoints.Sorts"/> a header sets; null: not sortable (the relationships are read apart).</summary>
    public static string? Sort(string column) => column switch
    {
        Customer => "name",
        Domain => "domain",
        Tenant => "tenant",
        _ => null,
    };
}

/// <summary>The escalations list's columns (<c>/console/escalations</c>), and the sort each header sets.</summary>
public static class EscalationColumns
{
    public const string Ticket = "ticket";
    public const string Title = "title";
    public const string Customer = "customer";
    public const string Target = "target";
    public const string State = "state";
    public const string Severity = "severity";
    public const string ServiceRequest = "service-request";
    public const string Created = "created";
    public const string FirstResponse = "first-response";

    public static readonly ColumnSet Set = new("escalations", [Ticket, Title, Customer, Target, State, Severity, ServiceRequest, Created, FirstResponse], [Ticket, Title]);

    public static string Caption(string column) => column switch
    {
        Ticket => "Ticket",
        Title => "Title",
        Customer => "Customer",
        Target => "To",
        State => "State",
        Severity => "Severity",
        ServiceRequest => "Service request",
        Created => "Escalated",
        _ => "First response from Microsoft",
    };

    /// <summary>The sort of <see cref="Escalations.EscalationList.Sorts"/> a header sets; null: not sortable.</summary>
    public static string? Sort(string column) => column switch
    {
        Ticket => "ticket",
        Title => "title",
        Target => "target",
        State => "state",
        Severity => "severity",
        Created => "created",
        _ => null,
    };
}
