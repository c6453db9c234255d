using Bulwark.Detection.Pii;

namespace Bulwark.Detection.Tests.Pii;

public class EmailAddressDetectorTests
{
    private readonly EmailAddressDetector _detector = new();

    [Theory]
    [InlineData("mail VanessaKovaleva@armyspy.com today", "VanessaKovaleva@armyspy.com")]
    [InlineData("<j.doe+tag@mail.example.co.uk>.", "j.doe+tag@mail.example.co.uk")]
    [InlineData("我的邮箱是zhang_san@qq.com，谢谢", "zhang_san@qq.com")]
    [InlineData("(first-last@sub.domain.org)", "first-last@sub.domain.org")]
    public void Detect_Addresses_FindsThem(string text, string expected) =>
        DetectorScan.Values(_detector, text).ShouldBe([expected]);

    [Theory]
    [InlineData("icon@2x.png")]
    [InlineData("npm i @scope/package")]
    [InlineData("ping @channel now")]
    [InlineData("user@localhost")]
    [InlineData("a@b")]
    [InlineData("decorator @Override public")]
    [InlineData("name@domain.c")]
    public void Detect_LookAlikes_FindsNothing(string text) =>
        DetectorScan.Values(_detector, text).ShouldBeEmpty();
}
