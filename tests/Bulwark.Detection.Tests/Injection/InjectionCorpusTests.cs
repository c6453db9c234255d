using System.Text.Json;
using Bulwark.Detection.Injection;

namespace Bulwark.Detection.Tests.Injection;

/// <summary>
/// Regression guard on the team corpus (Corpus/injection_corpus.jsonl): recall and false-positive rate at the default
/// threshold. The held-out judgement corpus is not this one; bench/Bulwark.InjectionEval prints the full report.
/// </summary>
public sealed class InjectionCorpusTests
{
    [Fact]
    public void TeamCorpus_DefaultThreshold_MeetsRecallAndFalsePositiveTargets()
    {
        var detector = new PromptInjectionDetector();
        int attacks = 0, caught = 0, benign = 0, falsePositives = 0;
        foreach (string line in File.ReadLines(CorpusPath()))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using JsonDocument doc = JsonDocument.Parse(line);
            string text = doc.RootElement.GetProperty("text").GetString()!;
            bool attack = doc.RootElement.GetProperty("label").GetString() == "injection";
            bool flagged = detector.Score(text) >= detector.Threshold;
            if (attack)
            {
                attacks++;
                caught += flagged ? 1 : 0;
            }
            else
            {
                benign++;
                falsePositives += flagged ? 1 : 0;
            }
        }

        attacks.ShouldBeGreaterThanOrEqualTo(150);
        benign.ShouldBeGreaterThanOrEqualTo(300);
        (caught / (double)attacks).ShouldBeGreaterThanOrEqualTo(0.90);
        (falsePositives / (double)benign).ShouldBeLessThanOrEqualTo(0.03);
    }

    internal static string CorpusPath()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Bulwark.Detection.Tests", "Injection", "Corpus", "injection_corpus.jsonl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Corpus/injection_corpus.jsonl not found above " + AppContext.BaseDirectory);
    }
}
