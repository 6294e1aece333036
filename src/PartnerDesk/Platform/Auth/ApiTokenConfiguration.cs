using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PartnerDesk.Platform.Auth;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Prefix).HasMaxLength(16);
        b.Property(t => t.TokenHash).HasMaxLength(32);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => new { t.UserId, t.Kind });
        b.HasIndex(t => new { t.Kind, t.ExpiresAt });
        b.HasOne<UserAccount>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserAccountConfiguration : IEntityTypeConfiguration<UserAccount>
{
    public void Configure(EntityTypeBuilder<UserAccount> b) =>
        // A Microsoft account is linked to one PartnerDesk account at most: a sign-in names exactly one person.
        b.HasIndex(u => new { u.EntraTenantId, u.EntraObjectId }).IsUnique();
}
