using Bulwark.Detection.Pii;

namespace Bulwark.Detection.Tests.Pii;

public class CnResidentIdDetectorTests
{
    private readonly CnResidentIdDetector _detector = new();

    [Theory]
    [InlineData("身份证号：11010519491231002X，请核对", "11010519491231002X")]
    [InlineData("ID 310115198508154027.", "310115198508154027")]
    [InlineData("lower-case check 11010519491231002x ok", "11010519491231002x")]
    [InlineData("身份证号码 110105491231002", "110105491231002")]
    public void Detect_ValidIds_FindsThem(string text, string expected) =>
        DetectorScan.Values(_detector, text).ShouldBe([expected]);

    [Theory]
    [InlineData("110105194912310021")] // check character
    [InlineData("990105194912310025")] // no such province
    [InlineData("110105194913310020")] // month 13
    [InlineData("110105194902300023")] // 30 February
    [InlineData("110105290001010028")] // born in the future
    [InlineData("order 110105491231002")] // legacy 15-digit form without a context word
    [InlineData("1101051949123100212")] // 19 digits
    public void Detect_InvalidOrLookAlike_FindsNothing(string text) =>
        DetectorScan.Values(_detector, text).ShouldBeEmpty();
}
