using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Knowledge;

public enum ArticleVisibility
{
    /// <summary>Offered to the organisation's customers in the portal.</summary>
    Public,

    /// <summary>For the organisation's agents only.</summary>
    Internal,
}

/// <summary>A knowledge base article of one organisation, written in Markdown, in English or German.</summary>
public sealed class Article : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string Title { get; set; }

    /// <summary>Markdown; rendered without raw HTML and sanitised, so nothing in it runs.</summary>
    public required string Body { get; set; }
    public string Language { get; set; } = "en";
    public ArticleVisibility Visibility { get; set; }

    /// <summary>The Microsoft service it is about, when it is about one (names as service health uses them).</summary>
    public string? Service { get; set; }

    /// <summary>The ticket whose answer it was made from.</summary>
    public Guid? SourceTicketId { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One word of an article with its weight (title words weigh more): the search index, the same on SQLite and
/// PostgreSQL. Visibility is copied so that a contact's search never reads an internal article's words.
/// </summary>
public sealed class ArticleTerm : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid ArticleId { get; set; }
    public required string Term { get; set; }
    public float Weight { get; set; }
    public ArticleVisibility Visibility { get; set; }
}

/// <summary>A contact opened an article; from the new-ticket form it counts as deflected unless the contact files a ticket soon after.</summary>
public sealed class ArticleVisit : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid ContactId { get; set; }
    public Guid ArticleId { get; set; }
    public bool FromNewTicket { get; set; }
    public DateTimeOffset At { get; set; }
}

public static class ArticleLimits
{
    public const int Title = 200;
    public const int Body = 50_000;
    public const int Term = 64;
}

internal sealed class ArticleConfiguration : IEntityTypeConfiguration<Article>
{
    public void Configure(EntityTypeBuilder<Article> b)
    {
        b.Property(a => a.Title).HasMaxLength(ArticleLimits.Title);
        b.Property(a => a.Body).HasMaxLength(ArticleLimits.Body);
        b.Property(a => a.Language).HasMaxLength(8);
        b.Property(a => a.Service).HasMaxLength(100);
        b.Property(a => a.UpdatedBy).HasMaxLength(200);
        b.HasOne<Organisation>().WithMany().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.OrganisationId, a.UpdatedAt });
        b.HasIndex(a => new { a.OrganisationId, a.Title }); // the console's list by title, a page at a time
    }
}

internal sealed class ArticleTermConfiguration : IEntityTypeConfiguration<ArticleTerm>
{
    public void Configure(EntityTypeBuilder<ArticleTerm> b)
    {
        b.Property(t => t.Term).HasMaxLength(ArticleLimits.Term);
        b.HasOne<Article>().WithMany().HasForeignKey(t => t.ArticleId).OnDelete(DeleteBehavior.Cascade);
        // A search reads the words it asks for (a prefix for the word being typed), of one organisation.
        b.HasIndex(t => new { t.OrganisationId, t.Term, t.Visibility }).IncludeProperties(t => new { t.ArticleId, t.Weight });
        b.HasIndex(t => t.ArticleId);
    }
}

internal sealed class ArticleVisitConfiguration : IEntityTypeConfiguration<ArticleVisit>
{
    public void Configure(EntityTypeBuilder<ArticleVisit> b)
    {
        b.HasOne<Article>().WithMany().HasForeignKey(v => v.ArticleId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(v => new { v.OrganisationId, v.At });
    }
}
