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

    /// <summary>Known names only, in the table's order, the fixed ones always in.</summary>
    public static IReadOnlyList<string> Normalise(IEnumerable<string>? chosen)
    {
        var set = new HashSet<string>(chosen ?? All, StringComparer.Ordinal);
        return All.Where(c => Fixed.Contains(c) || set.Contains(c)).ToList();
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
        catch (DbUpdateException)
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

    /// <summary>The columns the calling agent shows (all, until it chooses).</summary>
    public static async Task<IReadOnlyList<string>> Columns(PartnerDeskDb db, CancellationToken ct)
    {
        var stored = await db.QueueColumnChoices.AsNoTracking().Select(c => c.Columns).FirstOrDefaultAsync(ct);
        return QueueColumns.Normalise(stored?.Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    public static async Task<IReadOnlyList<string>> ChooseColumns(PartnerDeskDb db, IEnumerable<string> columns, CancellationToken ct)
    {
        var chosen = QueueColumns.Normalise(columns);
        var choice = await db.QueueColumnChoices.FirstOrDefaultAsync(ct);
        if (choice is null)
        {
            db.QueueColumnChoices.Add(new QueueColumnChoice { OrganisationId = db.Caller.RequireOrganisation(), AgentId = db.Caller.UserId, Columns = string.Join(',', chosen) });
        }
        else
        {
            choice.Columns = string.Join(',', chosen);
        }

        await db.SaveChangesAsync(ct);
        return chosen;
    }
}
