namespace PartnerDesk.Platform;

public static class LocalUrls
{
    /// <summary>A path on this site: "/x", never "//host" or "/\host", which browsers send elsewhere.</summary>
    public static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    public static string OrHome(string? url) => IsLocal(url) ? url! : "/";
}
