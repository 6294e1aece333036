using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Satisfaction;

/// <summary>Where a rating came from: the one-click links of the resolution mail, or the portal's ticket page.</summary>
public enum RatingChannel
{
    Mail,
    Portal,
}

/// <summary>
/// A requester's answer to "how satisfied are you?" for one resolution of a ticket: a score of 1 to 5 and an
/// optional comment. A ticket reopened and resolved again is a new resolution and may be rated again; one
/// resolution is rated once (unique on ticket and <see cref="ResolvedAt"/>).
/// </summary>
public sealed class SatisfactionRating : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid TicketId { get; set; }
    public Guid ContactId { get; set; }

    /// <summary>The ticket's resolution time when it was rated: names which resolution the score is for.</summary>
    public DateTimeOffset ResolvedAt { get; set; }

    /// <summary>The agent the ticket was assigned to then (reports by agent must not move when it is reassigned).</summary>
    public Guid? AgentId { get; set; }
    public int Score { get; set; }
    public string? Comment { get; set; }
    public RatingChannel Channel { get; set; }
    public DateTimeOffset RatedAt { get; set; }
}

/// <summary>
/// An organisation's survey: whether requesters are asked at all (off until an admin turns it on), the score at
/// or below which the agents are alerted, and the question and thank-you in English and German (null: the defaults).
/// </summary>
public sealed class SatisfactionSurvey : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public bool Enabled { get; set; }
    public int AlertAtOrBelow { get; set; } = SurveyRules.DefaultAlertAtOrBelow;
    public string? QuestionEn { get; set; }
    public string? QuestionDe { get; set; }
    public string? ThanksEn { get; set; }
    public string? ThanksDe { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class SatisfactionRatingConfiguration : IEntityTypeConfiguration<SatisfactionRating>
{
    public void Configure(EntityTypeBuilder<SatisfactionRating> b)
    {
        b.Property(r => r.Comment).HasMaxLength(SurveyRules.CommentLength);
        b.HasOne<Ticket>().WithMany().HasForeignKey(r => r.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(r => r.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(r => r.ContactId).OnDelete(DeleteBehavior.Cascade);

        // Once per resolution, also when two clicks race: the second insert fails here.
        b.HasIndex(r => new { r.TicketId, r.ResolvedAt }).IsUnique();

        // What reports will ask: an organisation's or a customer's ratings over a period.
        b.HasIndex(r => new { r.OrganisationId, r.RatedAt });
        b.HasIndex(r => new { r.CustomerId, r.RatedAt });
    }
}

internal sealed class SatisfactionSurveyConfiguration : IEntityTypeConfiguration<SatisfactionSurvey>
{
    public void Configure(EntityTypeBuilder<SatisfactionSurvey> b)
    {
        b.Property(s => s.QuestionEn).HasMaxLength(SurveyRules.WordingLength);
        b.Property(s => s.QuestionDe).HasMaxLength(SurveyRules.WordingLength);
        b.Property(s => s.ThanksEn).HasMaxLength(SurveyRules.WordingLength);
        b.Property(s => s.ThanksDe).HasMaxLength(SurveyRules.WordingLength);
        b.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.OrganisationId).IsUnique();
    }
}

/// <summary>This feature's tables, as sets of the one context.</summary>
public static class SatisfactionSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<SatisfactionRating> SatisfactionRatings => db.Set<SatisfactionRating>();
        public DbSet<SatisfactionSurvey> SatisfactionSurveys => db.Set<SatisfactionSurvey>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class SatisfactionVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        // A rating follows its ticket: whoever sees the ticket (its agents, its requester, a customer admin) sees its rating.
        visible.ReachableCustomer<SatisfactionRating>(r => r.CustomerId, (db, r) => db.Set<Ticket>().Any(t => t.Id == r.TicketId));
        visible.OwnedByOrganisation<SatisfactionSurvey>();
    }
}
