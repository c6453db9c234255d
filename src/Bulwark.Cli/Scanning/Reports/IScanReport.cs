namespace Bulwark.Cli.Scanning.Reports;

/// <summary>
/// Receives placed findings as the scan goes and writes one output format. The lists passed in are reused by the
/// scanner after the call returns: copy what must be kept.
/// </summary>
internal interface IScanReport
{
    /// <summary>A whole plain-text input has been scanned.</summary>
    void File(ScanSource source, IReadOnlyList<ScanFinding> findings);

    /// <summary>One JSONL record has been scanned (<paramref name="error"/> set, and no findings, when it could not be read).</summary>
    void Record(ScanSource source, int line, IReadOnlyList<ScanFinding> findings, string? error);

    /// <summary>Every input has been scanned; write whatever was held back.</summary>
    void Complete(ScanTotals totals);
}
