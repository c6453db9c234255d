using Bulwark.Detection.Pii;

namespace Bulwark.Detection.Tests.Pii;

public class IpAddressDetectorTests
{
    private readonly IpAddressDetector _detector = new();

    [Theory]
    [InlineData("address 41.173.96.26 blocked", "41.173.96.26")]
    [InlineData("client_ip = ?%//!%20\\|106.31.73.20|%20/", "106.31.73.20")]
    [InlineData("ssh to 10.0.0.1:22", "10.0.0.1")]
    [InlineData("host 6e40:4041:c617:e898:c11:40d2:c669:2eb4 down", "6e40:4041:c617:e898:c11:40d2:c669:2eb4")]
    [InlineData("link-local fe80::1ff:fe23:4567:890a.", "fe80::1ff:fe23:4567:890a")]
    [InlineData("mapped ::ffff:192.0.2.128 here", "::ffff:192.0.2.128")]
    [InlineData("服务器地址是192.168.1.20。", "192.168.1.20")]
    public void Detect_Addresses_FindsThem(string text, string expected) =>
        DetectorScan.Values(_detector, text).ShouldBe([expected]);

    [Theory]
    [InlineData("version 1.2.3.4 released")]
    [InlineData("v1.2.3.4")]
    [InlineData("256.1.1.1")]
    [InlineData("OID 1.3.6.1.4.1.311")]
    [InlineData("01.02.03.04")]
    [InlineData("meeting at 12:30:45")]
    [InlineData("mac 00:1A:2B:3C:4D:5E")]
    [InlineData("std::vector<int>")]
    [InlineData("price 1.234.567")]
    public void Detect_LookAlikes_FindsNothing(string text) =>
        DetectorScan.Values(_detector, text).ShouldBeEmpty();
}
