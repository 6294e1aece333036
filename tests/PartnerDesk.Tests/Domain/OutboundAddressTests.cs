using System.Net;
using PartnerDesk.Platform.Outbound;

namespace PartnerDesk.Tests.Domain;

/// <summary>The outbound-connections policy's classifier: what an address reaches, in IPv4, IPv6 and the IPv6 forms that carry IPv4.</summary>
public sealed class OutboundAddressTests
{
    [Theory]
    [InlineData("10.0.0.1", AddressKind.Private)]
    [InlineData("10.255.255.255", AddressKind.Private)]
    [InlineData("172.16.0.1", AddressKind.Private)]
    [InlineData("172.31.255.254", AddressKind.Private)]
    [InlineData("192.168.1.1", AddressKind.Private)]
    [InlineData("100.64.0.1", AddressKind.Private)]
    [InlineData("100.127.255.255", AddressKind.Private)]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("127.255.0.9", AddressKind.Loopback)]
    [InlineData("169.254.169.254", AddressKind.LinkLocal)]
    [InlineData("169.254.0.1", AddressKind.LinkLocal)]
    [InlineData("0.0.0.0", AddressKind.Unspecified)]
    [InlineData("0.1.2.3", AddressKind.Unspecified)]
    [InlineData("224.0.0.1", AddressKind.Multicast)]
    [InlineData("239.255.255.250", AddressKind.Multicast)]
    [InlineData("255.255.255.255", AddressKind.Broadcast)]
    [InlineData("240.0.0.1", AddressKind.Broadcast)]
    [InlineData("::", AddressKind.Unspecified)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("fc00::1", AddressKind.Private)]
    [InlineData("fd12:3456:789a::1", AddressKind.Private)]
    [InlineData("fe80::1", AddressKind.LinkLocal)]
    [InlineData("febf::1", AddressKind.LinkLocal)]
    [InlineData("fec0::1", AddressKind.Private)]
    [InlineData("ff02::1", AddressKind.Multicast)]
    [InlineData("::ffff:127.0.0.1", AddressKind.Loopback)]
    [InlineData("::ffff:10.1.2.3", AddressKind.Private)]
    [InlineData("::ffff:169.254.169.254", AddressKind.LinkLocal)]
    [InlineData("::127.0.0.1", AddressKind.Loopback)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressKind.LinkLocal)]
    [InlineData("2002:c0a8:0101::1", AddressKind.Private)]
    public void Addresses_that_do_not_lead_to_the_internet_are_named_for_what_they_reach(string address, AddressKind kind)
    {
        Assert.Equal(kind, OutboundAddresses.Classify(IPAddress.Parse(address)));
        Assert.False(OutboundAddresses.IsPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("52.97.146.162")]        // outlook.office365.com
    [InlineData("9.255.255.255")]        // just below 10/8
    [InlineData("11.0.0.0")]             // just above
    [InlineData("172.15.255.255")]       // just below 172.16/12
    [InlineData("172.32.0.0")]           // just above
    [InlineData("100.63.255.255")]       // just below 100.64/10
    [InlineData("100.128.0.0")]          // just above
    [InlineData("169.253.255.255")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("223.255.255.255")]      // just below multicast
    [InlineData("2603:1026:c0b::1")]     // Microsoft 365 over IPv6
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]     // NAT64 to 8.8.8.8
    [InlineData("2002:0808:0808::1")]    // 6to4 of 8.8.8.8
    [InlineData("fbff::1")]              // just below fc00::/7
    [InlineData("fe00::1")]              // below fe80::/10
    public void Public_addresses_are_allowed(string address)
    {
        Assert.Equal(AddressKind.Public, OutboundAddresses.Classify(IPAddress.Parse(address)));
    }
}
