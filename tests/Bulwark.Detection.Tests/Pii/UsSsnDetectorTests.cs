using Bulwark.Detection.Pii;

namespace Bulwark.Detection.Tests.Pii;

public class UsSsnDetectorTests
{
    private readonly UsSsnDetector _detector = new();

    [Theory]
    [InlineData("Here's my SSN: 460-89-9847", "460-89-9847")]
    [InlineData("ssn 460 89 9847.", "460 89 9847")]
    [InlineData("social security number 460899847", "460899847")]
    [InlineData("filed 846-15-5715 yesterday", "846-15-5715")]
    public void Detect_ValidNumbers_FindsThem(string text, string expected) =>
        DetectorScan.Values(_detector, text).ShouldBe([expected]);

    [Theory]
    [InlineData("SSN 000-12-3456")]
    [InlineData("SSN 666-12-3456")]
    [InlineData("SSN 912-12-3456")]
    [InlineData("SSN 123-00-4567")]
    [InlineData("SSN 123-45-0000")]
    [InlineData("SSN 078-05-1120")]
    [InlineData("SSN 123-45-6789")]
    [InlineData("SSN 111-11-1111")]
    [InlineData("zip 460899847")] // bare nine digits without a context word
    [InlineData("part 460-89-98471")]
    [InlineData("ORD-460-89-9847")]
    [InlineData("2024-01-15")]
    public void Detect_InvalidOrLookAlike_FindsNothing(string text) =>
        DetectorScan.Values(_detector, text).ShouldBeEmpty();
}
