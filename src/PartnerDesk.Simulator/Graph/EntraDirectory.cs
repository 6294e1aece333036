using System.Security.Cryptography;
using System.Text;

namespace PartnerDesk.Simulator.Graph;

/// <summary>
/// An Entra ID user, with the fields Graph's /users gives and the sign-in page needs. In a scenario only
/// userPrincipalName and displayName are required: the id derives from the UPN, mail defaults to it.
/// </summary>
public sealed class EntraUser
{
    public Guid Id { get; set; }
    public string DisplayName { get; set; } = "";
    public string? Mail { get; set; }
    public string UserPrincipalName { get; set; } = "";
    public bool AccountEnabled { get; set; } = true;
    public string UserType { get; set; } = "Member";
}

/// <summary>A tenant's directory as a scenario or a test describes it.</summary>
public sealed class DirectoryTenant
{
    public Guid TenantId { get; set; }
    public string DisplayName { get; set; } = "";
    public List<EntraUser> Users { get; set; } = [];
}

/// <summary>The users of every tenant the simulated Entra ID signs in, in the order they were set.</summary>
public sealed class EntraDirectory
{
    private readonly Lock gate = new();
    private readonly List<DirectoryTenant> tenants = [];

    /// <summary>
    /// A user's object id (oid), derived from the UPN so that GDAP group members (<see cref="TenantDirectory"/>)
    /// and signed-in users carry the same id without a scenario spelling GUIDs. UPNs are case-insensitive in Entra.
    /// </summary>
    public static Guid ObjectIdOf(string upn) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(upn.Trim().ToLowerInvariant())).AsSpan(0, 16));

    /// <summary>Replaces the tenant's name and users (adds the tenant when new).</summary>
    public void Set(DirectoryTenant tenant)
    {
        var copy = new DirectoryTenant
        {
            TenantId = tenant.TenantId,
            DisplayName = tenant.DisplayName,
            Users = tenant.Users.ConvertAll(u => new EntraUser
            {
                Id = u.Id == Guid.Empty ? ObjectIdOf(u.UserPrincipalName) : u.Id,
                DisplayName = u.DisplayName,
                Mail = string.IsNullOrEmpty(u.Mail) ? u.UserPrincipalName : u.Mail,
                UserPrincipalName = u.UserPrincipalName,
                AccountEnabled = u.AccountEnabled,
                UserType = string.IsNullOrEmpty(u.UserType) ? "Member" : u.UserType,
            }),
        };
        lock (gate)
        {
            var index = tenants.FindIndex(t => t.TenantId == tenant.TenantId);
            if (index < 0)
            {
                tenants.Add(copy);
            }
            else
            {
                tenants[index] = copy;
            }
        }
    }

    public List<DirectoryTenant> Tenants()
    {
        lock (gate)
        {
            return [.. tenants];
        }
    }

    public DirectoryTenant? TenantOf(Guid tenantId)
    {
        lock (gate)
        {
            return tenants.Find(t => t.TenantId == tenantId);
        }
    }

    /// <summary>A tenant's users; none for a tenant nobody described.</summary>
    public List<EntraUser> UsersOf(Guid tenantId) => TenantOf(tenantId)?.Users ?? [];

    /// <summary>The user with this UPN (case-insensitive) and its tenant, in any tenant.</summary>
    public (DirectoryTenant Tenant, EntraUser User)? FindUser(string upn)
    {
        lock (gate)
        {
            foreach (var tenant in tenants)
            {
                var user = tenant.Users.Find(u => string.Equals(u.UserPrincipalName, upn.Trim(), StringComparison.OrdinalIgnoreCase));
                if (user is not null)
                {
                    return (tenant, user);
                }
            }

            return null;
        }
    }
}
