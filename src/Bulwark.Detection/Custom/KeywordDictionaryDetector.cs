namespace Bulwark.Detection.Custom;

/// <summary>
/// A user-defined entity matched against a dictionary of terms (project code names, customer lists) with an
/// Aho–Corasick automaton: one pass over the text whatever the number of terms. Latin terms match as whole words;
/// terms that start or end in Chinese, Japanese or Korean script match anywhere, since those scripts do not separate
/// words with spaces. Optional context words must occur within <c>contextWindow</c> characters of a match.
/// </summary>
public sealed class KeywordDictionaryDetector : IDetector
{
    private readonly AhoCorasick _automaton;
    private readonly CustomEntity _entity;
    private readonly bool _wholeWords;

    /// <summary>Creates a detector for <paramref name="entity"/> over <paramref name="terms"/>.</summary>
    /// <param name="entity">Entity name reported in findings (for example <c>PROJECT_CODENAME</c>).</param>
    /// <param name="terms">The dictionary; blank entries are skipped, duplicates are harmless.</param>
    /// <param name="ignoreCase">Match case-insensitively (invariant culture).</param>
    /// <param name="wholeWords">Require Latin-script terms to stand as words (not inside a longer word).</param>
    /// <param name="contextWords">Words of which one must appear near a match; none means every match counts.</param>
    /// <param name="contextWindow">How many characters before and after a match are searched for context words.</param>
    /// <param name="score">Score of each finding, 0..1.</param>
    public KeywordDictionaryDetector(string entity, IEnumerable<string> terms, bool ignoreCase = true, bool wholeWords = true, IEnumerable<string>? contextWords = null, int contextWindow = 40, double score = 0.85)
    {
        _entity = new CustomEntity(entity, contextWords, contextWindow, score);
        ArgumentNullException.ThrowIfNull(terms);
        _automaton = new AhoCorasick(terms, ignoreCase);
        _wholeWords = wholeWords;
    }

    /// <inheritdoc />
    public string Name => _entity.DetectorName;

    /// <inheritdoc />
    public IReadOnlyList<string> Entities => _entity.Entities;

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var a = _automaton;
        var state = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (state == 0)
            {
                // At the root, jump straight to the next character that can start a term.
                var next = text[i..].IndexOfAny(a.FirstChars);
                if (next < 0)
                {
                    return;
                }

                i += next;
            }

            state = a.Step(state, text[i]);
            i++;
            for (var s = a.IsTerminal(state) ? state : a.OutputLink(state); s > 0; s = a.OutputLink(s))
            {
                var start = i - a.TermLength(s);
                if (_wholeWords && !(IsWordEdge(text, start - 1, text[start]) && IsWordEdge(text, i, text[i - 1])))
                {
                    continue;
                }

                _entity.Report(text, start, i, findings);
            }
        }
    }

    // The term edge `edge` needs a non-word neighbour at `outside` unless the term's own edge is CJK.
    private static bool IsWordEdge(ReadOnlySpan<char> text, int outside, char edge) =>
        !char.IsLetterOrDigit(edge) || IsCjk(edge) || (uint)outside >= (uint)text.Length || !IsWordChar(text[outside]);

    private static bool IsWordChar(char c) => (char.IsLetterOrDigit(c) && !IsCjk(c)) || c == '_';

    private static bool IsCjk(char c) =>
        c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF')
            or (>= '\uF900' and <= '\uFAFF') or (>= '\uAC00' and <= '\uD7AF');
}
