using System.Net;
using System.Net.Sockets;

namespace PartnerDesk.Platform.Outbound;

/// <summary>What an IP address reaches, as far as the outbound-connections policy cares.</summary>
public enum AddressKind
{
    /// <summary>The public internet: always allowed.</summary>
    Public,

    /// <summary>10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), fc00::/7, fec0::/10 and other networks not routed on the internet.</summary>
    Private,

    /// <summary>127/8, ::1: this machine.</summary>
    Loopback,

    /// <summary>169.254/16 (the clouds' metadata service 169.254.169.254 among them), fe80::/10.</summary>
    LinkLocal,

    /// <summary>0.0.0.0/8, ::: "this host" on most systems.</summary>
    Unspecified,

    /// <summary>224/4, ff00::/8.</summary>
    Multicast,

    /// <summary>255.255.255.255 and the rest of 240/4 (reserved).</summary>
    Broadcast,
}

/// <summary>
/// The one classifier of the outbound-connections policy: whether a destination an admin or customer set
/// (a mailbox's IMAP and SMTP servers) may be reached when private networks are not allowed. IPv6 forms
/// that carry an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4
/// 2002::/16) are judged by the IPv4 address they lead to.
/// </summary>
public static class OutboundAddresses
{
    public static bool IsPublic(IPAddress address) => Classify(address) == AddressKind.Public;

    public static AddressKind Classify(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? ClassifyV4(address.GetAddressBytes()) : ClassifyV6(address.GetAddressBytes());

    private static AddressKind ClassifyV4(ReadOnlySpan<byte> b) => b switch
    {
        [0, ..] => AddressKind.Unspecified,                                  // 0.0.0.0/8
        [127, ..] => AddressKind.Loopback,                                   // 127/8
        [169, 254, ..] => AddressKind.LinkLocal,                             // 169.254/16, cloud metadata
        [10, ..] => AddressKind.Private,                                     // 10/8
        [172, >= 16 and <= 31, ..] => AddressKind.Private,                   // 172.16/12
        [192, 168, ..] => AddressKind.Private,                               // 192.168/16
        [100, >= 64 and <= 127, ..] => AddressKind.Private,                  // 100.64/10, carrier-grade NAT
        [192, 0, 0, _] => AddressKind.Private,                               // 192.0.0/24, IETF protocol assignments
        [198, 18 or 19, ..] => AddressKind.Private,                          // 198.18/15, benchmarking
        [>= 224 and <= 239, ..] => AddressKind.Multicast,                    // 224/4
        [>= 240, ..] => AddressKind.Broadcast,                               // 240/4 and 255.255.255.255
        _ => AddressKind.Public,
    };

    private static AddressKind ClassifyV6(byte[] b)
    {
        var span = b.AsSpan();
        if (span[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            // ::1 is loopback; :: and ::a.b.c.d (IPv4-compatible, deprecated) are judged as 0.0.0.0 and a.b.c.d.
            return span[..15].IndexOfAnyExcept((byte)0) < 0 && b[15] == 1 ? AddressKind.Loopback : ClassifyV4(span[12..]);
        }

        if (span[..10].IndexOfAnyExcept((byte)0) < 0 && b[10] == 0xff && b[11] == 0xff)
        {
            return ClassifyV4(span[12..]); // ::ffff:a.b.c.d, IPv4-mapped
        }

        if (b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..])
        {
            return ClassifyV4(span[12..]); // 64:ff9b::/96, NAT64: a gateway reaches the IPv4 address for us
        }

        if (b is [0x20, 0x02, ..])
        {
            return ClassifyV4(span[2..6]); // 2002::/16, 6to4
        }

        return b[0] switch
        {
            0xff => AddressKind.Multicast,                                   // ff00::/8
            0xfc or 0xfd => AddressKind.Private,                             // fc00::/7, unique local
            0xfe when (b[1] & 0xc0) == 0x80 => AddressKind.LinkLocal,        // fe80::/10
            0xfe when (b[1] & 0xc0) == 0xc0 => AddressKind.Private,          // fec0::/10, site-local (deprecated)
            _ => AddressKind.Public,
        };
    }
}
