using System.Linq.Expressions;
using PartnerDesk.Platform.Api;

namespace PartnerDesk.Platform.Ui;

/// <summary>The order a list is shown in: a whitelisted column and its direction.</summary>
public readonly record struct ListOrder(string Column, bool Descending)
{
    public string Direction => Descending ? ListSort.Desc : ListSort.Asc;
}

/// <summary>
/// The columns a list may be sorted by, each with the expression the database orders by. Only these are ever
/// applied: a sort named in a query string is looked up here, never turned into an expression itself.
/// </summary>
public sealed class ListSort<T>
{
    private readonly Dictionary<string, (Func<IQueryable<T>, IOrderedQueryable<T>> Up, Func<IQueryable<T>, IOrderedQueryable<T>> Down)> columns =
        new(StringComparer.Ordinal);

    private readonly Func<IOrderedQueryable<T>, IOrderedQueryable<T>> tieBreak;

    /// <param name="tieBreak">A unique key ordered last, so that pages never skip or repeat a row of equal values.</param>
    public ListSort(ListOrder defaultOrder, Expression<Func<T, Guid>> tieBreak)
    {
        Default = defaultOrder;
        this.tieBreak = q => q.ThenBy(tieBreak);
    }

    public ListOrder Default { get; }

    public IEnumerable<string> Columns => columns.Keys;

    public ListSort<T> By<TKey>(string column, Expression<Func<T, TKey>> key)
    {
        columns[column] = (q => q.OrderBy(key), q => q.OrderByDescending(key));
        return this;
    }

    /// <summary>A column whose order is more than one key (ascending and descending given whole).</summary>
    public ListSort<T> By(string column, Func<IQueryable<T>, IOrderedQueryable<T>> up, Func<IQueryable<T>, IOrderedQueryable<T>> down)
    {
        columns[column] = (up, down);
        return this;
    }

    public bool Knows(string? column) => column is not null && columns.ContainsKey(column);

    /// <summary>For pages: an unknown column or direction gives the default order (a link may be old or edited by hand).</summary>
    public ListOrder Read(string? column, string? direction) =>
        Knows(column) ? new(column!, direction == ListSort.Desc) : Default;

    /// <summary>For the API: an unknown column or direction is a problem naming the field.</summary>
    public ListOrder Read(string? column, string? direction, FieldErrors errors)
    {
        if (column is not null && !Knows(column))
        {
            errors.Add("sort", $"Sort by one of: {string.Join(", ", columns.Keys)}.");
        }

        if (direction is not null and not (ListSort.Asc or ListSort.Desc))
        {
            errors.Add("dir", $"Use {ListSort.Asc} or {ListSort.Desc}.");
        }

        return column is null ? Default : Read(column, direction);
    }

    public IQueryable<T> Apply(IQueryable<T> rows, ListOrder order)
    {
        var (up, down) = columns[Knows(order.Column) ? order.Column : Default.Column];
        return tieBreak(order.Descending ? down(rows) : up(rows));
    }
}

public static class ListSort
{
    public const string Asc = "asc";
    public const string Desc = "desc";
}

/// <summary>One page of a list paged by offset: fine for lists of thousands that change rarely.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, int Number, bool HasMore)
{
    public const int Size = 50;

    /// <summary>Reads page <paramref name="number"/> (1 based; anything below is the first) of rows already ordered.</summary>
    public static async Task<ListPage<T>> Read(IQueryable<T> ordered, int? number, CancellationToken ct, int size = Size)
    {
        var page = Math.Clamp(number ?? 1, 1, 100_000);
        var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            ordered.Skip((page - 1) * size).Take(size + 1), ct);
        var more = rows.Count > size;
        if (more)
        {
            rows.RemoveAt(size);
        }

        return new(rows, page, more);
    }
}
