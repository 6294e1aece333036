using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.ServiceHealth;

internal sealed class ServiceHealthIssueConfiguration : IEntityTypeConfiguration<ServiceHealthIssue>
{
    public void Configure(EntityTypeBuilder<ServiceHealthIssue> b)
    {
        b.Property(i => i.MicrosoftId).HasMaxLength(64);
        b.Property(i => i.Title).HasMaxLength(ServiceHealthLimits.Title);
        b.Property(i => i.Service).HasMaxLength(ServiceHealthLimits.Name);
        b.Property(i => i.Feature).HasMaxLength(ServiceHealthLimits.Name);
        b.Property(i => i.FeatureGroup).HasMaxLength(ServiceHealthLimits.Name);
        b.Property(i => i.ImpactDescription).HasMaxLength(ServiceHealthLimits.Text);
        b.Property(i => i.Status).HasMaxLength(64);
        // Two instances storing the same new post: the second's update fails and it reads again (one update, not two).
        b.Property(i => i.LatestPostAt).IsConcurrencyToken();
        b.HasOne<Organisation>().WithMany().HasForeignKey(i => i.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(i => new { i.OrganisationId, i.MicrosoftId }).IsUnique();
        b.HasIndex(i => new { i.OrganisationId, i.IsResolved, i.LastModifiedDateTime });
        b.HasMany(i => i.Posts).WithOne().HasForeignKey(p => p.IssueId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ServiceHealthPostConfiguration : IEntityTypeConfiguration<ServiceHealthPost>
{
    public void Configure(EntityTypeBuilder<ServiceHealthPost> b)
    {
        b.Property(p => p.PostType).HasMaxLength(32);
        b.Property(p => p.Text).HasMaxLength(ServiceHealthLimits.PostText);
        b.HasIndex(p => new { p.IssueId, p.CreatedDateTime });
    }
}

internal sealed class AffectedCustomerConfiguration : IEntityTypeConfiguration<AffectedCustomer>
{
    public void Configure(EntityTypeBuilder<AffectedCustomer> b)
    {
        b.HasKey(a => new { a.IssueId, a.CustomerId });
        b.HasOne(a => a.Issue).WithMany().HasForeignKey(a => a.IssueId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(a => a.Customer).WithMany().HasForeignKey(a => a.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.CustomerId);
    }
}

internal sealed class MessageCenterPostConfiguration : IEntityTypeConfiguration<MessageCenterPost>
{
    public void Configure(EntityTypeBuilder<MessageCenterPost> b)
    {
        b.Property(m => m.MicrosoftId).HasMaxLength(64);
        b.Property(m => m.Title).HasMaxLength(ServiceHealthLimits.Title);
        b.Property(m => m.Category).HasMaxLength(64);
        b.Property(m => m.Severity).HasMaxLength(64);
        b.Property(m => m.Services).HasMaxLength(ServiceHealthLimits.Text);
        b.Property(m => m.Tags).HasMaxLength(ServiceHealthLimits.Text);
        b.Property(m => m.Body).HasMaxLength(ServiceHealthLimits.PostText);
        b.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(m => new { m.OrganisationId, m.MicrosoftId }).IsUnique();
    }
}

internal sealed class MessageCenterRecipientConfiguration : IEntityTypeConfiguration<MessageCenterRecipient>
{
    public void Configure(EntityTypeBuilder<MessageCenterRecipient> b)
    {
        b.HasKey(r => new { r.MessageId, r.CustomerId });
        b.HasOne(r => r.Message).WithMany().HasForeignKey(r => r.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(r => r.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => r.CustomerId);
    }
}

internal sealed class CustomerServiceStatusConfiguration : IEntityTypeConfiguration<CustomerServiceStatus>
{
    public void Configure(EntityTypeBuilder<CustomerServiceStatus> b)
    {
        b.HasKey(s => new { s.CustomerId, s.Service });
        b.Property(s => s.Service).HasMaxLength(ServiceHealthLimits.Name);
        b.Property(s => s.Status).HasMaxLength(64);
        b.HasOne(s => s.Customer).WithMany().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.OrganisationId, s.Status });
    }
}

internal sealed class HealthSyncStateConfiguration : IEntityTypeConfiguration<HealthSyncState>
{
    public void Configure(EntityTypeBuilder<HealthSyncState> b)
    {
        b.HasKey(s => s.CustomerId);
        b.Property(s => s.LastError).HasMaxLength(1000);
        b.Property(s => s.Warnings).HasMaxLength(ServiceHealthLimits.Text);
        b.HasOne<Customer>().WithMany().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.NextDueAt);
    }
}

internal sealed class TicketIssueLinkConfiguration : IEntityTypeConfiguration<TicketIssueLink>
{
    public void Configure(EntityTypeBuilder<TicketIssueLink> b)
    {
        b.HasKey(l => new { l.TicketId, l.IssueId });
        b.Property(l => l.LinkedBy).HasMaxLength(200);
        b.HasOne<Ticket>().WithMany().HasForeignKey(l => l.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(l => l.Issue).WithMany().HasForeignKey(l => l.IssueId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(l => new { l.IssueId, l.State });
    }
}

public static class ServiceHealthLimits
{
    public const int Title = 500;
    public const int Name = 200;
    public const int Text = 4000;
    public const int PostText = 20000;
}

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class ServiceHealthSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<ServiceHealthIssue> ServiceHealthIssues => db.Set<ServiceHealthIssue>();
        public DbSet<ServiceHealthPost> ServiceHealthPosts => db.Set<ServiceHealthPost>();
        public DbSet<AffectedCustomer> AffectedCustomers => db.Set<AffectedCustomer>();
        public DbSet<MessageCenterPost> MessageCenterPosts => db.Set<MessageCenterPost>();
        public DbSet<MessageCenterRecipient> MessageCenterRecipients => db.Set<MessageCenterRecipient>();
        public DbSet<CustomerServiceStatus> CustomerServiceStatuses => db.Set<CustomerServiceStatus>();
        public DbSet<HealthSyncState> HealthSyncStates => db.Set<HealthSyncState>();
        public DbSet<TicketIssueLink> TicketIssueLinks => db.Set<TicketIssueLink>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class ServiceHealthVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        // Microsoft's issues and posts are the organisation's; a contact sees those of its own tenant only.
        visible.OwnedByOrganisation<ServiceHealthIssue>((db, i) =>
            !db.CallerIsContact || db.Set<AffectedCustomer>().Any(a => a.IssueId == i.Id && a.CustomerId == db.CallerCustomerId));
        visible.OwnedByOrganisation<ServiceHealthPost>((db, p) =>
            !db.CallerIsContact || db.Set<AffectedCustomer>().Any(a => a.IssueId == p.IssueId && a.CustomerId == db.CallerCustomerId));
        visible.OwnedByOrganisation<MessageCenterPost>((db, m) =>
            !db.CallerIsContact || db.Set<MessageCenterRecipient>().Any(r => r.MessageId == m.Id && r.CustomerId == db.CallerCustomerId));
        visible.ReachableCustomer<AffectedCustomer>(a => a.CustomerId);
        visible.ReachableCustomer<MessageCenterRecipient>(r => r.CustomerId);
        visible.ReachableCustomer<CustomerServiceStatus>(s => s.CustomerId);
        visible.ReachableCustomer<HealthSyncState>(s => s.CustomerId, (db, s) => !db.CallerIsContact);

        // A known issue on a ticket: not for sales agents; a contact sees those not dismissed, of tickets it sees.
        visible.ReachableCustomer<TicketIssueLink>(
            l => l.CustomerId,
            (db, l) => !db.CallerIsSalesAgent
                       && (!db.CallerIsContact
                           || (l.State != KnownIssueLinkState.Dismissed
                               && (db.CallerIsCustomerAdmin || db.Set<Ticket>().Any(t => t.Id == l.TicketId && t.RequesterContactId == db.CallerUserId)))));
    }
}
