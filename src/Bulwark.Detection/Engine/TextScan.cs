using System.Buffers;

namespace Bulwark.Detection.Engine;

/// <summary>Small span helpers shared by the hand-written scanners: ASCII boundaries and context-word look-ups.</summary>
internal static class TextScan
{
    /// <summary>The ASCII digits, the anchor of every numeric recognizer.</summary>
    public static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    /// <summary>True when position <paramref name="i"/> is outside the text or not an ASCII letter or digit.</summary>
    public static bool IsBoundary(ReadOnlySpan<char> text, int i) =>
        (uint)i >= (uint)text.Length || !char.IsAsciiLetterOrDigit(text[i]);

    /// <summary>
    /// True when one of <paramref name="words"/> (given in lower case) occurs, ignoring case, within
    /// <paramref name="before"/> characters before <paramref name="start"/> or <paramref name="after"/> characters after
    /// <paramref name="end"/>. A word that starts with an ASCII letter must stand as a word ("tel" is not found in
    /// "hotel"), a plural 's' allowed.
    /// </summary>
    public static bool HasContext(ReadOnlySpan<char> text, int start, int end, int before, int after, ReadOnlySpan<string> words)
    {
        if (words.IsEmpty)
        {
            return false;
        }

        var from = Math.Max(0, start - before);
        var to = Math.Min(text.Length, end + after);
        return ContainsWord(text, from, start, words) || ContainsWord(text, end, to, words);
    }

    private static bool ContainsWord(ReadOnlySpan<char> text, int from, int to, ReadOnlySpan<string> words)
    {
        if (to <= from)
        {
            return false;
        }

        // Fold the window to lower case once; ordinal search over it is much cheaper than a case-insensitive search
        // per word, above all when the window holds Chinese text.
        var length = to - from;
        char[]? rented = null;
        var folded = length <= 256 ? stackalloc char[length] : (rented = ArrayPool<char>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            text[from..to].ToLowerInvariant(folded);
            foreach (var word in words)
            {
                var offset = 0;
                while (offset < folded.Length)
                {
                    var hit = folded[offset..].IndexOf(word, StringComparison.Ordinal);
                    if (hit < 0)
                    {
                        break;
                    }

                    var at = from + offset + hit;
                    if (!char.IsAsciiLetter(word[0]) || (StartsWord(text, at) && EndsWord(text, at + word.Length)))
                    {
                        return true;
                    }

                    offset += hit + 1;
                }
            }

            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static bool StartsWord(ReadOnlySpan<char> text, int at) => at == 0 || !char.IsAsciiLetter(text[at - 1]);

    // A word may take a plural 's' ("cards", "phones") but must not run on into a longer word.
    private static bool EndsWord(ReadOnlySpan<char> text, int end)
    {
        if (end < text.Length && text[end] is 's' or 'S')
        {
            end++;
        }

        return end >= text.Length || !char.IsAsciiLetter(text[end]);
    }

    /// <summary>
    /// Finds the next run of ASCII digits at or after <paramref name="from"/>, and moves <paramref name="from"/> past it.
    /// Returns false when there is none.
    /// </summary>
    public static bool NextDigitRun(ReadOnlySpan<char> text, ref int from, out int start, out int end)
    {
        var hit = text[from..].IndexOfAny(Digits);
        if (hit < 0)
        {
            start = end = text.Length;
            return false;
        }

        start = from + hit;
        end = SkipDigits(text, start);
        from = end;
        return true;
    }

    /// <summary>End (exclusive) of the run of ASCII digits starting at <paramref name="i"/>.</summary>
    public static int SkipDigits(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i;
    }
}
