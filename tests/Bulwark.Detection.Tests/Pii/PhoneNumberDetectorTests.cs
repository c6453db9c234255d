using Bulwark.Detection.Pii;

namespace Bulwark.Detection.Tests.Pii;

public class PhoneNumberDetectorTests
{
    private readonly PhoneNumberDetector _detector = new();

    [Theory]
    [InlineData("reach me on +1 415 555 0132 tonight", "+1 415 555 0132")]
    [InlineData("E.164 +442079460958", "+442079460958")]
    [InlineData("stop messages to (602)272-9781", "(602)272-9781")]
    [InlineData("US 541-714-1388.", "541-714-1388")]
    [InlineData("desk +1-903-140-4508x769", "+1-903-140-4508x769")]
    [InlineData("UK mobile 07700 900123", "07700 900123")]
    [InlineData("London 020 7946 0958", "020 7946 0958")]
    [InlineData("Berlin 030 12345678", "030 12345678")]
    [InlineData("Paris 01 23 45 67 89", "01 23 45 67 89")]
    [InlineData("Suisse +41 (0)85 806 98 67", "+41 (0)85 806 98 67")]
    [InlineData("我的手机号是13812345678，谢谢", "13812345678")]
    [InlineData("手机 138 1234 5678", "138 1234 5678")]
    [InlineData("Phone:\n780 6326", "780 6326")]
    [InlineData("call me on 9472 7916?", "9472 7916")]
    public void Detect_PhoneNumbers_FindsThem(string text, string expected) =>
        DetectorScan.Values(_detector, text).ShouldBe([expected]);

    [Theory]
    [InlineData("released 2024-01-15 10:30")]
    [InlineData("due 15/01/2024")]
    [InlineData("on 15.01.2024")]
    [InlineData("version 1.2.3.4")]
    [InlineData("server 192.168.100.200")]
    [InlineData("order #4155550132")]
    [InlineData("order no. 541-714-1388")]
    [InlineData("total $1234567.89")]
    [InlineData("pi is 3.14159265")]
    [InlineData("card 4111 1111 1111 1111")]
    [InlineData("17031 2202 Rissik St, office hours")]
    [InlineData("uuid 123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("commit 4e1243bd22c66e76c2ba9eddc1f91394e57f9f83")]
    [InlineData("population 7800000 people")]
    [InlineData("订单号 13812345678")]
    [InlineData("id 1234567")]
    [InlineData("微信号 wxid_abc123，订单号 1234567890123。")] // a phone word nearby, but the number is labelled an order number
    public void Detect_LookAlikes_FindsNothing(string text) =>
        DetectorScan.Values(_detector, text).ShouldBeEmpty();
}
