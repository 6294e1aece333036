using System.Linq.Expressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PartnerDesk.Features.Notifications;
using PartnerDesk.Features.Organisations;
using PartnerDesk.Features.ServiceHealth;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Tenancy;
using PartnerDesk.Platform.Auth;

namespace PartnerDesk.Platform.Data;

/// <summary>
/// The one database context. Isolation lives here and only here: every organisation-owned set is
/// filtered by the caller's organisation, and every customer-owned set by the customers the caller
/// may reach (GDAP for helpdesk agents, their own customer for contacts). An unknown caller matches
/// nothing. SQLite and PostgreSQL each have a subclass that owns its migrations.
/// Contexts are pooled: <see cref="For"/> gives a rented one its caller, and returning it forgets them.
/// </summary>
public abstract class PartnerDeskDb(DbContextOptions options)
    : IdentityDbContext<UserAccount, IdentityRole<Guid>, Guid>(options), Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    private Caller caller = new();
    private TimeProvider clock = TimeProvider.System;

    /// <summary>
    /// The data-protection key ring (sign-in cookies, mailbox passwords): in the database, so that every instance
    /// and every restart reads what another wrote.
    /// </summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys => Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<SecurityGroup> SecurityGroups => Set<SecurityGroup>();
    public DbSet<SecurityGroupMember> SecurityGroupMembers => Set<SecurityGroupMember>();
    public DbSet<DelegatedAdminRelationship> DelegatedAdminRelationships => Set<DelegatedAdminRelationship>();
    public DbSet<DelegatedAdminAccessAssignment> DelegatedAdminAccessAssignments => Set<DelegatedAdminAccessAssignment>();
    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<TicketMessage> TicketMessages => Set<TicketMessage>();
    public DbSet<TicketEvent> TicketEvents => Set<TicketEvent>();
    public DbSet<TicketNumberCounter> TicketNumberCounters => Set<TicketNumberCounter>();
    public DbSet<ServiceHealthIssue> ServiceHealthIssues => Set<ServiceHealthIssue>();
    public DbSet<ServiceHealthPost> ServiceHealthPosts => Set<ServiceHealthPost>();
    public DbSet<AffectedCustomer> AffectedCustomers => Set<AffectedCustomer>();
    public DbSet<MessageCenterPost> MessageCenterPosts => Set<MessageCenterPost>();
    public DbSet<MessageCenterRecipient> MessageCenterRecipients => Set<MessageCenterRecipient>();
    public DbSet<CustomerServiceStatus> CustomerServiceStatuses => Set<CustomerServiceStatus>();
    public DbSet<HealthSyncState> HealthSyncStates => Set<HealthSyncState>();
    public DbSet<TicketIssueLink> TicketIssueLinks => Set<TicketIssueLink>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Jobs.JobLease> JobLeases => Set<Jobs.JobLease>();
    public DbSet<Outbox.OutboxMessage> OutboxMessages => Set<Outbox.OutboxMessage>();
    public DbSet<Features.Escalations.Escalation> Escalations => Set<Features.Escalations.Escalation>();
    public DbSet<Features.Escalations.EscalationEvent> EscalationEvents => Set<Features.Escalations.EscalationEvent>();
    public DbSet<Features.Escalations.ResellerLink> ResellerLinks => Set<Features.Escalations.ResellerLink>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Features.Plans.SupportPlan> SupportPlans => Set<Features.Plans.SupportPlan>();
    public DbSet<Features.Plans.SupportContract> SupportContracts => Set<Features.Plans.SupportContract>();
    public DbSet<Features.Plans.SlaBreach> SlaBreaches => Set<Features.Plans.SlaBreach>();
    public DbSet<AgentAlert> AgentAlerts => Set<AgentAlert>();
    public DbSet<Features.Billing.TimeEntry> TimeEntries => Set<Features.Billing.TimeEntry>();
    public DbSet<Features.Billing.Statement> Statements => Set<Features.Billing.Statement>();
    public DbSet<Features.Plans.ProviderHandover> ProviderHandovers => Set<Features.Plans.ProviderHandover>();
    public DbSet<Features.Plans.PartnerLink> PartnerLinks => Set<Features.Plans.PartnerLink>();
    public DbSet<TicketAttachment> TicketAttachments => Set<TicketAttachment>();
    public DbSet<Features.Subscriptions.SubscriptionChange> SubscriptionChanges => Set<Features.Subscriptions.SubscriptionChange>();
    public DbSet<Features.Knowledge.Article> Articles => Set<Features.Knowledge.Article>();
    public DbSet<Features.Knowledge.ArticleTerm> ArticleTerms => Set<Features.Knowledge.ArticleTerm>();
    public DbSet<Features.Knowledge.ArticleVisit> ArticleVisits => Set<Features.Knowledge.ArticleVisit>();
    public DbSet<Features.Mail.Mailbox> Mailboxes => Set<Features.Mail.Mailbox>();
    public DbSet<Features.Mail.InboundMail> InboundMails => Set<Features.Mail.InboundMail>();
    public DbSet<Features.Mail.MailLink> MailLinks => Set<Features.Mail.MailLink>();
    public DbSet<Features.Mail.MailConversation> MailConversations => Set<Features.Mail.MailConversation>();

    public Caller Caller => caller;

    /// <summary>Sets who this context works for; the query filters read it at every query.</summary>
    public PartnerDeskDb For(Caller who, TimeProvider time)
    {
        caller = who;
        clock = time;
        return this;
    }

    // Back in the pool, a context works for nobody until it is rented again.
    public override void Dispose()
    {
        caller = new Caller();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    public override ValueTask DisposeAsync()
    {
        caller = new Caller();
        GC.SuppressFinalize(this);
        return base.DisposeAsync();
    }

    // Read by the query filters; EF evaluates these per query, so a change of GDAP or time applies at once.
    private Guid? CallerOrganisationId => caller.OrganisationId;
    private Guid CallerUserId => caller.UserId;
    private Guid? CallerCustomerId => caller.CustomerId;
    private bool CallerSeesAllCustomers => caller.SeesAllCustomers;
    private bool CallerIsContact => caller.IsContact;
    private bool CallerIsCustomerAdmin => caller.IsCustomerAdmin;
    private bool CallerIsHelpdeskAgent => caller.AgentRole == AgentRole.HelpdeskAgent;
    private bool CallerIsSalesAgent => caller.AgentRole == AgentRole.SalesAgent;
    private DateTimeOffset Now => clock.GetUtcNow();

    protected abstract bool IsSqlite { get; }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (IsSqlite)
        {
            // SQLite has no date type; UTC ticks keep ordering and comparison in SQL.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }

        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PartnerDeskDb).Assembly);

        builder.Entity<Organisation>().HasQueryFilter(o => o.Id == CallerOrganisationId);
        OwnedByOrganisation<Agent>(builder);
        OwnedByOrganisation<SecurityGroup>(builder);
        OwnedByOrganisation<SecurityGroupMember>(builder);
        OwnedByOrganisation<DelegatedAdminRelationship>(builder);
        OwnedByOrganisation<DelegatedAdminAccessAssignment>(builder);
        OwnedByOrganisation<ApiToken>(builder);
        OwnedByOrganisation<IdempotencyRecord>(builder);
        OwnedByOrganisation<Outbox.OutboxMessage>(builder);
        OwnedByOrganisation<Features.Escalations.ResellerLink>(builder);
        OwnedByOrganisation<Features.Plans.SupportCalendar>(builder);
        OwnedByOrganisation<Features.Plans.CalendarInterval>(builder);
        OwnedByOrganisation<Features.Plans.CalendarHoliday>(builder);
        OwnedByOrganisation<Features.Plans.SupportPlan>(builder);
        OwnedByOrganisation<Features.Plans.PlanSlaTarget>(builder);
        OwnedByOrganisation<Features.Plans.PlanPhoneLine>(builder);
        OwnedByOrganisation<Features.Plans.PlanRoutingRule>(builder);
        OwnedByOrganisation<Features.Plans.PartnerLink>(builder);
        OwnedByOrganisation<SupportProfile>(builder);
        OwnedByOrganisation<GdapNotice>(builder);
        OwnedByOrganisation<GdapSyncState>(builder);
        // Mailboxes and their traffic are the organisation's agents' business; a mail that made a ticket
        // follows the ticket's visibility. A mail without a ticket (triage, quarantine, auto-replies) may be
        // any customer's: only agents who reach every customer see it, not a GDAP-limited helpdesk agent.
        builder.Entity<Features.Mail.Mailbox>().HasQueryFilter(m => m.OrganisationId == CallerOrganisationId && !CallerIsContact);
        builder.Entity<Features.Mail.InboundMail>().HasQueryFilter(m =>
            m.OrganisationId == CallerOrganisationId && !CallerIsContact
            && (m.TicketId == null ? CallerSeesAllCustomers : Set<Ticket>().Any(t => t.Id == m.TicketId)));
        builder.Entity<Features.Mail.MailLink>().HasQueryFilter(l => l.OrganisationId == CallerOrganisationId && !CallerIsContact);
        builder.Entity<Features.Mail.MailConversation>().HasQueryFilter(c => c.OrganisationId == CallerOrganisationId && !CallerIsContact);

        builder.Entity<Customer>().HasQueryFilter(ReachableCustomer<Customer>(c => c.Id, c => true));
        builder.Entity<Contact>().HasQueryFilter(ReachableCustomer<Contact>(c => c.CustomerId, c => true));
        builder.Entity<Ticket>().HasQueryFilter(ReachableCustomer<Ticket>(
            t => t.CustomerId,
            t => (!CallerIsContact || CallerIsCustomerAdmin || t.RequesterContactId == CallerUserId)
                 && (!CallerIsSalesAgent || t.Kind == TicketKind.SubscriptionChange)));
        builder.Entity<TicketMessage>().HasQueryFilter(ReachableCustomer<TicketMessage>(
            m => m.CustomerId,
            m => (!CallerIsContact
                  || (m.Visibility == MessageVisibility.Public
                      && (CallerIsCustomerAdmin || m.Ticket!.RequesterContactId == CallerUserId)))
                 && (!CallerIsSalesAgent || m.Ticket!.Kind == TicketKind.SubscriptionChange)));
        // The knowledge base: agents read all of their organisation's; its customers' contacts the public articles.
        builder.Entity<Features.Knowledge.Article>().HasQueryFilter(a =>
            a.OrganisationId == CallerOrganisationId && (!CallerIsContact || a.Visibility == Features.Knowledge.ArticleVisibility.Public));
        builder.Entity<Features.Knowledge.ArticleTerm>().HasQueryFilter(t =>
            t.OrganisationId == CallerOrganisationId && (!CallerIsContact || t.Visibility == Features.Knowledge.ArticleVisibility.Public));
        builder.Entity<Features.Knowledge.ArticleVisit>().HasQueryFilter(v => v.OrganisationId == CallerOrganisationId && !CallerIsContact);
        // A subscription change is the customer's admin's business and the partner's (its ticket's agents).
        builder.Entity<Features.Subscriptions.SubscriptionChange>().HasQueryFilter(ReachableCustomer<Features.Subscriptions.SubscriptionChange>(
            c => c.CustomerId, c => (!CallerIsContact || CallerIsCustomerAdmin) && Set<Ticket>().Any(t => t.Id == c.TicketId)));
        // A file follows its ticket, and the message it came with: an internal note's files stay with the agents.
        builder.Entity<TicketAttachment>().HasQueryFilter(ReachableCustomer<TicketAttachment>(
            a => a.CustomerId, a => Set<Ticket>().Any(t => t.Id == a.TicketId) && (a.MessageId == null || Set<TicketMessage>().Any(m => m.Id == a.MessageId))));
        builder.Entity<TicketEvent>().HasQueryFilter(ReachableCustomer<TicketEvent>(
            e => e.CustomerId,
            e => !CallerIsContact && (!CallerIsSalesAgent || Set<Ticket>().Any(t => t.Id == e.TicketId && t.Kind == TicketKind.SubscriptionChange))));

        // Microsoft's issues and posts are the organisation's; a contact sees those of its own tenant only.
        builder.Entity<ServiceHealthIssue>().HasQueryFilter(i =>
            i.OrganisationId == CallerOrganisationId
            && (!CallerIsContact || Set<AffectedCustomer>().Any(a => a.IssueId == i.Id && a.CustomerId == CallerCustomerId)));
        builder.Entity<ServiceHealthPost>().HasQueryFilter(p =>
            p.OrganisationId == CallerOrganisationId
            && (!CallerIsContact || Set<AffectedCustomer>().Any(a => a.IssueId == p.IssueId && a.CustomerId == CallerCustomerId)));
        builder.Entity<MessageCenterPost>().HasQueryFilter(m =>
            m.OrganisationId == CallerOrganisationId
            && (!CallerIsContact || Set<MessageCenterRecipient>().Any(r => r.MessageId == m.Id && r.CustomerId == CallerCustomerId)));
        builder.Entity<AffectedCustomer>().HasQueryFilter(ReachableCustomer<AffectedCustomer>(a => a.CustomerId, a => true));
        builder.Entity<MessageCenterRecipient>().HasQueryFilter(ReachableCustomer<MessageCenterRecipient>(r => r.CustomerId, r => true));
        builder.Entity<CustomerServiceStatus>().HasQueryFilter(ReachableCustomer<CustomerServiceStatus>(s => s.CustomerId, s => true));
        builder.Entity<HealthSyncState>().HasQueryFilter(ReachableCustomer<HealthSyncState>(s => s.CustomerId, s => !CallerIsContact));
        builder.Entity<TicketIssueLink>().HasQueryFilter(ReachableCustomer<TicketIssueLink>(
            l => l.CustomerId,
            l => !CallerIsSalesAgent
                 && (!CallerIsContact
                     || (l.State != KnownIssueLinkState.Dismissed
                         && (CallerIsCustomerAdmin || Set<Ticket>().Any(t => t.Id == l.TicketId && t.RequesterContactId == CallerUserId))))));
        // Escalations are the partner's business with Microsoft or its provider: agents only.
        builder.Entity<Features.Escalations.Escalation>().HasQueryFilter(ReachableCustomer<Features.Escalations.Escalation>(
            e => e.CustomerId, e => !CallerIsContact && !CallerIsSalesAgent));
        builder.Entity<Features.Escalations.EscalationEvent>().HasQueryFilter(ReachableCustomer<Features.Escalations.EscalationEvent>(
            e => e.CustomerId, e => !CallerIsContact && !CallerIsSalesAgent));
        // A contract is the customer's: its agents, and its own contacts (the support terms page).
        builder.Entity<Features.Plans.SupportContract>().HasQueryFilter(ReachableCustomer<Features.Plans.SupportContract>(c => c.CustomerId, c => true));
        builder.Entity<Features.Plans.SlaBreach>().HasQueryFilter(ReachableCustomer<Features.Plans.SlaBreach>(
            b => b.CustomerId, b => !CallerIsContact && Set<Ticket>().Any(t => t.Id == b.TicketId)));
        builder.Entity<AgentAlert>().HasQueryFilter(ReachableCustomer<AgentAlert>(
            a => a.CustomerId, a => !CallerIsContact && (a.TicketId == null || Set<Ticket>().Any(t => t.Id == a.TicketId))));
        builder.Entity<Features.Plans.ProviderHandover>().HasQueryFilter(ReachableCustomer<Features.Plans.ProviderHandover>(
            h => h.CustomerId, h => !CallerIsContact));

        // Time and statements are the partner's business: agents only; time follows the ticket's visibility.
        builder.Entity<Features.Billing.TimeEntry>().HasQueryFilter(ReachableCustomer<Features.Billing.TimeEntry>(
            e => e.CustomerId, e => !CallerIsContact && Set<Ticket>().Any(t => t.Id == e.TicketId)));
        builder.Entity<Features.Billing.Statement>().HasQueryFilter(ReachableCustomer<Features.Billing.Statement>(
            s => s.CustomerId, s => !CallerIsContact));
        builder.Entity<Features.Billing.StatementLine>().HasQueryFilter(l =>
            l.OrganisationId == CallerOrganisationId && Set<Features.Billing.Statement>().Any(s => s.Id == l.StatementId));
        builder.Entity<Notification>().HasQueryFilter(ReachableCustomer<Notification>(
            n => n.CustomerId, n => !CallerIsContact || n.ContactId == CallerUserId));
    }

    private void OwnedByOrganisation<T>(ModelBuilder builder)
        where T : class, IOrganisationOwned =>
        builder.Entity<T>().HasQueryFilter(e => e.OrganisationId == CallerOrganisationId);

    /// <summary>
    /// The one rule of who reaches which customer: admins and sales agents every customer of their
    /// organisation; helpdesk agents those reached through an active GDAP access assignment of one of
    /// their groups with a support role, in an active relationship that has not ended; contacts their own.
    /// </summary>
    private Expression<Func<T, bool>> ReachableCustomer<T>(
        Expression<Func<T, Guid>> customerId, Expression<Func<T, bool>> andAlso)
        where T : class, IOrganisationOwned
    {
        Expression<Func<T, Guid, bool>> rule = (e, cid) =>
            e.OrganisationId == CallerOrganisationId
            && (CallerSeesAllCustomers
                || (CallerIsContact && cid == CallerCustomerId)
                || (CallerIsHelpdeskAgent && Set<DelegatedAdminAccessAssignment>().Any(a =>
                    a.CustomerId == cid
                    && a.Status == DelegatedAdminAccessAssignmentStatus.Active
                    && a.Relationship!.Status == DelegatedAdminRelationshipStatus.Active
                    && (a.Relationship.EndDateTime == null || a.Relationship.EndDateTime > Now)
                    && a.UnifiedRoles.Any(r => r == EntraRoles.HelpdeskAdministrator || r == EntraRoles.ServiceSupportAdministrator)
                    && Set<SecurityGroupMember>().Any(m => m.SecurityGroupId == a.AccessContainerId && m.AgentId == CallerUserId))));

        var entity = customerId.Parameters[0];
        var body = Expression.AndAlso(
            new ParameterReplacer(rule.Parameters[0], entity)
                .Visit(new ParameterReplacer(rule.Parameters[1], customerId.Body).Visit(rule.Body)),
            new ParameterReplacer(andAlso.Parameters[0], entity).Visit(andAlso.Body));
        return Expression.Lambda<Func<T, bool>>(body, entity);
    }

    private sealed class ParameterReplacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}

public sealed class SqliteDb(DbContextOptions<SqliteDb> options) : PartnerDeskDb(options)
{
    protected override bool IsSqlite => true;
}

public sealed class PostgresDb(DbContextOptions<PostgresDb> options) : PartnerDeskDb(options)
{
    protected override bool IsSqlite => false;
}
