using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace PartnerDesk.Simulator.PartnerCenter;

/// <summary>Partner Center's customer resource (GET /v1/customers), with the fields PartnerDesk reads.</summary>
public sealed class PartnerCustomerResource
{
    public string Id { get; set; } = "";
    public string CommerceId { get; set; } = "";
    public CompanyProfile CompanyProfile { get; set; } = new();
    public string RelationshipToPartner { get; set; } = "reseller";

    /// <summary>For an indirect provider's listing: the indirect reseller of the customer.</summary>
    public string? AssociatedPartnerId { get; set; }
    public bool AllowDelegatedAccess { get; set; } = true;
    public ResourceAttributes Attributes { get; set; } = new() { ObjectType = "Customer" };
}

public sealed class CompanyProfile
{
    public string TenantId { get; set; } = "";
    public string Domain { get; set; } = "";
    public string CompanyName { get; set; } = "";
    public ResourceAttributes Attributes { get; set; } = new() { ObjectType = "CustomerCompanyProfile" };
}

/// <summary>A collection page with Partner Center's next link: the same URI again, with the MS-ContinuationToken header.</summary>
public sealed class CustomerPage
{
    public int TotalCount { get; set; }
    public List<PartnerCustomerResource> Items { get; set; } = [];
    public PageLinks? Links { get; set; }
    public ResourceAttributes Attributes { get; set; } = new() { ObjectType = "Collection" };
}

public sealed class PageLinks
{
    public PageLink? Next { get; set; }
}

public sealed class PageLink
{
    public string Uri { get; set; } = "";
    public string Method { get; set; } = "GET";
    public List<LinkHeader> Headers { get; set; } = [];
}

public sealed class LinkHeader
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>
/// Each partner's customers in Partner Center: those a test or scenario names, and any number more made up
/// (the bench imports 10,000). A made-up customer's tenant id is derived from the partner and its number,
/// so the same list comes back every time.
/// </summary>
public sealed class CustomerDirectory
{
    private readonly ConcurrentDictionary<Guid, List<PartnerCustomerResource>> named = new();
    private readonly ConcurrentDictionary<Guid, int> madeUp = new();
    private readonly ConcurrentDictionary<Guid, Reseller> resellers = new();

    /// <summary>An indirect reseller as its provider's relationships list it.</summary>
    public sealed record Reseller(Guid TenantId, Guid Provider, string Name, string MpnId);

    public void Set(Guid partner, IEnumerable<(Guid TenantId, string Name, string Domain)> customers) =>
        named[partner] = [.. customers.Select(c => Resource(c.TenantId, c.Name, c.Domain))];

    /// <summary>The partner's customers, and for an indirect reseller, whose reseller it is.</summary>
    public void Set(Graph.PartnerTenant partner)
    {
        Set(partner.TenantId, partner.Customers.Select(c => (c.TenantId, c.DisplayName, c.Domains.FirstOrDefault() ?? "")));
        if (partner.IndirectProvider is { } provider)
        {
            resellers[partner.TenantId] = new(partner.TenantId, provider, partner.DisplayName, partner.MpnId);
        }
        else
        {
            resellers.TryRemove(partner.TenantId, out _);
        }
    }

    /// <summary>The indirect provider's resellers.</summary>
    public List<Reseller> ResellersOf(Guid provider) => [.. resellers.Values.Where(r => r.Provider == provider).OrderBy(r => r.Name, StringComparer.Ordinal)];

    /// <summary>
    /// The customers listed to the partner: its own, and an indirect provider's resellers' customers as well; with a
    /// reseller filter, that reseller's only (nothing when it is not the partner's reseller).
    /// </summary>
    private List<PartnerCustomerResource> Named(Guid partner, Guid? reseller)
    {
        if (reseller is { } r)
        {
            return resellers.TryGetValue(r, out var known) && known.Provider == partner && named.TryGetValue(r, out var theirs) ? theirs : [];
        }

        var own = named.TryGetValue(partner, out var n) ? n : [];
        return [.. own, .. ResellersOf(partner).SelectMany(x => (named.TryGetValue(x.TenantId, out var c) ? c : [])
            .Select(r => NamesResellers ? Copy(r, x.TenantId.ToString()) : r))];
    }

    /// <summary>How many made-up customers the partner has on top of the named ones.</summary>
    public void SetMadeUp(Guid partner, int count) => madeUp[partner] = Math.Max(0, count);

    public static Guid MadeUpTenant(Guid partner, int number)
    {
        var bytes = partner.ToByteArray();
        BitConverter.GetBytes(number + 1).CopyTo(bytes, 0);
        bytes[15] ^= 0x5c;
        return new Guid(bytes);
    }

    /// <summary>Pages from this offset on answer 503 until cleared: a listing that fails midway, for tests.</summary>
    public int? FailFromOffset { get; set; }

    public int Count(Guid partner, Guid? reseller = null) => Named(partner, reseller).Count + (reseller is null ? madeUp.GetValueOrDefault(partner) : 0);

    public List<PartnerCustomerResource> Page(Guid partner, int offset, int size, Guid? reseller = null)
    {
        var list = Named(partner, reseller);
        var page = list.Skip(offset).Take(size).ToList();
        for (var i = Math.Max(0, offset - list.Count); reseller is null && page.Count < size && i < madeUp.GetValueOrDefault(partner); i++)
        {
            var tenant = MadeUpTenant(partner, i);
            page.Add(Resource(tenant, $"Customer {i + 1:D5}", $"customer{i + 1:D5}.onmicrosoft.com"));
        }

        return page;
    }

    /// <summary>Whether a provider's listing names each customer's reseller (associatedPartnerId); off, a provider must ask per reseller.</summary>
    public bool NamesResellers { get; set; } = true;

    private static PartnerCustomerResource Copy(PartnerCustomerResource r, string reseller) => new()
    {
        Id = r.Id,
        CommerceId = r.CommerceId,
        CompanyProfile = r.CompanyProfile,
        RelationshipToPartner = r.RelationshipToPartner,
        AllowDelegatedAccess = r.AllowDelegatedAccess,
        AssociatedPartnerId = reseller,
    };

    private static PartnerCustomerResource Resource(Guid tenant, string name, string domain) => new()
    {
        Id = tenant.ToString(),
        CommerceId = tenant.ToString("N")[..16],
        CompanyProfile = new CompanyProfile { TenantId = tenant.ToString(), Domain = domain, CompanyName = name },
    };

    /// <summary>The continuation token is opaque to callers; here it is the next offset, encoded.</summary>
    public static string Token(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    public static int? Offset(string? token)
    {
        try
        {
            var text = token is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text is not null && text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text[7..], CultureInfo.InvariantCulture, out var o) && o >= 0 ? o : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
