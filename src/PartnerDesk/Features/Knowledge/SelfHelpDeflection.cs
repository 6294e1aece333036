using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Knowledge;

/// <summary>
/// A ticket that was not filed: a contact writing one in the portal said "this solved my problem" beside a known
/// Microsoft issue or a suggested article. What the form held then is kept (service, severity, kind, title), so the
/// reports can count avoided tickets per day, service, issue and article.
/// </summary>
public sealed class SelfHelpDeflection : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid ContactId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The known Microsoft issue that answered it (null: an article did; emptied if the issue is removed).</summary>
    public Guid? IssueId { get; set; }

    /// <summary>The article that answered it (null: a known issue did; emptied if the article is deleted).</summary>
    public Guid? ArticleId { get; set; }

    /// <summary>The service chosen on the form (null: "not sure").</summary>
    public string? Service { get; set; }
    public Severity? Severity { get; set; }
    public TicketKind? Kind { get; set; }

    /// <summary>The title typed so far, for reading what people found answered (may be empty).</summary>
    public string? Title { get; set; }
}

/// <summary>What the portal sends: the issue and/or article shown, and what the form held.</summary>
public sealed record SelfHelpDeflectionRequest(Guid? IssueId, Guid? ArticleId, string? Title, string? Service, Severity? Severity, TicketKind? Kind);

public sealed record SelfHelpDeflectionView(Guid Id, DateTimeOffset At, Guid CustomerId, Guid? IssueId, Guid? ArticleId, string? Service, Severity? Severity, TicketKind? Kind, string? Title);

internal sealed class SelfHelpDeflectionConfiguration : IEntityTypeConfiguration<SelfHelpDeflection>
{
    public void Configure(EntityTypeBuilder<SelfHelpDeflection> b)
    {
        b.Property(d => d.Service).HasMaxLength(TicketLimits.Service);
        b.Property(d => d.Title).HasMaxLength(TicketLimits.Title);
        b.HasOne<Customer>().WithMany().HasForeignKey(d => d.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(d => d.ContactId).OnDelete(DeleteBehavior.Cascade);

        // The record of an avoided ticket outlives what answered it: the count stays, the name goes.
        b.HasOne<ServiceHealthIssue>().WithMany().HasForeignKey(d => d.IssueId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Article>().WithMany().HasForeignKey(d => d.ArticleId).OnDelete(DeleteBehavior.SetNull);

        // What the deflection report reads: an organisation's (or one customer's) deflections over a period.
        b.HasIndex(d => new { d.OrganisationId, d.At });
        b.HasIndex(d => new { d.CustomerId, d.At });
        b.HasIndex(d => d.IssueId);
        b.HasIndex(d => d.ArticleId);
    }
}

public static class SelfHelpDeflections
{
    public static RouteGroupBuilder MapSelfHelpDeflectionEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/self-help/deflections", async (SelfHelpDeflectionRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct) =>
                (await Record(request, db, clock, ct)).ToResult(v => TypedResults.Created((string?)null, v)))
            .WithTags("Knowledge").RequireAuthorization(Policies.Contact).Produces<SelfHelpDeflectionView>(StatusCodes.Status201Created)
            .WithSummary("A contact writing a ticket says a known issue (issueId, from /service-health/matches) or an article (articleId, from /articles/suggest) solved it: no ticket is filed, the avoided ticket is recorded with what the form held (title, service, severity, kind).");
        return api;
    }

    /// <summary>
    /// Records a deflection for the calling contact's own customer. The issue and the article are looked up through
    /// the filtered sets, so a contact can only name an issue of its own tenant and an article its customers may read.
    /// </summary>
    public static async Task<Outcome<SelfHelpDeflectionView>> Record(SelfHelpDeflectionRequest request, PartnerDeskDb db, TimeProvider clock, CancellationToken ct)
    {
        var caller = db.Caller;
        var errors = new FieldErrors()
            .MaxLength("title", request.Title, TicketLimits.Title)
            .MaxLength("service", request.Service, TicketLimits.Service)
            .Defined("severity", request.Severity)
            .Defined("kind", request.Kind);
        if (!caller.IsContact || caller.CustomerId is not { } customerId || caller.OrganisationId is not { } organisationId)
        {
            return errors.Add("customerId", "Only a customer's contact records that self-help answered its question.");
        }

        if (request.IssueId is null && request.ArticleId is null)
        {
            errors.Add("issueId", "Name the known issue (issueId) or the article (articleId) that solved the problem.");
        }

        if (request.IssueId is { } issueId && !await db.ServiceHealthIssues.AnyAsync(i => i.Id == issueId, ct))
        {
            errors.Add("issueId", "No known issue with this id affects your tenant.");
        }

        if (request.ArticleId is { } articleId && !await db.Articles.AnyAsync(a => a.Id == articleId, ct))
        {
            errors.Add("articleId", "No article with this id is available to you.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var deflection = new SelfHelpDeflection
        {
            OrganisationId = organisationId,
            CustomerId = customerId,
            ContactId = caller.UserId,
            At = clock.GetUtcNow(),
            IssueId = request.IssueId,
            ArticleId = request.ArticleId,
            Service = string.IsNullOrWhiteSpace(request.Service) ? null : request.Service.Trim(),
            Severity = request.Severity,
            Kind = request.Kind,
            Title = string.IsNullOrWhiteSpace(request.Title) ? null : request.Title.Trim(),
        };
        db.SelfHelpDeflections.Add(deflection);
        await db.SaveChangesAsync(ct);
        return new SelfHelpDeflectionView(deflection.Id, deflection.At, customerId, deflection.IssueId, deflection.ArticleId, deflection.Service, deflection.Severity, deflection.Kind, deflection.Title);
    }
}
