using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Tickets;

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> b)
    {
        b.Property(t => t.Title).HasMaxLength(TicketLimits.Title);
        b.Property(t => t.Description).HasMaxLength(TicketLimits.Body);
        b.Property(t => t.Service).HasMaxLength(TicketLimits.Service);
        b.HasOne(t => t.Customer).WithMany().HasForeignKey(t => t.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.Requester).WithMany().HasForeignKey(t => t.RequesterContactId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.Assignee).WithMany().HasForeignKey(t => t.AssigneeAgentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organisation>().WithMany().HasForeignKey(t => t.OrganisationId).OnDelete(DeleteBehavior.Restrict);

        // Lists are newest first by number inside one organisation; each filter has its own path.
        b.HasIndex(t => new { t.OrganisationId, t.Number }).IsUnique();
        b.HasIndex(t => new { t.OrganisationId, t.Status, t.Number });
        b.HasIndex(t => new { t.OrganisationId, t.CustomerId, t.Number });
        b.HasIndex(t => new { t.OrganisationId, t.AssigneeAgentId, t.Number });
        b.HasIndex(t => new { t.OrganisationId, t.RequesterContactId });
        b.HasIndex(t => new { t.OrganisationId, t.AttentionNeeded }, "IX_Tickets_AttentionNeeded").HasFilter("\"AttentionNeeded\"");

        // The console queue's other sorts, over the tickets that still need someone: small partial indexes.
        // Built from the queue's own list, so the indexes' filter and the queries that must repeat it cannot drift.
        var active = $"\"Status\" IN ({string.Join(", ", TicketQueue.ActiveStatuses.Select(s => $"'{s}'"))})";
        b.HasIndex(t => new { t.OrganisationId, t.UpdatedAt }, "IX_Tickets_Active_UpdatedAt").HasFilter(active);
        b.HasIndex(t => new { t.OrganisationId, t.Severity, t.Number }, "IX_Tickets_Active_Severity").HasFilter(active);
        b.HasIndex(t => new { t.OrganisationId, t.SlaDueAt, t.Number }, "IX_Tickets_Active_SlaDueAt").HasFilter(active);

        // A customer's open work, newest first (the console's customer queue, the API's customerId with active
        // statuses): without it PostgreSQL ANDs the customer's whole history with every active ticket and sorts
        // (11.8 ms p95 for the largest customer at 1,000,000 tickets, bench/README.md).
        b.HasIndex(t => new { t.OrganisationId, t.CustomerId, t.Number }, "IX_Tickets_Active_Customer").HasFilter(active);

        // The reports (issue 19) read tickets by when they were filed and when resolved, over up to a year: each index
        // holds every column those reads use (the visibility rule's included), so SQLite and PostgreSQL answer from the
        // index alone instead of reading the wide rows. Measured in bench/README.md ("Reports").
        b.HasIndex(t => new
        {
            t.OrganisationId,
            t.CreatedAt,
            t.CustomerId,
            t.Kind,
            t.RequesterContactId,
            t.Severity,
            t.Channel,
            t.AssigneeAgentId,
            t.PlanId,
            t.Service,
            t.ResolvedAt,
            t.FirstRespondedAt,
            t.FirstResponseDueAt,
            t.ResolutionDueAt,
            t.SlaBreached,
        }, "IX_Tickets_Report_CreatedAt");
        b.HasIndex(t => new
        {
            t.OrganisationId,
            t.ResolvedAt,
            t.CreatedAt,
            t.CustomerId,
            t.Kind,
            t.RequesterContactId,
            t.Severity,
            t.Channel,
            t.AssigneeAgentId,
            t.PlanId,
            t.Service,
        }, "IX_Tickets_Report_ResolvedAt");

        // The SLA sweep reads only the tickets something falls due on.
        b.HasIndex(t => t.SlaCheckAt, "IX_Tickets_SlaCheckAt").HasFilter("\"SlaCheckAt\" IS NOT NULL");
        b.Property(t => t.SlaWarned).HasConversion<int>();
        b.Property(t => t.Revision).IsConcurrencyToken();
        b.Property(t => t.SlaBreached).HasConversion<int>();
    }
}

internal sealed class TicketMessageConfiguration : IEntityTypeConfiguration<TicketMessage>
{
    public void Configure(EntityTypeBuilder<TicketMessage> b)
    {
        b.Property(m => m.AuthorName).HasMaxLength(200);
        b.Property(m => m.Body).HasMaxLength(TicketLimits.Body);
        b.HasOne(m => m.Ticket).WithMany().HasForeignKey(m => m.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => new { m.TicketId, m.CreatedAt });
    }
}

internal sealed class TicketEventConfiguration : IEntityTypeConfiguration<TicketEvent>
{
    public void Configure(EntityTypeBuilder<TicketEvent> b)
    {
        b.Property(e => e.ActorName).HasMaxLength(200);
        b.Property(e => e.Change).HasMaxLength(32);
        b.Property(e => e.OldValue).HasMaxLength(300);
        b.Property(e => e.NewValue).HasMaxLength(300);
        b.HasOne<Ticket>().WithMany().HasForeignKey(e => e.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.TicketId, e.Id });
    }
}

internal sealed class TicketNumberCounterConfiguration : IEntityTypeConfiguration<TicketNumberCounter>
{
    public void Configure(EntityTypeBuilder<TicketNumberCounter> b)
    {
        b.HasKey(c => c.OrganisationId);
        b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public static class TicketLimits
{
    public const int Title = 200;
    public const int Body = 20_000;
    public const int Service = 100;
}

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class TicketsSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<Ticket> Tickets => db.Set<Ticket>();
        public DbSet<TicketMessage> TicketMessages => db.Set<TicketMessage>();
        public DbSet<TicketEvent> TicketEvents => db.Set<TicketEvent>();
        public DbSet<TicketNumberCounter> TicketNumberCounters => db.Set<TicketNumberCounter>();
        public DbSet<TicketAttachment> TicketAttachments => db.Set<TicketAttachment>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class TicketsVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        visible.ReachableCustomer<Ticket>(
            t => t.CustomerId,
            (db, t) => (!db.CallerIsContact || db.CallerIsCustomerAdmin || t.RequesterContactId == db.CallerUserId)
                       && (!db.CallerIsSalesAgent || t.Kind == TicketKind.SubscriptionChange));
        visible.ReachableCustomer<TicketMessage>(
            m => m.CustomerId,
            (db, m) => (!db.CallerIsContact
                        || (m.Visibility == MessageVisibility.Public
                            && (db.CallerIsCustomerAdmin || m.Ticket!.RequesterContactId == db.CallerUserId)))
                       && (!db.CallerIsSalesAgent || m.Ticket!.Kind == TicketKind.SubscriptionChange));

        // A file follows its ticket, and the message it came with: an internal note's files stay with the agents.
        visible.ReachableCustomer<TicketAttachment>(
            a => a.CustomerId,
            (db, a) => db.Set<Ticket>().Any(t => t.Id == a.TicketId) && (a.MessageId == null || db.Set<TicketMessage>().Any(m => m.Id == a.MessageId)));

        // The history is the agents'; a sales agent's only of subscription changes.
        visible.ReachableCustomer<TicketEvent>(
            e => e.CustomerId,
            (db, e) => !db.CallerIsContact && (!db.CallerIsSalesAgent || db.Set<Ticket>().Any(t => t.Id == e.TicketId && t.Kind == TicketKind.SubscriptionChange)));
    }
}
