namespace PartnerDesk.MicrosoftApis;

public static class GraphPages
{
    /// <summary>Every item of a Graph collection, following @odata.nextLink; more than 1,000 pages is taken for a server that never ends, and fails (a partial list must not pass for the whole).</summary>
    public static async Task<List<T>> All<TPage, T>(TPage? first, Func<TPage, List<T>?> items, Func<TPage, string?> nextLink, Func<string, Task<TPage?>> fetch)
        where TPage : class
    {
        var all = new List<T>();
        var page = first;
        var pages = 0;
        while (page is not null)
        {
            all.AddRange(items(page) ?? []);
            if (nextLink(page) is not { Length: > 0 } next)
            {
                break;
            }

            if (++pages > 1000)
            {
                throw new InvalidDataException("Microsoft Graph kept giving next pages (more than 1,000).");
            }

            page = await fetch(next);
        }

        return all;
    }
}
