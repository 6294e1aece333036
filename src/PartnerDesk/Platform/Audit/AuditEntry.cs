using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Audit;

/// <summary>
/// One access of an agent to a customer's data: a read of a ticket, the workspace, the tenant's facts or its
/// subscriptions, or a change. Append-only: no route or page changes or deletes one; only the retention removes
/// entries older than the organisation keeps them.
/// </summary>
public sealed class AuditEntry : IOrganisationOwned
{
    /// <summary>Grows with every entry: the order of the log and its cursor.</summary>
    public long Id { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid CustomerId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The agent (or the agent's API token).</summary>
    public Guid ActorId { get; set; }
    public required string ActorName { get; set; }

    /// <summary>What was done, e.g. ticket.read, workspace.read, tenant.refresh, change.</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to: a ticket's number, or the changed records for a change.</summary>
    public string? Subject { get; set; }

    /// <summary>From where: the client's address, and whether through the API or the console.</summary>
    public string? Address { get; set; }
    public required string Via { get; set; }

    /// <summary>How the agent reaches the customer: its PartnerDesk role, and for helpdesk agents the GDAP roles (Entra role ids, comma-separated).</summary>
    public required string Reach { get; set; }
    public string? GdapRoles { get; set; }
}

public static class AuditLimits
{
    public const int ActorName = 200;
    public const int Action = 50;
    public const int Subject = 1000;
    public const int Address = 64;
    public const int Via = 20;
    public const int Reach = 50;
    public const int GdapRoles = 1000;

    public static string? Cut(string? text, int length) => text is { } t && t.Length > length ? t[..length] : text;
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.ActorName).HasMaxLength(AuditLimits.ActorName);
        b.Property(e => e.Action).HasMaxLength(AuditLimits.Action);
        b.Property(e => e.Subject).HasMaxLength(AuditLimits.Subject);
        b.Property(e => e.Address).HasMaxLength(AuditLimits.Address);
        b.Property(e => e.Via).HasMaxLength(AuditLimits.Via);
        b.Property(e => e.Reach).HasMaxLength(AuditLimits.Reach);
        b.Property(e => e.GdapRoles).HasMaxLength(AuditLimits.GdapRoles);
        b.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        // The log newest first, for the organisation and for one customer; retention deletes by time.
        b.HasIndex(e => new { e.OrganisationId, e.Id });
        b.HasIndex(e => new { e.CustomerId, e.Id });
        b.HasIndex(e => e.At);
    }
}

internal sealed class AuditVisibility : IVisibilityRules
{
    // Admins see every customer's entries, a customer's admin its own customer's (the endpoints say who may ask).
    public void Declare(Visibility visible) => visible.ReachableCustomer<AuditEntry>(e => e.CustomerId);
}
