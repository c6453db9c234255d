using Bulwark.Detection.Pii;

namespace Bulwark.Detection.Tests.Pii;

public class IbanDetectorTests
{
    private readonly IbanDetector _detector = new();

    [Theory]
    [InlineData("IBAN DE89370400440532013000 bitte", "DE89370400440532013000")]
    [InlineData("pay to GB82 WEST 1234 5698 7654 32.", "GB82 WEST 1234 5698 7654 32")]
    [InlineData("iban: gb42nawi04454264788619", "gb42nawi04454264788619")]
    [InlineData("账户FR1420041010050500013M02606转账", "FR1420041010050500013M02606")]
    public void Detect_ValidIbans_FindsThem(string text, string expected) =>
        DetectorScan.Values(_detector, text).ShouldBe([expected]);

    [Theory]
    [InlineData("DE89370400440532013001")] // checksum
    [InlineData("DE8937040044053201300")] // too short for DE
    [InlineData("DE893704004405320130001")] // too long for DE
    [InlineData("ZZ89370400440532013000")] // no such country
    [InlineData("ticket AB12345678")]
    [InlineData("SKU GB82WEST")]
    public void Detect_LookAlikes_FindsNothing(string text) =>
        DetectorScan.Values(_detector, text).ShouldBeEmpty();
}
