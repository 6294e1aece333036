using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PartnerDesk.Platform.Api;
using PartnerDesk.Platform.Auth;
using PartnerDesk.Platform.Tenancy;

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
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Jobs.JobLease> JobLeases => Set<Jobs.JobLease>();
    public DbSet<Outbox.OutboxMessage> OutboxMessages => Set<Outbox.OutboxMessage>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Audit.AuditEntry> AuditEntries => Set<Audit.AuditEntry>();

    public Caller Caller => caller;

    /// <summary>
    /// How many of this context's saves only added rows and were written without EF's update pipeline. Tests read it to
    /// know which writer ran; per context, as a process-wide metric would mix the saves of tests running side by side.
    /// </summary>
    internal int SavesWrittenDirectly { get; set; }

    /// <summary>The clock of the one who saves (a fake one in tests).</summary>
    public TimeProvider Clock => clock;

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

    // Read by the query filters (features' visibility rules name them as db.CallerIsContact and so on); EF
    // evaluates these per query and per context, so a change of GDAP or time applies at once.
    public Guid? CallerOrganisationId => caller.OrganisationId;
    public Guid CallerUserId => caller.UserId;
    public Guid? CallerCustomerId => caller.CustomerId;
    public bool CallerSeesAllCustomers => caller.SeesAllCustomers;
    public bool CallerSeesEveryTicket => caller.SeesEveryTicket;
    public bool CallerIsContact => caller.IsContact;
    public bool CallerIsCustomerAdmin => caller.IsCustomerAdmin;
    public bool CallerIsHelpdeskAgent => caller.AgentRole == AgentRole.HelpdeskAgent;
    public bool CallerIsSalesAgent => caller.AgentRole == AgentRole.SalesAgent;
    public DateTimeOffset Now => clock.GetUtcNow();

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

        // The tenancy model is Platform's: who the caller is and which customers it reaches are defined over it.
        var visible = new Visibility(builder, this);
        builder.Entity<Organisation>().HasQueryFilter(o => o.Id == CallerOrganisationId);
        visible.OwnedByOrganisation<Agent>();
        visible.OwnedByOrganisation<SecurityGroup>();
        visible.OwnedByOrganisation<SecurityGroupMember>();
        visible.OwnedByOrganisation<DelegatedAdminRelationship>();
        visible.OwnedByOrganisation<DelegatedAdminAccessAssignment>();
        visible.OwnedByOrganisation<ApiToken>();
        visible.OwnedByOrganisation<IdempotencyRecord>();
        visible.OwnedByOrganisation<Outbox.OutboxMessage>();
        visible.ReachableCustomer<Customer>(c => c.Id);
        visible.ReachableCustomer<Contact>(c => c.CustomerId);

        // Each feature declares who sees its own entities, through the same two rules.
        foreach (var rules in typeof(PartnerDeskDb).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IVisibilityRules).IsAssignableFrom(t))
                     .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            ((IVisibilityRules)Activator.CreateInstance(rules)!).Declare(visible);
        }

        SqlTime.Map(builder, IsSqlite);
        TableNames.MakePlural(builder);
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
