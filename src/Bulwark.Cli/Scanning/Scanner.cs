using System.Text.Json;
using Bulwark.Cli.Scanning.Reports;
using Bulwark.Detection;
using Bulwark.Detection.Engine;

namespace Bulwark.Cli.Scanning;

/// <summary>
/// Streams inputs through one <see cref="DetectionEngine"/> and hands placed findings to a report. Plain text is read
/// in windows of about a million characters that overlap, so memory stays flat on inputs of any size and a finding
/// that crosses a window boundary (a PEM block, say) is still seen whole; JSONL is read one record at a time.
/// </summary>
internal sealed class Scanner
{
    // A window is scanned, then its last Overlap characters are carried into the next one. A finding is reported by the
    // window in which it starts before the middle of the overlap, so every finding has Overlap/2 characters of context
    // on both sides and none is reported twice.
    private const int WindowChars = 1 << 20;
    private const int Overlap = 1 << 15;

    private readonly DetectionEngine _engine;
    private readonly ScanSettings _settings;
    private readonly IScanReport _report;
    private readonly TextWriter _diagnostics;
    private readonly Fingerprints _fingerprints = new();
    private readonly List<Finding> _raw = new(64);
    private readonly List<ScanFinding> _placed = new(64);
    private char[]? _window;

    public Scanner(DetectionEngine engine, ScanSettings settings, IScanReport report, TextWriter diagnostics)
    {
        _engine = engine;
        _settings = settings;
        _report = report;
        _diagnostics = diagnostics;
    }

    public ScanTotals Totals { get; } = new();

    /// <summary>Scans <paramref name="reader"/> as plain text and reports all its findings as one input.</summary>
    public void ScanText(ScanSource source, TextReader reader, CancellationToken cancellationToken)
    {
        Totals.Inputs++;
        _fingerprints.Reset();
        _placed.Clear();
        var window = _window ??= new char[WindowChars];
        var length = 0;
        var reportFrom = 0;
        long windowStart = 0;                 // offset of window[0] in the input
        var position = new TextPosition(1, 0); // line and 0-based column of window[0]
        var end = false;
        while (!end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (length < window.Length)
            {
                var read = reader.Read(window, length, window.Length - length);
                if (read == 0)
                {
                    end = true;
                    break;
                }

                length += read;
            }

            var text = window.AsSpan(0, length);
            var carryFrom = end ? length : length - Overlap;
            var reportTo = end ? length : length - (Overlap / 2);

            _raw.Clear();
            _engine.Scan(text, _raw);
            var locator = new Locator(position);
            foreach (var finding in _raw)
            {
                if (finding.Start < reportFrom || finding.Start >= reportTo || !Keep(finding))
                {
                    continue;
                }

                var (startLine, startColumn, lineStart) = locator.Advance(text, finding.Start);
                var (endLine, endColumn, _) = locator.Advance(text, finding.End);
                var lineEnd = text[finding.Start..].IndexOf('\n');
                var line = text[lineStart..(lineEnd < 0 ? length : finding.Start + lineEnd)];
                var fingerprint = _fingerprints.Compute(
                    finding.Entity,
                    source.DisplayPath,
                    line,
                    finding.Start - lineStart,
                    Math.Min(finding.End - lineStart, line.Length));
                _placed.Add(new ScanFinding(
                    finding.Entity,
                    finding.Detector,
                    finding.Score,
                    windowStart + finding.Start,
                    windowStart + finding.End,
                    startLine,
                    startColumn + 1,
                    endLine,
                    endColumn + 1,
                    fingerprint));
            }

            if (end)
            {
                break;
            }

            position = Locator.Walk(position, text[..carryFrom]);
            window.AsSpan(carryFrom, length - carryFrom).CopyTo(window);
            length -= carryFrom;
            windowStart += carryFrom;
            reportFrom = reportTo - carryFrom;
        }

        Totals.Findings += _placed.Count;
        _report.File(source, _placed);
    }

    /// <summary>
    /// Scans <paramref name="reader"/> as JSONL: one JSON object per line, the string field <see cref="ScanSettings.Field"/>
    /// of each scanned on its own. A bad record is reported and counted as an error; the records after it are still scanned.
    /// </summary>
    public void ScanRecords(ScanSource source, TextReader reader, CancellationToken cancellationToken)
    {
        Totals.Inputs++;
        _fingerprints.Reset();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Totals.Records++;
            _placed.Clear();
            var text = ReadField(line, out var error);
            if (text is null)
            {
                Totals.Errors++;
                _diagnostics.WriteLine($"bulwark: {source.DisplayPath}:{lineNumber}: {error}");
                _report.Record(source, lineNumber, _placed, error);
                continue;
            }

            _raw.Clear();
            _engine.Scan(text, _raw);
            foreach (var finding in _raw)
            {
                if (!Keep(finding))
                {
                    continue;
                }

                var fingerprint = _fingerprints.Compute(finding.Entity, source.DisplayPath, text, finding.Start, finding.End);
                _placed.Add(new ScanFinding(
                    finding.Entity, finding.Detector, finding.Score, finding.Start, finding.End, lineNumber, 0, lineNumber, 0, fingerprint));
            }

            Totals.Findings += _placed.Count;
            _report.Record(source, lineNumber, _placed, null);
        }
    }

    private bool Keep(Finding finding) =>
        finding.Score >= _settings.MinScore && (_settings.Entities is null || _settings.Entities.Contains(finding.Entity));

    // The field's text, or null with the reason (never quoting the record: it may hold the very data being looked for).
    private string? ReadField(string line, out string? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = $"the record is a JSON {Describe(document.RootElement.ValueKind)}, not an object";
                return null;
            }

            if (!document.RootElement.TryGetProperty(_settings.Field, out var value))
            {
                error = $"the record has no field \"{_settings.Field}\" (choose the field with --field NAME)";
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                error = $"the field \"{_settings.Field}\" is a JSON {Describe(value.ValueKind)}, not a string";
                return null;
            }

            return value.GetString();
        }
        catch (JsonException e)
        {
            error = $"the record is not valid JSON (byte {e.BytePositionInLine ?? 0})";
            return null;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.String => "string",
        _ => "object",
    };

    /// <summary>A line (1-based) and a column (0-based, UTF-16 code units).</summary>
    private readonly record struct TextPosition(int Line, int Column);

    // Turns window offsets, asked for in increasing order, into lines and columns by counting newlines once.
    private struct Locator(TextPosition origin)
    {
        private int _offset;
        private int _line = origin.Line;
        private int _lineStart = -origin.Column; // window offset of the current line's start (negative: before the window)

        public (int Line, int Column, int LineStart) Advance(ReadOnlySpan<char> text, int offset)
        {
            if (offset > _offset)
            {
                var span = text[_offset..offset];
                var count = span.Count('\n');
                if (count > 0)
                {
                    _line += count;
                    _lineStart = _offset + span.LastIndexOf('\n') + 1;
                }

                _offset = offset;
            }

            return (_line, offset - _lineStart, Math.Max(_lineStart, 0));
        }

        public static TextPosition Walk(TextPosition start, ReadOnlySpan<char> text)
        {
            var count = text.Count('\n');
            return count == 0
                ? start with { Column = start.Column + text.Length }
                : new TextPosition(start.Line + count, text.Length - text.LastIndexOf('\n') - 1);
        }
    }
}
