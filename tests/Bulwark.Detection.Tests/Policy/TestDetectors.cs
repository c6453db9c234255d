using System.Text.RegularExpressions;
using Bulwark.Detection.Streaming;

namespace Bulwark.Detection.Tests;

/// <summary>
/// A tiny regex detector for the policy and redaction tests, so they do not depend on the real detectors.
/// </summary>
internal sealed partial class RegexDetector(string name, string entity, Regex pattern, double score = 0.9) : IDetector, ITextScanner
{
    public static RegexDetector Email { get; } = new("test.email", EntityTypes.EmailAddress, EmailPattern());

    public static RegexDetector OpenAiKey { get; } = new("test.openai", EntityTypes.OpenAiApiKey, OpenAiKeyPattern());

    public string Name { get; } = name;

    public IReadOnlyList<string> Entities { get; } = [entity];

    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        foreach (var match in pattern.EnumerateMatches(text))
        {
            findings.Add(new Finding(entity, match.Index, match.Index + match.Length, score, Name));
        }
    }

    public void Scan(ReadOnlySpan<char> text, List<Finding> findings) => Detect(text, findings);

    public List<Finding> Find(string text)
    {
        var findings = new List<Finding>();
        Detect(text, findings);
        return findings;
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"sk-[A-Za-z0-9]{20,}")]
    private static partial Regex OpenAiKeyPattern();
}

/// <summary>Runs several detectors as one scanner (findings sorted by start).</summary>
internal sealed class CombinedScanner(params IDetector[] detectors) : ITextScanner
{
    public void Scan(ReadOnlySpan<char> text, List<Finding> findings)
    {
        foreach (var detector in detectors)
        {
            detector.Detect(text, findings);
        }

        findings.Sort(static (a, b) => a.Start.CompareTo(b.Start));
    }
}
