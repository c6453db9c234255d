using System.Text.RegularExpressions;

namespace Bulwark.Detection.Custom;

/// <summary>
/// A user-defined entity matched by a regular expression compiled with <see cref="RegexOptions.NonBacktracking"/>, so a
/// pattern from configuration runs in time linear in the text. Optional context words must occur within
/// <c>contextWindow</c> characters before or after a match (how a QQ number <c>\b\d{5,11}\b</c> next to "QQ" becomes
/// detectable without flagging every number).
/// </summary>
public sealed class CustomRegexDetector : IDetector
{
    private readonly Regex _regex;
    private readonly CustomEntity _entity;

    /// <summary>Creates a detector for <paramref name="entity"/> from <paramref name="pattern"/>.</summary>
    /// <param name="entity">Entity name reported in findings (for example <c>EMPLOYEE_ID</c>).</param>
    /// <param name="pattern">A .NET regular expression without backreferences or lookarounds (NonBacktracking rejects them).</param>
    /// <param name="contextWords">Words of which one must appear near a match; none means every match counts.</param>
    /// <param name="contextWindow">How many characters before and after a match are searched for context words.</param>
    /// <param name="score">Score of each finding, 0..1.</param>
    /// <param name="ignoreCase">Match the pattern case-insensitively.</param>
    public CustomRegexDetector(string entity, string pattern, IEnumerable<string>? contextWords = null, int contextWindow = 40, double score = 0.8, bool ignoreCase = false)
    {
        _entity = new CustomEntity(entity, contextWords, contextWindow, score);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        try
        {
            _regex = new Regex(pattern, options);
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException($"The pattern of custom entity '{entity}' uses a construct linear-time matching cannot run (backreferences, lookarounds, atomic groups); rewrite it without them. {e.Message}", nameof(pattern), e);
        }

    }

    /// <inheritdoc />
    public string Name => _entity.DetectorName;

    /// <inheritdoc />
    public IReadOnlyList<string> Entities => _entity.Entities;

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var match in _regex.EnumerateMatches(text))
        {
            if (match.Length == 0)
            {
                continue;
            }

            _entity.Report(text, match.Index, match.Index + match.Length, findings);
        }
    }
}
