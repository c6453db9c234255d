using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bulwark.Cli.Scanning.Reports;

/// <summary>Writes JSON with <see cref="Utf8JsonWriter"/> and hands it to a <see cref="TextWriter"/>.</summary>
internal sealed class JsonText
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;

    public JsonText(bool indented) =>
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions
        {
            Indented = indented,

            // Output goes to files and CI logs, never into HTML: keep non-ASCII paths and quotes readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

    public Utf8JsonWriter Writer => _json;

    /// <summary>Flushes what was written to <paramref name="output"/> as one line and starts over.</summary>
    public void WriteLineTo(TextWriter output)
    {
        _json.Flush();
        output.WriteLine(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        _buffer.ResetWrittenCount();
        _json.Reset();
    }

    /// <summary>The finding fields every JSON format shares: entity, start, end, score, detector.</summary>
    public static void WriteFindingCore(Utf8JsonWriter json, in ScanFinding finding)
    {
        json.WriteString("entity", finding.Entity);
        json.WriteNumber("start", finding.Start);
        json.WriteNumber("end", finding.End);
        json.WriteNumber("score", Math.Round(finding.Score, 4));
        json.WriteString("detector", finding.Detector);
    }

    /// <summary>A finding of a plain-text input: the core fields plus its 1-based line and column span.</summary>
    public static void WriteFileFinding(Utf8JsonWriter json, in ScanFinding finding)
    {
        json.WriteStartObject();
        WriteFindingCore(json, finding);
        json.WriteNumber("line", finding.Line);
        json.WriteNumber("column", finding.Column);
        json.WriteNumber("endLine", finding.EndLine);
        json.WriteNumber("endColumn", finding.EndColumn);
        json.WriteEndObject();
    }

    /// <summary>A finding of a JSONL record: only the core fields (offsets into the record's field).</summary>
    public static void WriteRecordFinding(Utf8JsonWriter json, in ScanFinding finding)
    {
        json.WriteStartObject();
        WriteFindingCore(json, finding);
        json.WriteEndObject();
    }
}
