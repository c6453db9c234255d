using Bulwark.Detection.Pii;

namespace Bulwark.Detection.Tests.Pii;

public class CreditCardDetectorTests
{
    private readonly CreditCardDetector _detector = new();

    [Theory]
    [InlineData("my card is 4526018159083012 thanks", "4526018159083012")]
    [InlineData("Visa 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111")]
    [InlineData("amex: 3796-030824-62817.", "3796-030824-62817")]
    [InlineData("银联卡号6219093786579754328，请查收", "6219093786579754328")]
    [InlineData("JCB 3530319487574912", "3530319487574912")]
    [InlineData("mastercard 2221186252760182", "2221186252760182")]
    [InlineData("old visa 4955597971143", "4955597971143")]
    [InlineData("maestro card 503890547220 please", "503890547220")]
    public void Detect_ValidCardNumbers_FindsThem(string text, string expected) =>
        DetectorScan.Values(_detector, text).ShouldBe([expected]);

    [Theory]
    [InlineData("card 4526018159083013")] // Luhn fails
    [InlineData("order 1234567812345670 shipped")] // Luhn passes, no issuer starts with 1 at 16 digits
    [InlineData("id 9526018159083012")] // unknown issuer
    [InlineData("uuid 123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("sha 4526018159083012a1b2c3")]
    [InlineData("ref 503890547220")] // a 12-digit Maestro-like number without a card word
    [InlineData("45260181590830121")] // 17 digits
    [InlineData("timestamp 1700000000000")]
    [InlineData("4526.0181.5908.3012")] // dots are not card separators
    public void Detect_LookAlikes_FindsNothing(string text) =>
        DetectorScan.Values(_detector, text).ShouldBeEmpty();
}
