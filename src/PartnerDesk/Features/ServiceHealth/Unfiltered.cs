using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.ServiceHealth;

/// <summary>This feature's reads past the caller's query filters, each narrow and saying why (docs/architecture.md).</summary>
public static class Unfiltered
{
    /// <summary>
    /// The active issues affecting one customer of one organisation, whoever asks. They are kept for every caller
    /// (<see cref="ActiveIssues"/>), so they must not depend on one: each caller reached the customer before asking
    /// (its ticket's save, or the match endpoint's own check), and every caller that reaches it saw these same rows.
    /// </summary>
    private static readonly CompiledQuery<Func<PartnerDeskDb, Guid, Guid, IAsyncEnumerable<IssueText>>> ActiveIssueTexts = new(() => EF.CompileAsyncQuery(
        (PartnerDeskDb db, Guid organisationId, Guid customerId) => db.Set<AffectedCustomer>().IgnoreQueryFilters().AsNoTracking()
            .Where(a => a.OrganisationId == organisationId && a.CustomerId == customerId && a.Issue!.OrganisationId == organisationId && !a.Issue.IsResolved)
            .Select(a => new IssueText(a.Issue!.Id, a.Issue.Service, a.Issue.Feature, a.Issue.FeatureGroup, a.Issue.Title, a.Issue.ImpactDescription))));

    public static IAsyncEnumerable<IssueText> ActiveIssuesOf(PartnerDeskDb db, Guid organisationId, Guid customerId) =>
        ActiveIssueTexts.For(db)(db, organisationId, customerId);
}
