using Microsoft.EntityFrameworkCore;
using PartnerDesk.Platform.Data;

namespace PartnerDesk.Features.Knowledge;

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class KnowledgeSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<Article> Articles => db.Set<Article>();
        public DbSet<ArticleTerm> ArticleTerms => db.Set<ArticleTerm>();
        public DbSet<ArticleVisit> ArticleVisits => db.Set<ArticleVisit>();
        public DbSet<SelfHelpDeflection> SelfHelpDeflections => db.Set<SelfHelpDeflection>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class KnowledgeVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        // Agents read all of their organisation's articles; its customers' contacts the public ones.
        visible.OwnedByOrganisation<Article>((db, a) => !db.CallerIsContact || a.Visibility == ArticleVisibility.Public);
        visible.OwnedByOrganisation<ArticleTerm>((db, t) => !db.CallerIsContact || t.Visibility == ArticleVisibility.Public);
        visible.OwnedByOrganisation<ArticleVisit>((db, v) => !db.CallerIsContact);

        // An avoided ticket is its customer's, as its tickets are (GDAP decides for helpdesk agents); a contact reads
        // only its own.
        visible.ReachableCustomer<SelfHelpDeflection>(d => d.CustomerId, (db, d) => !db.CallerIsContact || d.ContactId == db.CallerUserId);
    }
}
