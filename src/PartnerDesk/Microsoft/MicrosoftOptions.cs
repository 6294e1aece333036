namespace PartnerDesk.MicrosoftApis;

/// <summary>
/// Settings under "PartnerDesk:Microsoft": how PartnerDesk reaches Microsoft Graph and Entra ID.
/// With <see cref="UseSimulator"/> (the default in demo mode) the host starts PartnerDesk.Simulator on a
/// loopback port and talks to it instead, without credentials.
/// </summary>
public sealed class MicrosoftOptions
{
    public const string Section = "PartnerDesk:Microsoft";

    public bool? UseSimulator { get; set; }

    /// <summary>Graph's v1.0 base address; points at a simulator in tests.</summary>
    public Uri GraphBaseUrl { get; set; } = new("https://graph.microsoft.com/v1.0");

    /// <summary>Entra ID's sign-in address; a simulator's address in tests (tokens are then fetched without MSAL).</summary>
    public Uri LoginBaseUrl { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>Application (client) id of the partner's multi-tenant app, consented in each customer tenant.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Path of a PFX certificate to use instead of a client secret (recommended in production).</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Microsoft's limit for service communications: 240 requests per minute per app per tenant.</summary>
    public int GraphRequestsPerTenant { get; set; } = 240;

    /// <summary>The window <see cref="GraphRequestsPerTenant"/> counts in.</summary>
    public TimeSpan GraphRequestWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Retries of one request after 429 or 5xx before the sync gives up on the tenant for this round.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>Partner Center's REST address; a simulator's in tests and demo mode.</summary>
    public Uri PartnerCenterBaseUrl { get; set; } = new("https://api.partnercenter.microsoft.com/");

    /// <summary>The locale Partner Center service requests are filed in.</summary>
    public string AgentLocale { get; set; } = "en-US";

    /// <summary>Per organisation id: the Partner Center account its escalations are filed with (App+User).</summary>
    public Dictionary<string, PartnerCenterAccount> PartnerCenterAccounts { get; set; } = [];

    /// <summary>True when the token endpoint is not Entra ID's (a simulator), so tokens come without MSAL.</summary>
    public bool LoginIsSimulated => !LoginBaseUrl.Host.EndsWith("microsoftonline.com", StringComparison.OrdinalIgnoreCase)
        && !LoginBaseUrl.Host.EndsWith("microsoftonline.us", StringComparison.OrdinalIgnoreCase);
}

public sealed class PartnerCenterAccount
{
    /// <summary>The partner's own Entra tenant id.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>Refresh token of the partner admin agent who signed in for PartnerDesk (keep it in a secret store).</summary>
    public string RefreshToken { get; set; } = "";
}
