using System.Buffers;
using System.Collections.Frozen;

namespace Bulwark.Detection.Injection;

/// <summary>
/// The rules' anchors in one table: a single vectorised pass over the normalised text marks which anchors occur, and
/// only rules with a marked anchor (or without anchors) run their pattern. Most rules have none of their anchors in
/// a given text, so a keyword-flagged text runs a handful of patterns instead of all of them.
/// </summary>
internal sealed class InjectionAnchors
{
    private readonly string[] _anchors;

    // ASCII anchors: one scalar pass tests each position's first three characters (two for two-character anchors)
    // against a bit filter, and verifies the rare candidates against the anchors sharing their first two characters.
    // SearchValues<string> would be vectorised (Teddy) only up to ~90 needles; over ~700 it is Aho-Corasick, about
    // twice as slow. Non-ASCII anchors (Chinese, Japanese, Cyrillic, accented) are found by their first non-ASCII
    // character, then verified.
    private const int FilterBits = 15;
    private readonly ulong[] _trigramFilter = new ulong[(1 << FilterBits) / 64];
    private readonly ulong[] _bigramFilter = new ulong[128 * 128 / 64];
    private readonly int[][] _byTrigramHash = new int[1 << FilterBits][];
    private readonly int[][] _byBigram = new int[128 * 128][];
    private readonly SearchValues<char> _otherKeyChars;
    private readonly FrozenDictionary<char, (int Id, int Offset)[]> _byKeyChar;
    private readonly int[][] _ruleAnchors;
    private readonly int[][] _rulesByAnchor;
    private readonly int[] _unanchored;

    public InjectionAnchors(IReadOnlyList<InjectionRule> rules)
    {
        // Normalised text is lower case (invariant culture), so anchors are matched ordinally in lower case.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        _ruleAnchors = new int[rules.Count][];
        for (int r = 0; r < rules.Count; r++)
        {
            var own = new List<int>();
            foreach (string anchor in rules[r].Anchors.Select(a => a.ToLowerInvariant()))
            {
                if (!ids.TryGetValue(anchor, out int id))
                {
                    id = ids.Count;
                    ids.Add(anchor, id);
                }

                own.Add(id);
            }

            _ruleAnchors[r] = [.. own];
        }

        _anchors = new string[ids.Count];
        foreach ((string anchor, int id) in ids)
        {
            _anchors[id] = anchor;
        }

        // The inverse: which rules each anchor lets run, so that a text's few anchors name its rules directly.
        _rulesByAnchor = Enumerable.Range(0, ids.Count)
            .Select(id => Enumerable.Range(0, rules.Count).Where(r => _ruleAnchors[r].Contains(id)).ToArray())
            .ToArray();
        _unanchored = [.. Enumerable.Range(0, rules.Count).Where(r => _ruleAnchors[r].Length == 0)];

        // A non-ASCII anchor is keyed by its first non-ASCII character and that character's offset in the anchor.
        var ascii = _anchors.Select((anchor, id) => (anchor, id)).Where(x => System.Text.Ascii.IsValid(x.anchor)).ToArray();
        var other = _anchors.Select((anchor, id) => (anchor, id)).Where(x => !System.Text.Ascii.IsValid(x.anchor))
            .Select(x => (x.id, Offset: x.anchor.AsSpan().IndexOfAnyExceptInRange('\0', '\u007F'), x.anchor))
            .ToArray();
        // Every anchor has at least two characters (InjectionRule checks).
        foreach ((string anchor, int id) in ascii)
        {
            (ulong[] filter, int[][] lists, int key) = anchor.Length == 2
                ? (_bigramFilter, _byBigram, (anchor[0] << 7) | anchor[1])
                : (_trigramFilter, _byTrigramHash, TrigramHash(anchor[0], anchor[1], anchor[2]));
            filter[key >> 6] |= 1UL << key;
            lists[key] = [.. lists[key] ?? [], id];
        }

        _otherKeyChars = SearchValues.Create(other.Select(x => x.anchor[x.Offset]).Distinct().ToArray());
        _byKeyChar = other.GroupBy(x => x.anchor[x.Offset])
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => (x.id, x.Offset)).ToArray());
    }

    /// <summary>The distinct anchors, by id (lower case).</summary>
    public IReadOnlyList<string> All => _anchors;

    /// <summary>How many distinct anchors there are; the length of the span <see cref="Mark"/> fills.</summary>
    public int Count => _anchors.Length;

    /// <summary>Rules that have no anchors and so run on every suspicious text (for tests and tuning).</summary>
    public int UnanchoredRules => _ruleAnchors.Count(a => a.Length == 0);

    /// <summary>Sets <c>present[id]</c> for every anchor that occurs in <paramref name="text"/> (normalised, lower case).</summary>
    public void Mark(ReadOnlySpan<char> text, Span<bool> present)
    {
        for (int i = 0; i + 1 < text.Length; i++)
        {
            char a = text[i], b = text[i + 1];
            if ((a | b) > 0x7F)
            {
                continue;
            }

            int bigram = (a << 7) | b;
            if (IsSet(_bigramFilter, bigram))
            {
                MarkAt(text[i..], _byBigram[bigram], present);
            }

            if (i + 2 < text.Length && text[i + 2] <= 0x7F)
            {
                int trigram = TrigramHash(a, b, text[i + 2]);
                if (IsSet(_trigramFilter, trigram))
                {
                    MarkAt(text[i..], _byTrigramHash[trigram], present);
                }
            }
        }

        if (System.Text.Ascii.IsValid(text))
        {
            return;
        }

        // The key characters are many and spread over the BMP, so SearchValues tests them one character at a time; skip
        // the ASCII between non-ASCII runs (vectorised) so that mostly English text with a little Chinese pays little.
        int position = 0;
        while (position < text.Length)
        {
            int runStart = text[position..].IndexOfAnyExceptInRange('\0', '\u007F');
            if (runStart < 0)
            {
                return;
            }

            position += runStart;
            int runLength = text[position..].IndexOfAnyInRange('\0', '\u007F');
            int runEnd = runLength < 0 ? text.Length : position + runLength;
            while (position < runEnd)
            {
                int found = text[position..runEnd].IndexOfAny(_otherKeyChars);
                if (found < 0)
                {
                    break;
                }

                position += found;
                MarkKeyCharAt(text, position, present);
                position++;
            }

            position = runEnd;
        }
    }

    /// <summary>Marks the non-ASCII anchors keyed by the character at <paramref name="position"/> that start there.</summary>
    private void MarkKeyCharAt(ReadOnlySpan<char> text, int position, Span<bool> present)
    {
        foreach ((int id, int offset) in _byKeyChar[text[position]])
        {
            if (position >= offset && text[(position - offset)..].StartsWith(_anchors[id], StringComparison.Ordinal))
            {
                present[id] = true;
            }
        }
    }

    private static int TrigramHash(char a, char b, char c) => (int)(((uint)((a << 14) | (b << 7) | c) * 2654435761u) >> (32 - FilterBits));

    private static bool IsSet(ulong[] filter, int key) => (filter[key >> 6] & (1UL << key)) != 0;

    private void MarkAt(ReadOnlySpan<char> rest, int[] candidates, Span<bool> present)
    {
        foreach (int id in candidates)
        {
            if (rest.StartsWith(_anchors[id], StringComparison.Ordinal))
            {
                present[id] = true;
            }
        }
    }

    /// <summary>
    /// Sets <c>possible[rule]</c> for every rule that can match given the anchors <see cref="Mark"/> found: one pass over
    /// the (few) present anchors instead of a test of every rule's anchors.
    /// </summary>
    public void MarkRules(ReadOnlySpan<bool> present, Span<bool> possible)
    {
        foreach (int rule in _unanchored)
        {
            possible[rule] = true;
        }

        int id = present.IndexOf(true);
        while (id >= 0)
        {
            foreach (int rule in _rulesByAnchor[id])
            {
                possible[rule] = true;
            }

            int next = present[(id + 1)..].IndexOf(true);
            id = next < 0 ? -1 : id + 1 + next;
        }
    }

    /// <summary>
    /// Reads anchors from a pattern that starts (after <c>\b</c>) with a required group of plain alternatives, e.g.
    /// <c>\b(ignore|disregard)...</c>, or with a literal, e.g. <c>\bdo anything now\b</c>. Returns an empty array when
    /// the pattern's start is not that simple (the rule then always runs).
    /// </summary>
    public static string[] FromPattern(string pattern)
    {
        ReadOnlySpan<char> p = pattern;
        while (p.StartsWith("\\b", StringComparison.Ordinal))
        {
            p = p[2..];
        }

        if (HasTopLevelAlternation(p))
        {
            return [];
        }

        if (p.Length > 0 && p[0] == '(')
        {
            int close = MatchingParen(p);
            if (close < 0 || (close + 1 < p.Length && p[close + 1] is '?' or '*' or '{'))
            {
                return [];
            }

            var alternatives = new List<string>();
            foreach (Range range in p[1..close].Split('|'))
            {
                string? literal = ReadLiteral(p[1..close][range], whole: true);
                if (literal is null || literal.Length == 0)
                {
                    return [];
                }

                alternatives.Add(literal);
            }

            return [.. alternatives];
        }

        string? prefix = ReadLiteral(p, whole: false);
        return prefix is { Length: >= 2 } ? [prefix] : [];
    }

    private static bool HasTopLevelAlternation(ReadOnlySpan<char> p) => FindStructural(p, '|') >= 0;

    private static int MatchingParen(ReadOnlySpan<char> p) => FindStructural(p, ')');

    /// <summary>
    /// Walks a pattern outside escapes and character classes. With <paramref name="target"/> <c>'|'</c>: the index of
    /// the first top-level alternation; with <c>')'</c>: the index of the parenthesis that closes the group the pattern
    /// starts with. -1 when there is none.
    /// </summary>
    private static int FindStructural(ReadOnlySpan<char> p, char target)
    {
        int depth = 0;
        bool inClass = false;
        for (int i = 0; i < p.Length; i++)
        {
            char c = p[i];
            if (c == '\\')
            {
                i++;
            }
            else if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                if (--depth == 0 && target == ')')
                {
                    return i;
                }
            }
            else if (c == '|' && depth == 0 && target == '|')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The literal text at the start of <paramref name="p"/>: plain characters and escaped punctuation. With
    /// <paramref name="whole"/> the entire span must be literal, else null; otherwise reading stops at the first
    /// construct, dropping a last character that a quantifier makes optional.
    /// </summary>
    private static string? ReadLiteral(ReadOnlySpan<char> p, bool whole)
    {
        var literal = new System.Text.StringBuilder();
        for (int i = 0; i < p.Length; i++)
        {
            char c = p[i];
            if (c == '\\' && i + 1 < p.Length && !char.IsAsciiLetterOrDigit(p[i + 1]))
            {
                literal.Append(p[++i]);
                continue;
            }

            if (c is '\\' or '(' or ')' or '[' or ']' or '{' or '}' or '?' or '*' or '+' or '|' or '.' or '^' or '$')
            {
                if (whole)
                {
                    return null;
                }

                if (c is '?' or '*' or '{' && literal.Length > 0)
                {
                    literal.Length--;
                }

                break;
            }

            literal.Append(c);
        }

        return literal.ToString().ToLowerInvariant();
    }
}
