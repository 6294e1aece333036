using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace PartnerDesk.MicrosoftApis;

/// <summary>
/// Entra ID's metadata and signing keys, read again at once (not in the background, as IdentityModel 8 does)
/// when a token names a key that is not known: after an emergency key rollover the first sign-in works,
/// instead of failing until a background refresh lands. At most one read per <c>minimumRefresh</c>, and a
/// daily read in any case.
/// </summary>
internal sealed class SigningKeys(string metadataAddress, IDocumentRetriever retriever, TimeSpan minimumRefresh, TimeProvider clock)
    : BaseConfigurationManager, IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    private static readonly TimeSpan Daily = TimeSpan.FromDays(1);
    private readonly SemaphoreSlim gate = new(1, 1);
    private OpenIdConnectConfiguration? current;
    private DateTimeOffset readAt;
    private volatile bool stale;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (current is { } known && !Due())
        {
            return known;
        }

        await gate.WaitAsync(cancel);
        try
        {
            if (current is null || Due())
            {
                current = await OpenIdConnectConfigurationRetriever.GetAsync(metadataAddress, retriever, cancel);
                readAt = clock.GetUtcNow();
                stale = false;
            }

            return current;
        }
        finally
        {
            gate.Release();
        }
    }

    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) => await GetConfigurationAsync(cancel);

    public override void RequestRefresh() => stale = true;

    public void Dispose() => gate.Dispose();

    private bool Due()
    {
        var age = clock.GetUtcNow() - readAt;
        return age >= Daily || (stale && age >= minimumRefresh);
    }
}
