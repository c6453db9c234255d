namespace Bulwark.Cli.Scanning;

/// <summary>One input of a scan: a file, or standard input.</summary>
/// <param name="DisplayPath">How the input is named in every report: a path relative to the working directory with
/// forward slashes when it lies under it, the full path otherwise, and <c>-</c> for standard input.</param>
/// <param name="IsStdin">True for standard input (no file to point at in SARIF).</param>
internal sealed record ScanSource(string DisplayPath, bool IsStdin)
{
    public static readonly ScanSource Stdin = new("-", IsStdin: true);
}

/// <summary>
/// One finding placed in its input. Never carries the matched value. For plain text, <see cref="Start"/> and
/// <see cref="End"/> are UTF-16 offsets from the start of the input and lines/columns are 1-based (columns in UTF-16
/// code units, <see cref="EndColumn"/> exclusive). For a JSONL record they are offsets into the record's field,
/// <see cref="Line"/> is the record's line and the columns are 0 (unknown: the field is decoded JSON, not the raw line).
/// </summary>
internal readonly record struct ScanFinding(
    string Entity,
    string Detector,
    double Score,
    long Start,
    long End,
    int Line,
    int Column,
    int EndLine,
    int EndColumn,
    string Fingerprint);

/// <summary>What the scan was asked to do, fixed before the first input is read.</summary>
internal sealed record ScanSettings(
    double MinScore,
    IReadOnlySet<string>? Entities,
    string Field,
    bool ForceJsonl,
    long MaxFileBytes);

/// <summary>Counts for the closing summary and the exit code.</summary>
internal sealed class ScanTotals
{
    public int Inputs { get; set; }

    public long Records { get; set; }

    public long Findings { get; set; }

    public int Errors { get; set; }

    public int Skipped { get; set; }
}
