using System.Globalization;
using System.Text.Json;
using Bulwark.Detection;
using Bulwark.Detection.Engine;

namespace Bulwark.Evaluation;

/// <summary>Per-entity precision, recall and F1 of the default detectors on the Presidio synthetic set and the team corpus.</summary>
internal static class PiiEvaluation
{
    private static readonly string[] Structured =
    [
        EntityTypes.CreditCard, EntityTypes.EmailAddress, EntityTypes.IbanCode, EntityTypes.IpAddress,
        EntityTypes.PhoneNumber, EntityTypes.UsSsn, EntityTypes.CnResidentId,
    ];

    public static int Run(string? datasetsDir, string? corpusPath, bool showErrors, TextWriter output)
    {
        var engine = new DetectionEngine(DefaultDetectors.Create());
        datasetsDir ??= Locate(Path.Combine("shared", "datasets"));
        corpusPath ??= Locate(Path.Combine("tests", "Bulwark.Detection.Tests", "Corpus", "pii_corpus.jsonl"));
        var exit = 0;

        var synth = datasetsDir is null ? null : Path.Combine(datasetsDir, "pii", "synth_dataset_v2.json");
        if (synth is not null && File.Exists(synth))
        {
            Report(output, $"Presidio synth_dataset_v2.json ({synth})", Score(engine, LoadPresidio(synth), showErrors, output));
        }
        else
        {
            output.WriteLine("Presidio dataset not found: pass --datasets DIR (the folder holding pii/synth_dataset_v2.json).");
            exit = 2;
        }

        if (corpusPath is not null && File.Exists(corpusPath))
        {
            Report(output, $"Team corpus ({corpusPath})", Score(engine, LoadCorpus(corpusPath), showErrors, output));
        }
        else
        {
            output.WriteLine("Team corpus not found: pass --corpus FILE (tests/Bulwark.Detection.Tests/Corpus/pii_corpus.jsonl).");
            exit = 2;
        }

        return exit;
    }

    // Looks for `relative` under the current directory, the executable's directory and each of their ancestors.
    private static string? Locate(string relative)
    {
        foreach (var origin in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(candidate) || File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static List<Sample> LoadPresidio(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var samples = new List<Sample>();
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var text = item.GetProperty("full_text").GetString() ?? "";
            var spans = new List<Span>();
            foreach (var span in item.GetProperty("spans").EnumerateArray())
            {
                spans.Add(new Span(
                    span.GetProperty("entity_type").GetString() ?? "",
                    span.GetProperty("start_position").GetInt32(),
                    span.GetProperty("end_position").GetInt32()));
            }

            samples.Add(new Sample(text, spans));
        }

        return samples;
    }

    // One JSON object per line: {"text": "Call [[PHONE_NUMBER:+1 415 555 0132]] now"}; markup is removed and becomes a label.
    internal static List<Sample> LoadCorpus(string path)
    {
        var samples = new List<Sample>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var marked = doc.RootElement.GetProperty("text").GetString() ?? "";
            var text = new System.Text.StringBuilder();
            var spans = new List<Span>();
            var i = 0;
            while (i < marked.Length)
            {
                var open = marked.IndexOf("[[", i, StringComparison.Ordinal);
                if (open < 0)
                {
                    text.Append(marked, i, marked.Length - i);
                    break;
                }

                var colon = marked.IndexOf(':', open);
                var close = marked.IndexOf("]]", open, StringComparison.Ordinal);
                if (colon < 0 || close < 0 || colon > close)
                {
                    throw new FormatException($"Bad label markup in {path}: {line}");
                }

                text.Append(marked, i, open - i);
                var entity = marked[(open + 2)..colon];
                var start = text.Length;
                text.Append(marked, colon + 1, close - colon - 1);
                spans.Add(new Span(entity, start, text.Length));
                i = close + 2;
            }

            samples.Add(new Sample(text.ToString(), spans));
        }

        return samples;
    }

    private static Dictionary<string, Counts> Score(DetectionEngine engine, List<Sample> samples, bool showErrors, TextWriter output)
    {
        var counts = Structured.ToDictionary(e => e, _ => new Counts());
        var findings = new List<Finding>();
        foreach (var sample in samples)
        {
            findings.Clear();
            engine.Scan(sample.Text, findings);
            var gold = sample.Spans.Where(s => counts.ContainsKey(s.Entity)).ToList();
            var matched = new bool[gold.Count];
            foreach (var f in findings)
            {
                if (!counts.TryGetValue(f.Entity, out var c))
                {
                    continue;
                }

                var hit = gold.FindIndex(g => g.Entity == f.Entity && g.Start < f.End && f.Start < g.End);
                if (hit >= 0 && !matched[hit])
                {
                    matched[hit] = true;
                    c.TruePositives++;
                    if (gold[hit].Start == f.Start && gold[hit].End == f.End)
                    {
                        c.Exact++;
                    }
                }
                else
                {
                    c.FalsePositives++;
                    if (showErrors)
                    {
                        output.WriteLine($"  FP {f.Entity} '{sample.Text[f.Start..f.End]}' score {f.Score.ToString(CultureInfo.InvariantCulture)} in: {Excerpt(sample.Text, f.Start, f.End)}");
                    }
                }
            }

            for (var g = 0; g < gold.Count; g++)
            {
                if (!matched[g])
                {
                    counts[gold[g].Entity].FalseNegatives++;
                    if (showErrors)
                    {
                        output.WriteLine($"  FN {gold[g].Entity} '{sample.Text[gold[g].Start..gold[g].End]}' in: {Excerpt(sample.Text, gold[g].Start, gold[g].End)}");
                    }
                }
            }
        }

        return counts;
    }

    private static string Excerpt(string text, int start, int end)
    {
        var from = Math.Max(0, start - 40);
        var to = Math.Min(text.Length, end + 20);
        return text[from..to].ReplaceLineEndings(" ");
    }

    private static void Report(TextWriter output, string title, Dictionary<string, Counts> counts)
    {
        output.WriteLine();
        output.WriteLine(title);
        output.WriteLine("| entity | gold | TP | FP | FN | exact span | precision | recall | F1 |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var total = new Counts();
        foreach (var (entity, c) in counts)
        {
            Row(output, entity, c);
            total.TruePositives += c.TruePositives;
            total.FalsePositives += c.FalsePositives;
            total.FalseNegatives += c.FalseNegatives;
            total.Exact += c.Exact;
        }

        Row(output, "all structured", total);
    }

    private static void Row(TextWriter output, string entity, Counts c)
    {
        var gold = c.TruePositives + c.FalseNegatives;
        if (gold == 0 && c.FalsePositives == 0)
        {
            output.WriteLine($"| {entity} | 0 | 0 | 0 | 0 | 0 | – | – | – |");
            return;
        }

        var p = c.TruePositives + c.FalsePositives == 0 ? 1.0 : (double)c.TruePositives / (c.TruePositives + c.FalsePositives);
        var r = gold == 0 ? 1.0 : (double)c.TruePositives / gold;
        var f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {entity} | {gold} | {c.TruePositives} | {c.FalsePositives} | {c.FalseNegatives} | {c.Exact} | {p:F3} | {r:F3} | {f1:F3} |"));
    }

    internal sealed record Sample(string Text, List<Span> Spans);

    internal readonly record struct Span(string Entity, int Start, int End);

    private sealed class Counts
    {
        public int TruePositives { get; set; }

        public int FalsePositives { get; set; }

        public int FalseNegatives { get; set; }

        public int Exact { get; set; }
    }
}
