using System.Text.RegularExpressions;

namespace Bulwark.Detection.Injection;

/// <summary>
/// One weighted pattern over normalised text (lower case, blanks collapsed, see <see cref="InjectionNormalizer"/>).
/// A weight at or above the default threshold marks a pattern that is an attack on its own; smaller weights are cues
/// that only count in company. Patterns run on the linear-time engine.
/// </summary>
internal sealed class InjectionRule
{
    public InjectionRule(string id, InjectionFamilies family, double weight, string pattern)
    {
        Id = id;
        Family = family;
        Weight = weight;
        Pattern = pattern;
        Regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
    }

    /// <summary>Stable id for audit, e.g. <c>instruction_override.ignore_previous</c>.</summary>
    public string Id { get; }

    public InjectionFamilies Family { get; }

    public double Weight { get; }

    /// <summary>The pattern text, so rules can be combined into one pass.</summary>
    public string Pattern { get; }

    public Regex Regex { get; }
}
