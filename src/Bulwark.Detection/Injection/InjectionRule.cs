using System.Text.RegularExpressions;

namespace Bulwark.Detection.Injection;

/// <summary>
/// One weighted pattern over normalised text (lower case, blanks collapsed, see <see cref="InjectionNormalizer"/>).
/// A weight at or above the default threshold marks a pattern that is an attack on its own; smaller weights are cues
/// that only count in company. Patterns run on the linear-time engine, and only when one of the rule's anchors (literal
/// substrings every match contains) occurs in the text.
/// </summary>
internal sealed class InjectionRule
{
    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <param name="id">Stable id for audit.</param>
    /// <param name="family">The family the rule reports.</param>
    /// <param name="weight">The rule's weight in the combined score.</param>
    /// <param name="pattern">The pattern over normalised text.</param>
    /// <param name="anchors">
    /// '|'-separated literals (so none may contain '|') of which every match contains one; when null they are read from the pattern's leading
    /// group of plain alternatives, and a rule without anchors runs on every text that passes the prefilter.
    /// </param>
    /// <param name="cue">The part this rule plays in the structural combinations of role-play jailbreaks.</param>
    public InjectionRule(string id, InjectionFamilies family, double weight, string pattern, string? anchors = null, InjectionCue cue = InjectionCue.None)
    {
        Id = id;
        Family = family;
        Weight = weight;
        Pattern = pattern;
        Cue = cue;
        Anchors = anchors is not null ? anchors.Split('|') : InjectionAnchors.FromPattern(pattern);
        if (Anchors.Any(a => a.Length < 2))
        {
            throw new ArgumentException($"Rule '{id}' has an anchor shorter than two characters; anchors must be rare literals.", nameof(anchors));
        }
    }

    /// <summary>Stable id for audit, e.g. <c>instruction_override.ignore_previous</c>.</summary>
    public string Id { get; }

    public InjectionFamilies Family { get; }

    public double Weight { get; }

    /// <summary>The pattern text.</summary>
    public string Pattern { get; }

    /// <summary>Literals of which every match contains at least one; empty when the rule must always run.</summary>
    public IReadOnlyList<string> Anchors { get; }

    public InjectionCue Cue { get; }

    /// <summary>
    /// The compiled pattern, built on first use: building a linear-time automaton costs milliseconds, and most rules
    /// never run on a given deployment's traffic. <see cref="PromptInjectionDetector.WarmUp"/> builds them all up front.
    /// </summary>
    public Regex Regex => _regex ?? Build();

    private Regex? _regex;

    private Regex Build()
    {
        Interlocked.CompareExchange(ref _regex, new Regex(Pattern, Options), null);
        return _regex;
    }
}

/// <summary>What a rule says about how a role-play jailbreak is built; combinations of cues score on their own.</summary>
internal enum InjectionCue
{
    None,

    /// <summary>The text sets up a persona for the model ("you are now ...", "pretend to be", "act as").</summary>
    Persona,

    /// <summary>The text removes the model's rules or demands unconditional compliance ("no restrictions", "never say you can't").</summary>
    Compliance,
}
