using System.Globalization;
using System.Text.Json;

namespace Bulwark.Cli.Scanning.Reports;

/// <summary>
/// SARIF 2.1.0 as GitHub code scanning ingests it: one run, tool.driver <c>bulwark</c> with one rule per entity the
/// scan looks for (rule id = canonical entity name, stable across releases; <c>properties.security-severity</c> a
/// numeric string), one result per finding with a 1-based region (columns in UTF-16 code units, SARIF's default) on
/// a path relative to <c>%SRCROOT%</c>, and a <c>partialFingerprints</c> entry that does not encode the value.
/// Written when the scan ends.
/// </summary>
internal sealed class SarifReport : IScanReport
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    public const string FingerprintKey = "bulwarkFindingHash/v1";

    private readonly TextWriter _output;
    private readonly string _version;
    private readonly string _field;
    private readonly string[] _rules;
    private readonly Dictionary<string, int> _ruleIndex = new(StringComparer.Ordinal);
    private readonly List<(ScanSource Source, ScanFinding Finding, bool IsRecord)> _results = [];

    public SarifReport(TextWriter output, string version, string field, IEnumerable<string> entities)
    {
        _output = output;
        _version = version;
        _field = field;
        _rules = [.. entities.Distinct(StringComparer.Ordinal)];
        for (var i = 0; i < _rules.Length; i++)
        {
            _ruleIndex[_rules[i]] = i;
        }
    }

    public void File(ScanSource source, IReadOnlyList<ScanFinding> findings)
    {
        foreach (var f in findings)
        {
            _results.Add((source, f, false));
        }
    }

    public void Record(ScanSource source, int line, IReadOnlyList<ScanFinding> findings, string? error)
    {
        foreach (var f in findings)
        {
            _results.Add((source, f, true));
        }
    }

    public void Complete(ScanTotals totals)
    {
        var text = new JsonText(indented: true);
        var json = text.Writer;
        json.WriteStartObject();
        json.WriteString("$schema", SchemaUri);
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();

        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "bulwark");
        json.WriteString("version", _version);
        json.WriteStartArray("rules");
        foreach (var rule in _rules)
        {
            WriteRule(json, rule);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteString("columnKind", "utf16CodeUnits");
        json.WriteStartArray("results");
        foreach (var (source, finding, isRecord) in _results)
        {
            WriteResult(json, source, finding, isRecord);
        }

        json.WriteEndArray();
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", totals.Errors == 0);
        json.WriteEndObject();
        json.WriteEndArray();

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        text.WriteLineTo(_output);
    }

    private static void WriteRule(Utf8JsonWriter json, string entity)
    {
        json.WriteStartObject();
        json.WriteString("id", entity);
        json.WriteString("name", entity);
        json.WriteStartObject("shortDescription");
        json.WriteString("text", EntityRules.ShortDescription(entity));
        json.WriteEndObject();
        json.WriteStartObject("fullDescription");
        json.WriteString("text", EntityRules.Help(entity));
        json.WriteEndObject();
        json.WriteStartObject("help");
        json.WriteString("text", EntityRules.Help(entity));
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", EntityRules.LevelOf(entity));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteStartArray("tags");
        foreach (var tag in EntityRules.TagsOf(entity))
        {
            json.WriteStringValue(tag);
        }

        json.WriteEndArray();
        json.WriteString("security-severity", EntityRules.SeverityText(entity));
        json.WriteString("precision", "high");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void WriteResult(Utf8JsonWriter json, ScanSource source, in ScanFinding f, bool isRecord)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", f.Entity);
        if (_ruleIndex.TryGetValue(f.Entity, out var index))
        {
            json.WriteNumber("ruleIndex", index);
        }

        json.WriteString("level", EntityRules.LevelOf(f.Entity));
        json.WriteStartObject("message");
        var message = isRecord
            ? string.Create(CultureInfo.InvariantCulture, $"{f.Entity} found by detector {f.Detector} (score {f.Score:0.00}) in field \"{_field}\" at [{f.Start}..{f.End}).")
            : string.Create(CultureInfo.InvariantCulture, $"{f.Entity} found by detector {f.Detector} (score {f.Score:0.00}).");
        json.WriteString("text", message);
        json.WriteEndObject();

        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        if (source.IsStdin)
        {
            json.WriteString("uri", "stdin");
        }
        else
        {
            json.WriteString("uri", ToUri(source.DisplayPath));
            if (!Path.IsPathRooted(source.DisplayPath))
            {
                json.WriteString("uriBaseId", "%SRCROOT%");
            }
        }

        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", f.Line);
        if (!isRecord)
        {
            json.WriteNumber("startColumn", f.Column);
            json.WriteNumber("endLine", f.EndLine);
            json.WriteNumber("endColumn", f.EndColumn);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();

        json.WriteStartObject("partialFingerprints");
        json.WriteString(FingerprintKey, f.Fingerprint);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    // A relative path as a relative URI reference (each segment percent-encoded); a rooted path as a file:// URI.
    private static string ToUri(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return new Uri(path).AbsoluteUri;
        }

        return string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }
}
