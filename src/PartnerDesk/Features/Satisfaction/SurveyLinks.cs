using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using PartnerDesk.Platform;

namespace PartnerDesk.Features.Satisfaction;

/// <summary>What a mailed rating link stands for: one resolution of one ticket, for its requester, until it expires.</summary>
public sealed record SurveyLink(Guid OrganisationId, Guid TicketId, Guid ContactId, DateTimeOffset ResolvedAt, DateTimeOffset ExpiresAt);

public enum SurveyLinkProblem
{
    Invalid,
    Expired,
}

/// <summary>
/// The signed links of the resolution mail. A link carries its facts protected by Data Protection (the key ring
/// every instance shares, in the database), so nothing is stored when a mail is written and nobody can make a
/// link for another ticket, contact or organisation. It works once because a resolution is rated once
/// (the unique index), and the expiry is checked against <see cref="TimeProvider"/> so tests can move time.
/// </summary>
public sealed class SurveyLinks(IDataProtectionProvider protection, SiteAddress siteAddress, TimeProvider clock)
{
    private const string Purpose = "PartnerDesk.Satisfaction.Link";
    private const string Version = "s1";

    private IDataProtector Protector => protection.CreateProtector(Purpose);

    public string Token(Guid organisationId, Guid ticketId, Guid contactId, DateTimeOffset resolvedAt)
    {
        var expires = clock.GetUtcNow() + SurveyRules.LinkLifetime;
        return Protector.Protect(string.Join('|', Version, organisationId.ToString("N"), ticketId.ToString("N"), contactId.ToString("N"),
            resolvedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), expires.UtcTicks.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The link's facts, or why it does not work: tampered with, cut short, made by another installation, or expired.</summary>
    public (SurveyLink? Link, SurveyLinkProblem? Problem) Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2000)
        {
            return (null, SurveyLinkProblem.Invalid);
        }

        string text;
        try
        {
            text = Protector.Unprotect(token);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return (null, SurveyLinkProblem.Invalid);
        }

        var parts = text.Split('|');
        if (parts.Length != 6 || parts[0] != Version
            || !Guid.TryParseExact(parts[1], "N", out var organisation) || !Guid.TryParseExact(parts[2], "N", out var ticket) || !Guid.TryParseExact(parts[3], "N", out var contact)
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var resolved) || !long.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || resolved > DateTimeOffset.MaxValue.UtcTicks || expires > DateTimeOffset.MaxValue.UtcTicks)
        {
            return (null, SurveyLinkProblem.Invalid);
        }

        var link = new SurveyLink(organisation, ticket, contact, new DateTimeOffset(resolved, TimeSpan.Zero), new DateTimeOffset(expires, TimeSpan.Zero));
        return link.ExpiresAt <= clock.GetUtcNow() ? (link, SurveyLinkProblem.Expired) : (link, null);
    }

    /// <summary>Where links point (<see cref="SiteAddress.ForMail"/>): none on a production host without a public address (the portal still asks).</summary>
    public string? Site() => siteAddress.ForMail();

    public static string Url(string site, string token, int score, string language) =>
        $"{site}/rate/{token}?score={score.ToString(CultureInfo.InvariantCulture)}{(language == "de" ? "&culture=de" : "")}";
}
