using Bulwark.Detection.Custom;

namespace Bulwark.Detection.Tests.Custom;

public class CustomRegexDetectorTests
{
    [Fact]
    public void Detect_QqNumberNextToContextWord_FindsIt()
    {
        var detector = new CustomRegexDetector("QQ_NUMBER", @"\b[1-9]\d{4,10}\b", contextWords: ["QQ", "企鹅号"], contextWindow: 10);
        DetectorScan.Values(detector, "加我QQ 123456789 聊").ShouldBe(["123456789"]);
    }

    [Fact]
    public void Detect_NumberWithoutContextWord_FindsNothing()
    {
        var detector = new CustomRegexDetector("QQ_NUMBER", @"\b[1-9]\d{4,10}\b", contextWords: ["QQ"], contextWindow: 10);
        DetectorScan.Values(detector, "the population was 123456789 in this very long sentence about QQ").ShouldBeEmpty();
    }

    [Fact]
    public void Detect_NoContextWords_ReportsEveryMatchWithEntityAndScore()
    {
        var detector = new CustomRegexDetector("EMPLOYEE_ID", @"\bEMP-\d{6}\b", score: 0.7);
        var findings = DetectorScan.Findings(detector, "EMP-123456 and EMP-654321, not EMP-12");
        findings.Count.ShouldBe(2);
        findings.ShouldAllBe(f => f.Entity == "EMPLOYEE_ID" && f.Score == 0.7 && f.Detector == "custom.employee_id");
    }

    [Fact]
    public void Constructor_Backreference_ThrowsNamingTheEntity()
    {
        var e = Should.Throw<ArgumentException>(() => new CustomRegexDetector("BAD", @"(a)\1"));
        e.Message.ShouldContain("BAD");
    }

    [Fact]
    public void Detect_PathologicalPattern_RunsInLinearTime()
    {
        var detector = new CustomRegexDetector("X", "(a+)+b");
        var text = new string('a', 50_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        DetectorScan.Values(detector, text).ShouldBeEmpty();
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }
}
