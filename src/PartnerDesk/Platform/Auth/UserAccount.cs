using Microsoft.AspNetCore.Identity;
using PartnerDesk.Platform.Tenancy;

namespace PartnerDesk.Platform.Auth;

public enum AccountKind
{
    Agent,
    Contact,
}

/// <summary>
/// A sign-in account (ASP.NET Core Identity). Not filtered by organisation: sign-in must find it
/// before anyone is known. Its id is the id of its <see cref="Agent"/> or <see cref="Contact"/>.
/// </summary>
public sealed class UserAccount : IdentityUser<Guid>
{
    public Guid OrganisationId { get; set; }
    public AccountKind Kind { get; set; }

    /// <summary>The Entra tenant and object id of the Microsoft account linked to this one (tid and oid of its id tokens).</summary>
    public Guid? EntraTenantId { get; set; }
    public Guid? EntraObjectId { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
}

public enum ApiTokenKind
{
    /// <summary>Issued by POST /api/v1/auth/token; short-lived.</summary>
    Session,

    /// <summary>Created by an agent for an integration; lives until it expires or is revoked.</summary>
    Personal,
}

public sealed class ApiToken : IOrganisationOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganisationId { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public ApiTokenKind Kind { get; set; }

    /// <summary>SHA-256 of the token; the token itself is shown once and never stored.</summary>
    public required byte[] TokenHash { get; set; }

    /// <summary>First characters of the token, so that a person can tell tokens apart.</summary>
    public required string Prefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
