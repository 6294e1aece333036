using Microsoft.JSInterop;

namespace PartnerDesk.Platform.Ui;

public enum ToastKind
{
    Success,
    Error,
    Info,
}

/// <summary>
/// The result of a form that redirects (post, redirect, get), carried to the next page in a short-lived cookie and
/// shown there as a toast by <see cref="ToastRegion"/>, which deletes it. Texts are localised when flashed: the
/// next page is the same person's, in the same language.
/// </summary>
public static class Toasts
{
    public const string Cookie = "pd-toast";

    public static void Flash(HttpContext? http, string text, ToastKind kind = ToastKind.Success)
    {
        if (http is null || http.Response.HasStarted)
        {
            return; // no toast then; the page's own text still tells
        }

        http.Response.Cookies.Append(Cookie, Write(kind, text), new CookieOptions
        {
            Path = "/",
            HttpOnly = false, // an interactive page flashes it from the browser (feedback.js) before it navigates
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            MaxAge = TimeSpan.FromMinutes(1),
        });
    }

    public static string Write(ToastKind kind, string text) => $"{kind}|{(text.Length > 300 ? text[..300] : text)}";

    /// <summary>The toast a request carries, if any; a malformed cookie is no toast.</summary>
    public static (ToastKind Kind, string Text)? Read(string? cookie)
    {
        var bar = cookie?.IndexOf('|') ?? -1;
        return bar > 0 && Enum.TryParse<ToastKind>(cookie![..bar], out var kind) && Enum.IsDefined(kind) && cookie.Length > bar + 1
            ? (kind, cookie[(bar + 1)..])
            : null;
    }
}

/// <summary>Flashing from an interactive page, which has no response of its own: the browser sets the cookie (feedback.js).</summary>
public static class BrowserToasts
{
    public static async Task Flash(IJSRuntime js, string text, ToastKind kind = ToastKind.Success)
    {
        try
        {
            await js.InvokeVoidAsync("partnerDeskFlash", kind.ToString(), text.Length > 300 ? text[..300] : text);
        }
        catch (JSException)
        {
            // The script is missing or failed: the next page shows no toast, the result itself stands.
        }
    }
}
