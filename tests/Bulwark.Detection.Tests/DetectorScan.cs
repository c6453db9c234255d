namespace Bulwark.Detection.Tests;

internal static class DetectorScan
{
    /// <summary>The values the detector found in <paramref name="text"/>, in order.</summary>
    public static List<string> Values(IDetector detector, string text)
    {
        var findings = new List<Finding>();
        detector.Detect(text, findings);
        return findings.ConvertAll(f => text[f.Start..f.End]);
    }

    public static List<Finding> Findings(IDetector detector, string text)
    {
        var findings = new List<Finding>();
        detector.Detect(text, findings);
        return findings;
    }
}
