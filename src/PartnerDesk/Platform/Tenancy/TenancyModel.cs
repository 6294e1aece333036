using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PartnerDesk.Platform.Tenancy;

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> b)
    {
        b.Property(o => o.Name).HasMaxLength(200);
        b.Property(o => o.IndirectProviderEmail).HasMaxLength(256);
        b.Property(o => o.Language).HasMaxLength(8).HasDefaultValue("en");
        b.HasOne<Organisation>().WithMany().HasForeignKey(o => o.IndirectProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(o => o.TenantId).IsUnique(); // one tenant, one organisation: a sign-in names exactly one
    }
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.DefaultDomain).HasMaxLength(253);
        b.Property(c => c.TimeZoneId).HasMaxLength(64);
        b.Property(c => c.ResellerName).HasMaxLength(200);
        b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => new { c.OrganisationId, c.Name });
        b.HasIndex(c => new { c.OrganisationId, c.TenantId }).IsUnique();
        b.HasIndex(c => c.TenantId); // a customer's user signing in is found by tenant
    }
}

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> b)
    {
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.DisplayName).HasMaxLength(200);
        b.Property(a => a.Email).HasMaxLength(256);
        b.HasOne<Organisation>().WithMany().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(a => a.OrganisationId);
    }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.DisplayName).HasMaxLength(200);
        b.Property(c => c.Email).HasMaxLength(256);
        b.Property(c => c.Language).HasMaxLength(8).HasDefaultValue("en");
        b.HasOne(c => c.Customer).WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => new { c.OrganisationId, c.CustomerId });
        // A user of the customer's tenant is one contact: imports and sign-ins racing cannot make two.
        b.HasIndex(c => new { c.CustomerId, c.DirectoryObjectId }).IsUnique().HasFilter("\"DirectoryObjectId\" IS NOT NULL");
        b.HasIndex(c => c.CustomerId);
    }
}

internal sealed class SecurityGroupConfiguration : IEntityTypeConfiguration<SecurityGroup>
{
    public void Configure(EntityTypeBuilder<SecurityGroup> b)
    {
        b.Property(g => g.Id).ValueGeneratedNever();
        b.Property(g => g.DisplayName).HasMaxLength(256);
        b.HasIndex(g => g.OrganisationId);
    }
}

internal sealed class SecurityGroupMemberConfiguration : IEntityTypeConfiguration<SecurityGroupMember>
{
    public void Configure(EntityTypeBuilder<SecurityGroupMember> b)
    {
        b.HasKey(m => new { m.SecurityGroupId, m.AgentId });
        b.HasOne<SecurityGroup>().WithMany().HasForeignKey(m => m.SecurityGroupId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Agent>().WithMany().HasForeignKey(m => m.AgentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => m.AgentId);
    }
}

internal sealed class DelegatedAdminRelationshipConfiguration : IEntityTypeConfiguration<DelegatedAdminRelationship>
{
    public void Configure(EntityTypeBuilder<DelegatedAdminRelationship> b)
    {
        b.Property(r => r.Id).HasMaxLength(100);
        b.Property(r => r.DisplayName).HasMaxLength(50);
        b.Property(r => r.Duration).HasMaxLength(20);
        b.HasOne<Customer>().WithMany().HasForeignKey(r => r.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(r => new { r.OrganisationId, r.CustomerId });
    }
}

internal sealed class DelegatedAdminAccessAssignmentConfiguration : IEntityTypeConfiguration<DelegatedAdminAccessAssignment>
{
    public void Configure(EntityTypeBuilder<DelegatedAdminAccessAssignment> b)
    {
        b.Property(a => a.Id).HasMaxLength(100);
        b.Property(a => a.RelationshipId).HasMaxLength(100);
        b.HasOne(a => a.Relationship).WithMany().HasForeignKey(a => a.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.CustomerId, a.AccessContainerId });
    }
}
