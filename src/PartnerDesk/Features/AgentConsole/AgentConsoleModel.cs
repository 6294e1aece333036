using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.AgentConsole;

/// <summary>
/// A queue an agent named and keeps: the filters and sort of the console's queue. Each agent sees only its own
/// views (of its own organisation).
/// </summary>
public sealed class SavedQueueView : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid AgentId { get; set; }
    public required string Name { get; set; }
    public string Status { get; set; } = QueueQuery.Active;
    public Severity? Severity { get; set; }
    public Guid? CustomerId { get; set; }
    public string? Assignee { get; set; }
    public string? Service { get; set; }
    public string? Search { get; set; }
    public QueueSort Sort { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// Which columns of one console list an agent shows, in order (comma separated names of the list's
/// <see cref="ColumnSet"/>). Named for the queue, the first list that had it; <see cref="List"/> says which list.
/// </summary>
public sealed class QueueColumnChoice : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid AgentId { get; set; }

    /// <summary>The list: <c>queue</c>, <c>customers</c>, <c>escalations</c>.</summary>
    public string List { get; set; } = QueueColumns.Set.List;
    public required string Columns { get; set; }
}

/// <summary>An organisation's ready-made answer, in English and German, with placeholders (<see cref="CannedReplyText"/>).</summary>
public sealed class CannedReply : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public required string Title { get; set; }
    public required string BodyEn { get; set; }
    public required string BodyDe { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class AgentConsoleLimits
{
    public const int ViewName = 80;
    public const int ViewsPerAgent = 50;
    public const int ReplyTitle = 120;
    public const int ReplyBody = 8_000;
    public const int RepliesPerOrganisation = 500;
    public const int BulkTickets = 100;
}

/// <summary>This feature's tables, as sets of the one context.</summary>
public static class AgentConsoleSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<SavedQueueView> SavedQueueViews => db.Set<SavedQueueView>();
        public DbSet<QueueColumnChoice> QueueColumnChoices => db.Set<QueueColumnChoice>();
        public DbSet<CannedReply> CannedReplies => db.Set<CannedReply>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class AgentConsoleVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        // A saved view and a column choice are one agent's own; canned replies are for the organisation's agents, never its contacts.
        visible.OwnedByOrganisation<SavedQueueView>((db, v) => v.AgentId == db.CallerUserId);
        visible.OwnedByOrganisation<QueueColumnChoice>((db, c) => c.AgentId == db.CallerUserId);
        visible.OwnedByOrganisation<CannedReply>((db, r) => !db.CallerIsContact);
    }
}

internal sealed class SavedQueueViewConfiguration : IEntityTypeConfiguration<SavedQueueView>
{
    public void Configure(EntityTypeBuilder<SavedQueueView> b)
    {
        b.Property(v => v.Name).HasMaxLength(AgentConsoleLimits.ViewName);
        b.Property(v => v.Status).HasMaxLength(32);
        b.Property(v => v.Assignee).HasMaxLength(64);
        b.Property(v => v.Service).HasMaxLength(100);
        b.Property(v => v.Search).HasMaxLength(TicketQueue.MaxSearch);
        b.HasOne<Organisation>().WithMany().HasForeignKey(v => v.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Agent>().WithMany().HasForeignKey(v => v.AgentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(v => new { v.OrganisationId, v.AgentId, v.Name }).IsUnique();
    }
}

internal sealed class QueueColumnChoiceConfiguration : IEntityTypeConfiguration<QueueColumnChoice>
{
    public void Configure(EntityTypeBuilder<QueueColumnChoice> b)
    {
        b.Property(c => c.Columns).HasMaxLength(400);
        b.Property(c => c.List).HasMaxLength(32).HasDefaultValue(QueueColumns.Set.List);
        b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Agent>().WithMany().HasForeignKey(c => c.AgentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.OrganisationId, c.AgentId, c.List }).IsUnique();
    }
}

internal sealed class CannedReplyConfiguration : IEntityTypeConfiguration<CannedReply>
{
    public void Configure(EntityTypeBuilder<CannedReply> b)
    {
        b.Property(r => r.Title).HasMaxLength(AgentConsoleLimits.ReplyTitle);
        b.Property(r => r.BodyEn).HasMaxLength(AgentConsoleLimits.ReplyBody);
        b.Property(r => r.BodyDe).HasMaxLength(AgentConsoleLimits.ReplyBody);
        b.Property(r => r.UpdatedBy).HasMaxLength(200);
        b.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.OrganisationId, r.Title });
    }
}
