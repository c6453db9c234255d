using System.Collections;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Bulwark.Gateway.Inspection;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// A list of deny patterns with a screen: one linear-time regex that is the alternation of every pattern that can
/// join it. Most texts match no deny pattern, and the screen says so in one pass instead of one pass per pattern; only
/// a text the screen matches is run through the patterns one by one, to name the first that matches.
/// </summary>
/// <remarks>
/// <para>
/// Why: a case-insensitive pattern with a literal start (<c>(?i)ignore previous...</c>) makes .NET look for that
/// literal with an ordinal ignore-case search, which under invariant globalization (Bulwark's setting) is a scalar
/// loop. Five such patterns over one chat cost more than forwarding it. The screen searches once.
/// </para>
/// <para>
/// Each pattern joins as <c>(?:pattern)</c>: inline options such as <c>(?i)</c> stay inside its group, and a pattern
/// that compiles alone has balanced groups, so the alternation matches exactly when one of them does. Left out, and
/// always run on their own: patterns that need the backtracking engine (they have a match timeout), and patterns that
/// turn on <c>x</c> (free-spacing), where a <c>#</c> comment would run past the group's end. If the alternation does
/// not compile as a linear regex (a numbered escape that the joined groups would turn into a backreference, say),
/// there is no screen and every pattern runs on its own, as before.
/// </para>
/// </remarks>
internal sealed class DenyPatternSet : IReadOnlyList<CompiledPattern>
{
    private static readonly Regex FreeSpacing = new(@"\(\?[imnsx]*x[imnsx]*(?:-[imnsx]*)?[:)]", RegexOptions.CultureInvariant);

    public static DenyPatternSet Empty { get; } = new([]);

    private readonly ImmutableArray<CompiledPattern> _patterns;

    /// <summary>The screen over <see cref="CompiledPattern.Linear"/> patterns that joined it; null when there is none.</summary>
    private readonly Regex? _screen;

    /// <summary>Which patterns the screen stands for.</summary>
    private readonly ImmutableArray<bool> _screened;

    public DenyPatternSet(ImmutableArray<CompiledPattern> patterns)
    {
        _patterns = patterns;
        var screened = patterns.Select(p => p.Linear && !FreeSpacing.IsMatch(p.Regex.ToString())).ToImmutableArray();
        if (screened.Count(s => s) >= 2)
        {
            try
            {
                _screen = new Regex(
                    string.Join('|', patterns.Where((_, i) => screened[i]).Select(p => $"(?:{p.Regex})")),
                    RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
                _screened = screened;
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                _screen = null;
            }
        }

        if (_screen is null)
        {
            _screened = [.. patterns.Select(_ => false)];
        }
    }

    /// <summary>System prompts that no pattern of this set matched: an application's prompt is checked once, not per request.</summary>
    public SystemTextCache<bool> CleanSystemPrompts { get; } = new();

    public bool IsEmpty => _patterns.IsEmpty;

    public bool HasScreen => _screen is not null;

    public int Count => _patterns.Length;

    public CompiledPattern this[int index] => _patterns[index];

    /// <summary>Whether pattern <paramref name="index"/> needs running on a text the screen did not match.</summary>
    public bool SkipsWhenScreenMisses(int index) => _screened[index];

    /// <summary>False when no screened pattern can match <paramref name="text"/>: only the unscreened ones need running.</summary>
    public bool ScreenMayMatch(string text) => _screen is null || _screen.IsMatch(text);

    public IEnumerator<CompiledPattern> GetEnumerator() => ((IEnumerable<CompiledPattern>)_patterns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
