using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using PartnerDesk.MicrosoftApis;
using PartnerDesk.Platform.Data;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Features.Organisations;

public enum ConnectionSource
{
    /// <summary>An admin granted consent in the console.</summary>
    Console,

    /// <summary>A refresh token from PartnerDesk__Microsoft__PartnerCenterAccounts (automation); its rotations are kept here.</summary>
    Configuration,
}

/// <summary>
/// The organisation's Partner Center account: the refresh token an admin agent's App+User consent yielded,
/// encrypted with the data-protection keys, replaced by each rotated one. A grant Entra ID no longer honours
/// (revoked, expired, the admin's password reset) is marked broken with Entra's reason until someone connects again.
/// </summary>
public sealed class PartnerCenterConnection : IOrganisationOwned
{
    public Guid OrganisationId { get; set; }
    public Guid PartnerTenantId { get; set; }
    public required string ProtectedRefreshToken { get; set; }
    public ConnectionSource Source { get; set; }

    /// <summary>For <see cref="ConnectionSource.Configuration"/>: a hash of the configured token, so that a new one set by the operator wins over the rotated copy.</summary>
    public string? ConfiguredTokenHash { get; set; }

    /// <summary>Who consented (the admin's UPN), or "configuration".</summary>
    public required string ConnectedBy { get; set; }
    public DateTimeOffset ConnectedAt { get; set; }
    public DateTimeOffset? RefreshedAt { get; set; }
    public string? Broken { get; set; }
    public DateTimeOffset? BrokenAt { get; set; }
}

internal sealed class PartnerCenterConnectionConfiguration : IEntityTypeConfiguration<PartnerCenterConnection>
{
    public void Configure(EntityTypeBuilder<PartnerCenterConnection> b)
    {
        b.HasKey(c => c.OrganisationId);
        b.Property(c => c.ProtectedRefreshToken).HasMaxLength(8000);
        b.Property(c => c.Source).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.ConfiguredTokenHash).HasMaxLength(64);
        b.Property(c => c.ConnectedBy).HasMaxLength(320);
        b.Property(c => c.Broken).HasMaxLength(1000);
    }
}

/// <summary>What an admin sees of the connection (never the token).</summary>
public sealed record PartnerCenterConnectionView(
    bool Connected, Guid? PartnerTenantId, ConnectionSource? Source, string? ConnectedBy, DateTimeOffset? ConnectedAt, DateTimeOffset? RefreshedAt, string? Broken, DateTimeOffset? BrokenAt);

/// <summary>A grant as read for one redemption: <paramref name="Cipher"/> is the stored row's value it came from (null: none stored).</summary>
internal sealed record StoredGrant(Guid Tenant, string RefreshToken, bool FromConfiguration, string? Cipher);

/// <summary>Partner Center refused the stored grant, or none is set up: an admin must connect (again).</summary>
public sealed class PartnerCenterNotConnectedException(string reason) : InvalidOperationException(reason);

/// <summary>The organisation's Partner Center account: which partner tenant it is, and its grant.</summary>
public sealed class PartnerCenterConnections(IServiceScopeFactory scopes, IDataProtectionProvider protection, IOptions<MicrosoftOptions> microsoft, TimeProvider clock)
{
    public const string Purpose = "PartnerDesk.PartnerCenter.RefreshToken";

    private IDataProtector Protector => protection.CreateProtector(Purpose);

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The partner tenant of the organisation's Partner Center account (console or configuration); null when it has none.</summary>
    public async Task<Guid?> PartnerTenantOf(Guid organisationId, CancellationToken ct)
    {
        var stored = await Read(organisationId, ct);
        if (stored is not null)
        {
            return stored.PartnerTenantId;
        }

        return microsoft.Value.PartnerCenterAccounts.TryGetValue(organisationId.ToString(), out var account) && Guid.TryParse(account.TenantId, out var tenant) ? tenant : null;
    }

    public async Task<PartnerCenterConnectionView> View(PartnerDeskDb db, CancellationToken ct)
    {
        var organisationId = db.Caller.RequireOrganisation();
        var stored = await db.Set<PartnerCenterConnection>().AsNoTracking().FirstOrDefaultAsync(ct);
        if (stored is not null)
        {
            return new(stored.Broken is null, stored.PartnerTenantId, stored.Source, stored.ConnectedBy, stored.ConnectedAt, stored.RefreshedAt, stored.Broken, stored.BrokenAt);
        }

        return microsoft.Value.PartnerCenterAccounts.TryGetValue(organisationId.ToString(), out var account) && Guid.TryParse(account.TenantId, out var tenant)
            ? new(true, tenant, ConnectionSource.Configuration, "configuration", null, null, null, null)
            : new(false, null, null, null, null, null, null, null);
    }

    /// <summary>Keeps a grant an admin just gave (replacing any earlier one, broken or not).</summary>
    public async Task Save(PartnerDeskDb db, Guid partnerTenant, string refreshToken, string connectedBy, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var connection = await db.Set<PartnerCenterConnection>().FirstOrDefaultAsync(ct);
        if (connection is null)
        {
            connection = new PartnerCenterConnection { ProtectedRefreshToken = "", ConnectedBy = connectedBy, OrganisationId = db.Caller.RequireOrganisation() };
            db.Add(connection);
        }

        connection.PartnerTenantId = partnerTenant;
        connection.ProtectedRefreshToken = Protector.Protect(refreshToken);
        connection.Source = ConnectionSource.Console;
        connection.ConfiguredTokenHash = null;
        connection.ConnectedBy = connectedBy;
        connection.ConnectedAt = now;
        connection.RefreshedAt = null;
        connection.Broken = null;
        connection.BrokenAt = null;
        await db.SaveChangesAsync(ct);
    }

    public static async Task<bool> Disconnect(PartnerDeskDb db, CancellationToken ct) =>
        await db.Set<PartnerCenterConnection>().ExecuteDeleteAsync(ct) > 0;

    /// <summary>
    /// The grant to redeem: the stored one, unless the operator configured a token the store has not seen (a new
    /// one wins over the rotated copy of an old one). Throws when there is none or the stored one is broken.
    /// <see cref="StoredGrant.Cipher"/> is what was read, so that writes after the redemption change only that grant.
    /// </summary>
    internal async Task<StoredGrant> Grant(Guid organisationId, CancellationToken ct)
    {
        var stored = await Read(organisationId, ct);
        var configured = microsoft.Value.PartnerCenterAccounts.GetValueOrDefault(organisationId.ToString());
        if (configured is { RefreshToken.Length: > 0 } && Guid.TryParse(configured.TenantId, out var configuredTenant)
            && (stored is null || (stored.Source == ConnectionSource.Configuration && stored.ConfiguredTokenHash != Hash(configured.RefreshToken))))
        {
            return new(configuredTenant, configured.RefreshToken, true, stored?.ProtectedRefreshToken);
        }

        if (stored is null)
        {
            throw new PartnerCenterNotConnectedException("Partner Center is not connected: an admin connects it on the Going live page.");
        }

        if (stored.Broken is not null)
        {
            throw new PartnerCenterNotConnectedException($"Partner Center must be connected again: {stored.Broken}");
        }

        string token;
        try
        {
            token = Protector.Unprotect(stored.ProtectedRefreshToken);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The data-protection keys that encrypted it are gone (a new key ring): only a new consent helps.
            const string reason = "The stored grant cannot be read with this installation's data-protection keys.";
            await MarkBroken(organisationId, new StoredGrant(stored.PartnerTenantId, "", false, stored.ProtectedRefreshToken), reason, ct);
            throw new PartnerCenterNotConnectedException($"Partner Center must be connected again: {reason}");
        }

        return new(stored.PartnerTenantId, token, false, stored.ProtectedRefreshToken);
    }

    /// <summary>
    /// Keeps the token Entra ID rotated in, if the grant is still the one redeemed (a connect or disconnect meanwhile
    /// wins); a configured grant is stored with the hash of the configured token it came from. False when it was not kept.
    /// </summary>
    internal async Task<bool> Rotated(Guid organisationId, StoredGrant grant, string newToken, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var now = clock.GetUtcNow();
        var cipher = Protector.Protect(newToken);
        if (!grant.FromConfiguration)
        {
            return await db.Set<PartnerCenterConnection>().Where(c => c.ProtectedRefreshToken == grant.Cipher)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ProtectedRefreshToken, cipher).SetProperty(c => c.RefreshedAt, now), ct) == 1;
        }

        return await KeepConfigured(db, organisationId, grant, cipher, broken: null, ct);
    }

    /// <summary>Entra ID refused the grant: say so until an admin connects again (unless the grant changed meanwhile).</summary>
    internal async Task MarkBroken(Guid organisationId, StoredGrant grant, string reason, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
        var db = scope.ServiceProvider.GetRequiredService<PartnerDeskDb>();
        var now = clock.GetUtcNow();
        var text = reason.Length > 1000 ? reason[..1000] : reason;
        if (!grant.FromConfiguration)
        {
            await db.Set<PartnerCenterConnection>().Where(c => c.ProtectedRefreshToken == grant.Cipher)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Broken, text).SetProperty(c => c.BrokenAt, now), ct);
            return;
        }

        // A configured token that is refused is shown as broken too, until the operator sets another one.
        await KeepConfigured(db, organisationId, grant, Protector.Protect(grant.RefreshToken), text, ct);
    }

    private async Task<bool> KeepConfigured(PartnerDeskDb db, Guid organisationId, StoredGrant grant, string cipher, string? broken, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var connection = await db.Set<PartnerCenterConnection>().FirstOrDefaultAsync(ct);
        if (connection is not null && (connection.Source != ConnectionSource.Configuration || connection.ProtectedRefreshToken != grant.Cipher))
        {
            return false; // connected in the console meanwhile, or another instance kept it first
        }

        if (connection is null)
        {
            connection = new PartnerCenterConnection
            {
                OrganisationId = organisationId,
                ProtectedRefreshToken = "",
                Source = ConnectionSource.Configuration,
                ConnectedBy = "configuration",
                ConnectedAt = now,
            };
            db.Add(connection);
        }

        connection.PartnerTenantId = grant.Tenant;
        connection.ConfiguredTokenHash = Hash(grant.RefreshToken);
        connection.ProtectedRefreshToken = cipher;
        if (broken is null)
        {
            (connection.RefreshedAt, connection.Broken, connection.BrokenAt) = (now, null, null);
        }
        else
        {
            (connection.Broken, connection.BrokenAt) = (broken, now);
        }

        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (DbFailures.IsRace(e))
        {
            return false; // another instance inserted it at the same moment
        }
    }

    private async Task<PartnerCenterConnection?> Read(Guid organisationId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem(organisationId);
        return await scope.ServiceProvider.GetRequiredService<PartnerDeskDb>().Set<PartnerCenterConnection>().AsNoTracking().FirstOrDefaultAsync(ct);
    }
}
