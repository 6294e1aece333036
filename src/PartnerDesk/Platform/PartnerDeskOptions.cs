namespace PartnerDesk.Platform;

/// <summary>Settings under "PartnerDesk" (environment: PartnerDesk__Name).</summary>
public sealed class PartnerDeskOptions
{
    public const string Section = "PartnerDesk";

    /// <summary>Sqlite (default) or Postgres.</summary>
    public string Database { get; set; } = "Sqlite";

    /// <summary>Seeds the demo world into an empty database. Defaults to on in Development only.</summary>
    public bool? DemoMode { get; set; }

    /// <summary>Password of every demo account; generated and printed at first start when not given.</summary>
    public string? DemoPassword { get; set; }

    /// <summary>The first organisation and its admin agent, created in an empty production database.</summary>
    public FirstAdminOptions? Admin { get; set; }

    /// <summary>Largest request body the API accepts, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>The address people reach PartnerDesk at (https://support.contoso.example), for links in mail (see <see cref="SiteAddress"/>).</summary>
    public Uri? PublicUrl { get; set; }

    public bool UsePostgres => string.Equals(Database, "Postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Database, "PostgreSQL", StringComparison.OrdinalIgnoreCase);
}

public sealed class FirstAdminOptions
{
    public string? Organisation { get; set; }
    public string? OrganisationKind { get; set; }
    public string? Email { get; set; }
    public string? Password { get; set; }
    public string? DisplayName { get; set; }

    /// <summary>The organisation's own Entra tenant id, so that its agents can sign in with Microsoft from the first day.</summary>
    public Guid? TenantId { get; set; }
}
