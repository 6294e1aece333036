using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Features.Tickets;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Billing;

/// <summary>Work on a ticket: who, how long, whether the customer pays for it. A running timer is an entry with <see cref="RunningSince"/>.</summary>
public sealed class TimeEntry : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid TicketId { get; set; }
    public Guid AgentId { get; set; }
    public required string AgentName { get; set; }
    public int Minutes { get; set; }
    public bool Billable { get; set; } = true;

    /// <summary>Done by the plan's support provider (resold or outsourced work): its cost counts against the margin.</summary>
    public bool ByProvider { get; set; }
    public string? Note { get; set; }

    /// <summary>The day the work counts for (the statement month follows it).</summary>
    public DateOnly WorkedOn { get; set; }

    /// <summary>Set while the agent's timer runs on this ticket; the minutes are taken when it stops.</summary>
    public DateTimeOffset? RunningSince { get; set; }

    /// <summary>The closed statement that billed it; such an entry never changes again.</summary>
    public Guid? StatementId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum StatementLineKind
{
    PlanFee,
    Seats,
    IncludedHours,
    PrepaidHours,
    Overage,
    NonBillableHours,
    Incidents,
    ProviderFee,
    ProviderHours,
    ProviderIncidents,
}

/// <summary>A customer's closed monthly statement: what it was charged and what the provider cost. Never changed after closing.</summary>
public sealed class Statement : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public Guid? ContractId { get; set; }
    public required string PlanName { get; set; }

    /// <summary>The first day of the month billed.</summary>
    public DateOnly Month { get; set; }
    public required string Currency { get; set; }
    public decimal Total { get; set; }
    public decimal ProviderCost { get; set; }
    public DateTimeOffset ClosedAt { get; set; }
    public required string ClosedBy { get; set; }
    public List<StatementLine> Lines { get; set; } = [];
}

public sealed class StatementLine : IOrganisationOwned
{
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid StatementId { get; set; }
    public int Position { get; set; }
    public StatementLineKind Kind { get; set; }
    public required string Description { get; set; }
    public decimal Quantity { get; set; }
    public decimal UnitPrice { get; set; }

    /// <summary>What the customer pays for this line (0 for cost-only lines).</summary>
    public decimal Amount { get; set; }

    /// <summary>What the provider charges the partner for it.</summary>
    public decimal Cost { get; set; }
}

internal sealed class TimeEntryConfiguration : IEntityTypeConfiguration<TimeEntry>
{
    public void Configure(EntityTypeBuilder<TimeEntry> b)
    {
        b.Property(e => e.AgentName).HasMaxLength(200);
        b.Property(e => e.Note).HasMaxLength(1000);
        b.HasOne<Ticket>().WithMany().HasForeignKey(e => e.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(e => e.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Statement>().WithMany().HasForeignKey(e => e.StatementId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => new { e.TicketId, e.CreatedAt });
        b.HasIndex(e => new { e.OrganisationId, e.CustomerId, e.WorkedOn });

        // One running timer per agent.
        b.HasIndex(e => e.AgentId, "IX_TimeEntries_RunningTimer").IsUnique().HasFilter("\"RunningSince\" IS NOT NULL");
    }
}

internal sealed class StatementConfiguration : IEntityTypeConfiguration<Statement>
{
    public void Configure(EntityTypeBuilder<Statement> b)
    {
        b.Property(s => s.PlanName).HasMaxLength(200);
        b.Property(s => s.Currency).HasMaxLength(3);
        b.Property(s => s.ClosedBy).HasMaxLength(200);
        b.Property(s => s.Total).HasPrecision(14, 2);
        b.Property(s => s.ProviderCost).HasPrecision(14, 2);
        b.HasOne<Customer>().WithMany().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(s => s.Lines).WithOne().HasForeignKey(l => l.StatementId).OnDelete(DeleteBehavior.Cascade);

        // One statement per customer and month: closing twice at once fails on this index.
        b.HasIndex(s => new { s.CustomerId, s.Month }).IsUnique();
    }
}

internal sealed class StatementLineConfiguration : IEntityTypeConfiguration<StatementLine>
{
    public void Configure(EntityTypeBuilder<StatementLine> b)
    {
        b.Property(l => l.Description).HasMaxLength(300);
        b.Property(l => l.Quantity).HasPrecision(14, 4);
        b.Property(l => l.UnitPrice).HasPrecision(14, 4);
        b.Property(l => l.Amount).HasPrecision(14, 2);
        b.Property(l => l.Cost).HasPrecision(14, 2);
    }
}

/// <summary>This feature's tables, as sets of the one context (<c>db.Tickets</c> and so on).</summary>
public static class BillingSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<TimeEntry> TimeEntries => db.Set<TimeEntry>();
        public DbSet<Statement> Statements => db.Set<Statement>();
    }
}

/// <summary>Who sees this feature's entities, through Platform's two rules of isolation.</summary>
internal sealed class BillingVisibility : IVisibilityRules
{
    public void Declare(Visibility visible)
    {
        // Time and statements are the partner's business: agents only; time follows the ticket's visibility.
        visible.ReachableCustomer<TimeEntry>(e => e.CustomerId, (db, e) => !db.CallerIsContact && db.Set<Ticket>().Any(t => t.Id == e.TicketId));
        visible.ReachableCustomer<Statement>(s => s.CustomerId, (db, s) => !db.CallerIsContact);
        visible.OwnedByOrganisation<StatementLine>((db, l) => db.Set<Statement>().Any(s => s.Id == l.StatementId));
    }
}
