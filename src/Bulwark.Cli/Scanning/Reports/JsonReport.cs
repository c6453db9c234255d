namespace Bulwark.Cli.Scanning.Reports;

/// <summary>
/// One JSON document, written when the scan ends: <c>{"tool", "version", "results": [...], "summary": {...}}</c>.
/// <c>results</c> lists only the inputs and records that have findings or an error (a clean million-record file adds
/// nothing); entries have the shapes of <see cref="JsonlReport"/>.
/// </summary>
internal sealed class JsonReport(TextWriter output, string version) : IScanReport
{
    private readonly List<Entry> _entries = [];

    public void File(ScanSource source, IReadOnlyList<ScanFinding> findings)
    {
        if (findings.Count > 0)
        {
            _entries.Add(new Entry(source, 0, [.. findings], null));
        }
    }

    public void Record(ScanSource source, int line, IReadOnlyList<ScanFinding> findings, string? error)
    {
        if (findings.Count > 0 || error is not null)
        {
            _entries.Add(new Entry(source, line, [.. findings], error));
        }
    }

    public void Complete(ScanTotals totals)
    {
        var text = new JsonText(indented: true);
        var json = text.Writer;
        json.WriteStartObject();
        json.WriteString("tool", "bulwark");
        json.WriteString("version", version);
        json.WriteStartArray("results");
        foreach (var entry in _entries)
        {
            json.WriteStartObject();
            json.WriteString("path", entry.Source.DisplayPath);
            if (entry.Line > 0)
            {
                json.WriteNumber("line", entry.Line);
            }

            json.WriteStartArray("findings");
            foreach (var f in entry.Findings)
            {
                if (entry.Line > 0)
                {
                    JsonText.WriteRecordFinding(json, f);
                }
                else
                {
                    JsonText.WriteFileFinding(json, f);
                }
            }

            json.WriteEndArray();
            if (entry.Error is not null)
            {
                json.WriteString("error", entry.Error);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("summary");
        json.WriteNumber("inputs", totals.Inputs);
        json.WriteNumber("records", totals.Records);
        json.WriteNumber("findings", totals.Findings);
        json.WriteNumber("errors", totals.Errors);
        json.WriteNumber("skipped", totals.Skipped);
        json.WriteEndObject();
        json.WriteEndObject();
        text.WriteLineTo(output);
    }

    private sealed record Entry(ScanSource Source, int Line, ScanFinding[] Findings, string? Error);
}
