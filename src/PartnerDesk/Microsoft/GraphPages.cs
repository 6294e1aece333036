namespace PartnerDesk.MicrosoftApis;

public static class GraphPages
{
    /// <summary>Every item of a Graph collection, following @odata.nextLink (at most 1,000 pages, against a server that never ends).</summary>
    public static async Task<List<T>> All<TPage, T>(TPage? first, Func<TPage, List<T>?> items, Func<TPage, string?> nextLink, Func<string, Task<TPage?>> fetch)
        where TPage : class
    {
        var all = new List<T>();
        var page = first;
        var pages = 0;
        while (page is not null)
        {
            all.AddRange(items(page) ?? []);
            if (nextLink(page) is not { Length: > 0 } next || ++pages > 1000)
            {
                break;
            }

            page = await fetch(next);
        }

        return all;
    }
}
