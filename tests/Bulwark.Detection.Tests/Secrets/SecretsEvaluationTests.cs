using System.Globalization;
using System.Text.Json;
using Bulwark.Detection.Secrets;
using Xunit.Abstractions;

namespace Bulwark.Detection.Tests.Secrets;

/// <summary>
/// Quality of the secrets detector on data: precision/recall over the team's labelled corpus (positives and
/// look-alikes), and how many findings fire on text that holds no credentials (the shared benign prompts and the
/// Presidio PII sentences) — each of those is a false positive. Numbers are written to the test output and recorded
/// in docs/detection.md.
/// </summary>
public sealed class SecretsEvaluationTests(ITestOutputHelper output)
{
    private readonly SecretsDetector _detector = new();

    [Fact]
    public void Detect_LabelledCorpus_ReachesPrecisionAndRecallTargets()
    {
        int tp = 0, fp = 0, fn = 0, exact = 0;
        var perEntity = new SortedDictionary<string, (int Tp, int Fp, int Fn)>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Secrets", "Corpus"), "*.jsonl"))
        {
            foreach (var line in File.ReadLines(file))
            {
                using var doc = JsonDocument.Parse(line);
                var text = doc.RootElement.GetProperty("text").GetString()!;
                var expected = doc.RootElement.GetProperty("spans").EnumerateArray()
                    .Select(s => (Entity: s.GetProperty("entity").GetString()!, Start: s.GetProperty("start").GetInt32(), End: s.GetProperty("end").GetInt32()))
                    .ToList();
                var findings = new List<Finding>();
                _detector.Detect(text, findings);

                foreach (var f in findings)
                {
                    var match = expected.FindIndex(e => e.Entity == f.Entity && e.Start < f.End && f.Start < e.End);
                    if (match >= 0)
                    {
                        tp++;
                        exact += expected[match].Start == f.Start && expected[match].End == f.End ? 1 : 0;
                        Bump(perEntity, f.Entity, tp: 1);
                        expected.RemoveAt(match);
                    }
                    else
                    {
                        fp++;
                        Bump(perEntity, f.Entity, fp: 1);
                        output.WriteLine($"FP {f.Entity} in: {Shorten(text)}");
                    }
                }

                foreach (var missed in expected)
                {
                    fn++;
                    Bump(perEntity, missed.Entity, fn: 1);
                    output.WriteLine($"FN {missed.Entity} in: {Shorten(text)}");
                }
            }
        }

        var precision = tp / (double)Math.Max(1, tp + fp);
        var recall = tp / (double)Math.Max(1, tp + fn);
        output.WriteLine($"corpus: tp={tp} fp={fp} fn={fn} exact-span={exact} precision={precision:F3} recall={recall:F3}");
        foreach (var (entity, c) in perEntity)
        {
            output.WriteLine($"  {entity}: tp={c.Tp} fp={c.Fp} fn={c.Fn}");
        }

        tp.ShouldBeGreaterThan(0);
        precision.ShouldBeGreaterThanOrEqualTo(0.97);
        recall.ShouldBeGreaterThanOrEqualTo(0.97);
    }

    [Fact]
    public void Detect_SharedBenignDatasets_FiresAlmostNever()
    {
        // The datasets sit in ../shared beside the repository, as in CI. Missing data is a failure, never a silent pass.
        var datasets = FindDatasets();
        datasets.ShouldNotBeNull("the shared datasets (../shared/datasets beside the repository root) are missing");

        var texts = new List<string>();
        texts.AddRange(ReadCsvFirstColumn(Path.Combine(datasets, "jailbreak", "jailbreak_dataset_train.csv")));

        var promptCount = texts.Count;
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(datasets, "pii", "synth_dataset_v2.json"))))
        {
            texts.AddRange(doc.RootElement.EnumerateArray().Select(e => e.GetProperty("full_text").GetString()!));
        }

        var hits = 0;
        foreach (var text in texts)
        {
            var findings = new List<Finding>();
            _detector.Detect(text, findings);
            foreach (var f in findings)
            {
                hits++;
                output.WriteLine($"{f.Entity}: {Shorten(text[Math.Max(0, f.Start - 30)..Math.Min(text.Length, f.End + 30)])}");
            }
        }

        output.WriteLine($"benign texts: {promptCount} prompts (benign and jailbreak) + {texts.Count - promptCount} PII sentences, secret findings: {hits}");
        hits.ShouldBeLessThanOrEqualTo(texts.Count / 1000);
    }

    private static void Bump(SortedDictionary<string, (int Tp, int Fp, int Fn)> counts, string entity, int tp = 0, int fp = 0, int fn = 0)
    {
        var c = counts.GetValueOrDefault(entity);
        counts[entity] = (c.Tp + tp, c.Fp + fp, c.Fn + fn);
    }

    private static string Shorten(string text) => (text.Length > 120 ? text[..120] : text).ReplaceLineEndings(" ");

    private static string? FindDatasets()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "datasets");
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")) && Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    /// <summary>First column of an RFC 4180 CSV with a header row (quoted fields may hold commas, quotes and newlines).</summary>
    private static IEnumerable<string> ReadCsvFirstColumn(string path)
    {
        var csv = File.ReadAllText(path);
        var field = new System.Text.StringBuilder();
        int column = 0, row = 0;
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c is ',' or '\n')
            {
                if (column == 0 && row > 0)
                {
                    yield return field.ToString();
                }

                field.Clear();
                (column, row) = c == ',' ? (column + 1, row) : (0, row + 1);
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
        }
    }
}
