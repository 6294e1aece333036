using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace PartnerDesk.Platform.Ui;

/// <summary>
/// A field error of the API, in the reader's language. Messages are English sentences (the API's problem
/// details carry them); the few that carry a value are matched by their pattern and translated with the
/// value kept, the rest looked up as they are.
/// </summary>
public static partial class FieldText
{
    public static string Localize(IStringLocalizer localizer, string message, string? label = null)
    {
        if (Required().Match(message) is { Success: true } required)
        {
            return string.Format(CultureInfo.CurrentCulture, localizer["The {0} field is required."], label ?? required.Groups[1].Value);
        }

        if (TooLong().Match(message) is { Success: true } tooLong)
        {
            return string.Format(CultureInfo.CurrentCulture, localizer["The {0} field must be at most {1} characters long."], label ?? tooLong.Groups[1].Value, tooLong.Groups[2].Value);
        }

        if (AtMost().Match(message) is { Success: true } atMost)
        {
            return string.Format(CultureInfo.CurrentCulture, localizer["Amounts are at most {0}."], atMost.Groups[1].Value);
        }

        if (Overlap().Match(message) is { Success: true } overlap)
        {
            return string.Format(CultureInfo.CurrentCulture, localizer["The customer has a contract from {0}; contracts of one customer do not overlap."], overlap.Groups[1].Value);
        }

        if (NotIana().Match(message) is { Success: true } zone)
        {
            return string.Format(CultureInfo.CurrentCulture, localizer["'{0}' is not an IANA time zone (such as Europe/Berlin)."], zone.Groups[1].Value);
        }

        if (Minutes().Match(message) is { Success: true } minutes)
        {
            return string.Format(CultureInfo.CurrentCulture, localizer["The {0} target is 1 to {1} minutes."], localizer[string.Concat(minutes.Groups[1].Value[..1].ToUpperInvariant(), minutes.Groups[1].Value[1..])], minutes.Groups[2].Value);
        }

        return localizer[message];
    }

    [GeneratedRegex(@"^The (\S+) field is required(?: \([^)]*\))?\.$")]
    private static partial Regex Required();

    [GeneratedRegex(@"^The (\S+) field must be at most (\d+) characters long\.$")]
    private static partial Regex TooLong();

    [GeneratedRegex(@"^Amounts are at most (.+)\.$")]
    private static partial Regex AtMost();

    [GeneratedRegex(@"^The customer has a contract from (.+); contracts of one customer do not overlap\.$")]
    private static partial Regex Overlap();

    [GeneratedRegex(@"^'(.+)' is not an IANA time zone \(such as Europe/Berlin\)\.$")]
    private static partial Regex NotIana();

    [GeneratedRegex(@"^The (first response|next response) target is 1 to (\d+) minutes(?:, or left out)?\.$")]
    private static partial Regex Minutes();
}
