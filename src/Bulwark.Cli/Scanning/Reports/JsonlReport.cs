namespace Bulwark.Cli.Scanning.Reports;

/// <summary>
/// One JSON object per line. A JSONL record gives exactly one line, <c>{"line": N, "findings": [...]}</c> (plus
/// <c>"path"</c> when the input is a file, and <c>"error"</c> when the record could not be read), so output lines
/// pair with input records. A plain-text input gives one line, <c>{"path": P, "findings": [...]}</c>, whose findings
/// also carry line, column, endLine and endColumn.
/// </summary>
internal sealed class JsonlReport(TextWriter output) : IScanReport
{
    private readonly JsonText _json = new(indented: false);

    public void File(ScanSource source, IReadOnlyList<ScanFinding> findings)
    {
        var json = _json.Writer;
        json.WriteStartObject();
        json.WriteString("path", source.DisplayPath);
        json.WriteStartArray("findings");
        foreach (var f in findings)
        {
            JsonText.WriteFileFinding(json, f);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        _json.WriteLineTo(output);
    }

    public void Record(ScanSource source, int line, IReadOnlyList<ScanFinding> findings, string? error)
    {
        var json = _json.Writer;
        json.WriteStartObject();
        json.WriteNumber("line", line);
        json.WriteStartArray("findings");
        foreach (var f in findings)
        {
            JsonText.WriteRecordFinding(json, f);
        }

        json.WriteEndArray();
        if (!source.IsStdin)
        {
            json.WriteString("path", source.DisplayPath);
        }

        if (error is not null)
        {
            json.WriteString("error", error);
        }

        json.WriteEndObject();
        _json.WriteLineTo(output);
    }

    public void Complete(ScanTotals totals)
    {
    }
}
