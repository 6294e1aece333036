using System.Security.Claims;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Satisfaction;

/// <summary>
/// Runs the work of a rating link as the requester it names, in a scope of its own: the link stands in for a
/// sign-in to this one page, and the query filters then decide what it reaches, exactly as for that contact
/// signed in (a link of another organisation or customer reaches nothing).
/// </summary>
public sealed class SurveyLinkScope(IServiceScopeFactory scopes)
{
    /// <summary>The work's result, or default when the link's contact no longer exists or was deactivated.</summary>
    public async Task<(bool Known, T? Value)> Run<T>(SurveyLink link, Func<PartnerDeskDb, Contact, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var contact = await Unfiltered.ContactOfLink(db, link.OrganisationId, link.ContactId, CancellationToken.None);
        if (contact is null)
        {
            return (false, default);
        }

        scope.ServiceProvider.GetRequiredService<Caller>().SetFrom(new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(CallerClaims.UserId, contact.Id.ToString()),
            new Claim(CallerClaims.OrganisationId, contact.OrganisationId.ToString()),
            new Claim(CallerClaims.Kind, nameof(AccountKind.Contact)),
            new Claim(CallerClaims.CustomerId, contact.CustomerId.ToString()),
            new Claim(CallerClaims.Name, contact.DisplayName),
        ], "rating-link")));
        return (true, await work(db, contact));
    }
}
