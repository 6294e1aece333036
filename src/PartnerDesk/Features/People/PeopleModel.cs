using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.People;

public enum InvitationKind
{
    Agent,
    Contact,
}

/// <summary>
/// An invitation to join an organisation as an agent, or a customer as a contact: a one-time link, valid for
/// days. Only its hash is stored; accepting it creates the person and its account in one save.
/// </summary>
public sealed class Invitation : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public InvitationKind Kind { get; set; }
    public required string Email { get; set; }

    /// <summary>Lower-case e-mail: one open invitation per address and organisation.</summary>
    public required string EmailLower { get; set; }
    public string? DisplayName { get; set; }

    /// <summary>For an agent: the role it gets.</summary>
    public AgentRole? Role { get; set; }

    /// <summary>For a contact: its customer, and whether it becomes the customer's admin.</summary>
    public Guid? CustomerId { get; set; }
    public bool CustomerAdmin { get; set; }

    /// <summary>SHA-256 of the link's secret.</summary>
    public required byte[] TokenHash { get; set; }
    public Guid InvitedById { get; set; }
    public required string InvitedByName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public Guid? AcceptedUserId { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsOpen(DateTimeOffset now) => AcceptedAt is null && RevokedAt is null && ExpiresAt > now;
}

/// <summary>This feature's tables, as sets of the one context.</summary>
public static class PeopleSets
{
    extension(PartnerDeskDb db)
    {
        public DbSet<Invitation> Invitations => db.Set<Invitation>();
    }
}

/// <summary>
/// Agent invitations are seen by the organisation's agents; a contact invitation by whoever reaches its
/// customer (a customer admin: its own customer's only).
/// </summary>
internal sealed class PeopleVisibility : IVisibilityRules
{
    public void Declare(Visibility visible) =>
        visible.OwnedByOrganisation<Invitation>((db, i) => i.CustomerId == null
            ? !db.CallerIsContact
            : db.Set<Customer>().Any(c => c.Id == i.CustomerId) && (!db.CallerIsContact || db.CallerIsCustomerAdmin));
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> b)
    {
        b.Property(i => i.Email).HasMaxLength(256);
        b.Property(i => i.EmailLower).HasMaxLength(256);
        b.Property(i => i.DisplayName).HasMaxLength(200);
        b.Property(i => i.InvitedByName).HasMaxLength(200);
        b.Property(i => i.TokenHash).HasMaxLength(32);
        b.HasIndex(i => i.TokenHash).IsUnique();
        // One open invitation per address and organisation, enforced (two inviters at the same moment).
        b.HasIndex(i => new { i.OrganisationId, i.EmailLower }, "IX_Invitations_Open").IsUnique().HasFilter("\"AcceptedAt\" IS NULL AND \"RevokedAt\" IS NULL");
        b.HasIndex(i => new { i.OrganisationId, i.EmailLower });
        b.HasOne<Customer>().WithMany().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
