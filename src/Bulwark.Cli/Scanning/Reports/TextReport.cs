using System.Globalization;

namespace Bulwark.Cli.Scanning.Reports;

/// <summary>
/// Human lines, one per finding, in the compiler-error shape editors and CI logs link from:
/// <c>path:line:col: ENTITY (detector, score 0.95)</c>; for a JSONL record <c>path:line: ENTITY (detector, score 0.95)
/// in "field" [start..end)</c>. The matched value is never printed.
/// </summary>
internal sealed class TextReport(TextWriter output, string field) : IScanReport
{
    public void File(ScanSource source, IReadOnlyList<ScanFinding> findings)
    {
        foreach (var f in findings)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{source.DisplayPath}:{f.Line}:{f.Column}: {f.Entity} ({f.Detector}, score {f.Score:0.00})"));
        }
    }

    public void Record(ScanSource source, int line, IReadOnlyList<ScanFinding> findings, string? error)
    {
        foreach (var f in findings)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{source.DisplayPath}:{line}: {f.Entity} ({f.Detector}, score {f.Score:0.00}) in \"{field}\" [{f.Start}..{f.End})"));
        }
    }

    public void Complete(ScanTotals totals)
    {
    }
}
