using System.Buffers;

namespace Bulwark.Detection.Injection;

/// <summary>What the normaliser had to undo; any of these next to a rule hit is itself a signal.</summary>
internal struct NormalizationSignals
{
    public int Invisible;
    public int TagCharacters;
    public int Fullwidth;
    public int Homoglyphs;
    public int Leetspeak;
    public int SpacedLetters;

    public readonly bool Any => Invisible + TagCharacters + Fullwidth + Homoglyphs + Leetspeak + SpacedLetters > 0;
}

/// <summary>
/// Folds a text into the form the injection rules match against: lower case, invisible characters removed, Unicode
/// tag characters decoded to the ASCII they smuggle, fullwidth / mathematical / circled letters folded to ASCII,
/// Cyrillic and Greek look-alikes folded to Latin inside mixed-script words, leetspeak folded inside words, spaced
/// letters ("i g n o r e") joined, and runs of blanks collapsed. The output is never longer than the input, so a
/// buffer of the input's length always suffices. Linear in the input.
/// </summary>
internal static class InjectionNormalizer
{
    /// <summary>Normalises <paramref name="source"/> into <paramref name="destination"/> and returns the length written.</summary>
    public static int Normalize(ReadOnlySpan<char> source, Span<char> destination, ref NormalizationSignals signals)
    {
        int length = FoldCharacters(source, destination, ref signals);
        FoldWords(destination[..length], ref signals, relaxed: false);
        if (signals.Leetspeak >= RelaxedLeetAfter)
        {
            // Text already written in leetspeak: short words with a single Latin letter ("d0", "4r3") are leet too.
            FoldWords(destination[..length], ref signals, relaxed: true);
        }

        return CollapseSpacing(destination[..length], ref signals);
    }

    /// <summary>Is <paramref name="c"/> an invisible format character that attackers put inside words?</summary>
    public static bool IsInvisible(char c) =>
        c is '\u00AD' or '\u034F' or '\u061C' or '\u115F' or '\u1160' or '\u17B4' or '\u17B5' or '\u180E' or '\uFEFF'
        or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2064')
        or (>= '\u2066' and <= '\u2069');

    // U+3001 (ideographic comma) to U+9FFF (CJK ideographs): no character in between is folded, removed or cased.
    private const char InertFirst = '\u3001';
    private const char InertLast = '\u9FFF';

    /// <summary>Step 1: character by character folding. Never lengthens the text.</summary>
    internal static int FoldCharacters(ReadOnlySpan<char> source, Span<char> destination, ref NormalizationSignals signals)
    {
        int written = 0;
        bool afterFlag = false; // inside a subdivision flag (black flag + tag letters), the one legitimate use of tags
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            if (c < 0x80)
            {
                // Fast path: a run of ASCII only needs lower-casing.
                int run = source[i..].IndexOfAnyExceptInRange('\0', '\u007F');
                run = run < 0 ? source.Length - i : run;
                System.Text.Ascii.ToLower(source.Slice(i, run), destination.Slice(written, run), out int copied);
                written += copied;
                i += run - 1;
                afterFlag = false;
                continue;
            }

            if (c is >= InertFirst and <= InertLast)
            {
                // Fast path: CJK punctuation, kana and ideographs fold to themselves.
                int run = source[i..].IndexOfAnyExceptInRange(InertFirst, InertLast);
                run = run < 0 ? source.Length - i : run;
                source.Slice(i, run).CopyTo(destination[written..]);
                written += run;
                i += run - 1;
                afterFlag = false;
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
            {
                int codePoint = char.ConvertToUtf32(c, source[i + 1]);
                i++;
                if (codePoint is >= 0xE0000 and <= 0xE007F)
                {
                    int ascii = codePoint - 0xE0000;
                    if (afterFlag)
                    {
                        afterFlag = ascii != 0x7F;
                        continue;
                    }

                    if (ascii is >= 0x20 and < 0x7F)
                    {
                        signals.TagCharacters++;
                        destination[written++] = char.ToLowerInvariant((char)ascii);
                    }

                    continue;
                }

                afterFlag = codePoint == 0x1F3F4;
                char folded = FoldAstral(codePoint);
                if (folded != '\0')
                {
                    signals.Fullwidth++;
                    destination[written++] = folded;
                }
                else
                {
                    destination[written++] = c;
                    destination[written++] = source[i];
                }

                continue;
            }

            afterFlag = false;
            if (IsInvisible(c))
            {
                // Only an invisible character inside a word is a signal; joiners in emoji sequences are not.
                if (written > 0 && char.IsLetter(destination[written - 1]) && i + 1 < source.Length && char.IsLetter(source[i + 1]))
                {
                    signals.Invisible++;
                }

                continue;
            }

            destination[written++] = IsDash(c) && IsClauseDash(source, i) ? ';' : FoldBasic(c, ref signals);
        }

        return written;
    }

    private static bool IsDash(char c) => c is '\u2013' or '\u2014' or '\u2015';

    /// <summary>
    /// Is the en/em dash at <c>source[i]</c> set between clauses, with a blank on one side ("great poem — new
    /// instructions: ...")? It then becomes ';', which rules read as a clause start but which, unlike '.', does not end
    /// the sentence their gaps span ("you are DAN — an AI that ..."); a dash between two words ("the rules—all of them")
    /// folds to a space (<see cref="FoldBasic"/>).
    /// </summary>
    private static bool IsClauseDash(ReadOnlySpan<char> source, int i) =>
        i == 0 || i + 1 == source.Length || char.IsWhiteSpace(source[i - 1]) || char.IsWhiteSpace(source[i + 1]);

    private static char FoldBasic(char c, ref NormalizationSignals signals)
    {
        if (c < 0x80)
        {
            return c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
        }

        switch (c)
        {
            case >= '\uFF01' and <= '\uFF5E':
                char ascii = char.ToLowerInvariant((char)(c - 0xFEE0));
                if (char.IsAsciiLetterOrDigit(ascii))
                {
                    signals.Fullwidth++;
                }

                return ascii;
            case '\u3000' or '\u00A0' or '\u2007' or '\u202F' or (>= '\u2000' and <= '\u200A'):
                return ' ';
            case '\u2018' or '\u2019' or '\u201B' or '\u2032' or '\u00B4' or '\u0060':
                return '\'';
            case '\u201C' or '\u201D' or '\u201F' or '\u2033' or '\u00AB' or '\u00BB':
                return '"';
            case '\u2010' or '\u2011' or '\u2012' or '\u2212':
                return '-';
            case '\u2013' or '\u2014' or '\u2015':
                // En and em dashes are punctuation, often set without spaces ("the rules—all of them"): a word break,
                // never a hyphen to join across. Between clauses the caller writes ';' instead (IsClauseDash).
                return ' ';
            case >= '\u24B6' and <= '\u24CF':
                signals.Fullwidth++;
                return (char)('a' + (c - '\u24B6'));
            case >= '\u24D0' and <= '\u24E9':
                signals.Fullwidth++;
                return (char)('a' + (c - '\u24D0'));
            default:
                return char.ToLowerInvariant(c);
        }
    }

    /// <summary>Mathematical alphanumeric symbols (bold, italic, script, double-struck ...) to ASCII, else '\0'.</summary>
    private static char FoldAstral(int codePoint)
    {
        if (codePoint is >= 0x1D400 and <= 0x1D6A3)
        {
            int index = (codePoint - 0x1D400) % 52;
            return (char)('a' + (index < 26 ? index : index - 26));
        }

        if (codePoint is >= 0x1D7CE and <= 0x1D7FF)
        {
            return (char)('0' + ((codePoint - 0x1D7CE) % 10));
        }

        return '\0';
    }

    /// <summary>Leet characters folded in the first pass from which short words with one Latin letter are folded too.</summary>
    internal const int RelaxedLeetAfter = 3;

    /// <summary>
    /// Step 2: per word (a run of letters, digits, '@' and '$'): fold Cyrillic/Greek look-alikes when the word also
    /// holds Latin letters, and leetspeak characters when the word reads as leetspeak (see <see cref="IsLeetWord"/>).
    /// With <paramref name="relaxed"/>, run only once the text is known to be leetspeak, the doubtful shapes are folded
    /// too ("d0", "4r3", "fr33", "c0d3"), so "3d", "abc15" or a commit id in ordinary text stay as they are. In place.
    /// </summary>
    internal static void FoldWords(Span<char> text, ref NormalizationSignals signals, bool relaxed = false)
    {
        // Only words holding a leet character or a look-alike can change: jump to the next one (vectorised), fold its
        // word, go on after it. Position never lies inside a word, so no character is looked at twice.
        int position = 0;
        while (position < text.Length)
        {
            int hit = text[position..].IndexOfAny(WordFoldTriggers);
            if (hit < 0)
            {
                return;
            }

            int start = position + hit;
            while (start > position && IsWordChar(text[start - 1]))
            {
                start--;
            }

            int end = position + hit + 1;
            while (end < text.Length && IsWordChar(text[end]))
            {
                end++;
            }

            FoldWord(text, start, end, ref signals, relaxed);
            position = end;
        }
    }

    /// <summary>The characters that make a word worth folding: leet characters and Cyrillic/Greek look-alikes.</summary>
    private static readonly SearchValues<char> WordFoldTriggers = SearchValues.Create(
        Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => LeetOf(c) != '\0' || HomoglyphOf(c) != '\0').ToArray());

    private static void FoldWord(Span<char> text, int start, int end, ref NormalizationSignals signals, bool relaxed)
    {
        Span<char> word = text[start..end];
        int latin = 0, lookAlike = 0;
        foreach (char c in word)
        {
            if (char.IsAsciiLetterLower(c))
            {
                latin++;
            }
            else if (HomoglyphOf(c) != '\0')
            {
                lookAlike++;
            }
        }

        if (lookAlike > 0 && latin > 0)
        {
            for (int k = 0; k < word.Length; k++)
            {
                char folded = HomoglyphOf(word[k]);
                if (folded != '\0')
                {
                    word[k] = folded;
                    latin++;
                    signals.Homoglyphs++;
                }
            }
        }

        if (latin > 0 && IsLeetWord(text, start, end, latin, relaxed))
        {
            for (int k = 0; k < word.Length; k++)
            {
                // A leading '$' or '@' is a sigil ($HOME, @user), not a letter in disguise.
                char folded = k == 0 && word[k] is '$' or '@' ? '\0' : LeetOf(word[k]);
                if (folded != '\0')
                {
                    word[k] = folded;
                    signals.Leetspeak++;
                }
            }
        }
    }

    /// <summary>
    /// Does the word <c>text[start..end]</c> (lower case, <paramref name="latin"/> Latin letters) read as leetspeak?
    /// Leet writers put digits where letters belong, inside the word ("1gn0r3", "h4x0r", "pr3v10u5"). Identifiers put
    /// them elsewhere, and are never leet: a word with a digit that stands for no letter (2, 6, 8, 9: "4e1243bd",
    /// "550e8400"), a "0x" literal, a path, query or anchor segment (after '/', '=', '#' ...), an e-mail address
    /// ("doe@example.com"). Doubtful shapes are only folded when <paramref name="relaxed"/>: digits only before or after
    /// the letters ("richard21", "4chan", "30pm", "fr33"), hex-like words (only 0-9 and a-f: commit ids, UUID parts,
    /// colours, but also "d3c0d3"), words with more digits than letters, short words with one Latin letter ("d0", "4r3").
    /// </summary>
    private static bool IsLeetWord(ReadOnlySpan<char> text, int start, int end, int latin, bool relaxed)
    {
        ReadOnlySpan<char> word = text[start..end];
        int from = word[0] is '$' or '@' ? 1 : 0; // a sigil, not a letter in disguise
        int leet = 0, digits = 0, firstLatin = -1, lastLatin = -1;
        bool hexLike = true;
        for (int k = from; k < word.Length; k++)
        {
            char c = word[k];
            if (char.IsAsciiDigit(c))
            {
                digits++;
                if (LeetOf(c) == '\0')
                {
                    return false; // 2, 6, 8, 9 stand for no letter: a number, an id or a hash
                }
            }

            if (LeetOf(c) != '\0')
            {
                leet++;
            }
            else if (char.IsAsciiLetterLower(c))
            {
                firstLatin = firstLatin < 0 ? k : firstLatin;
                lastLatin = k;
            }

            hexLike &= char.IsAsciiHexDigitLower(c);
        }

        if (leet == 0 || leet >= word.Length - from
            || (word.Length > 2 && word[0] == '0' && word[1] == 'x')
            || (start > 0 && text[start - 1] is '/' or '\\' or '=' or '#' or '%' or '&' or '?' or '_')
            || IsEmailLocalPart(text, word, end))
        {
            return false;
        }

        bool interior = false;
        for (int k = firstLatin + 1; k < lastLatin && !interior; k++)
        {
            interior = LeetOf(word[k]) != '\0';
        }

        return (latin >= 2 && interior && !hexLike && digits <= latin) || (relaxed && (latin >= 2 || word.Length - from <= 4));
    }

    /// <summary>"jane.doe@example.com": an '@' inside a word followed by a dotted domain is an address, not an 'a'.</summary>
    private static bool IsEmailLocalPart(ReadOnlySpan<char> text, ReadOnlySpan<char> word, int end) =>
        word[1..].Contains('@') && end + 1 < text.Length && text[end] == '.' && char.IsAsciiLetter(text[end + 1]);

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '@' or '$';

    internal static char LeetOf(char c) => c switch
    {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '@' => 'a',
        '$' => 's',
        _ => '\0',
    };

    /// <summary>Lower-case Cyrillic and Greek letters that render like a Latin letter, mapped to it; else '\0'.</summary>
    internal static char HomoglyphOf(char c) => c switch
    {
        'а' => 'a', 'в' => 'b', 'е' => 'e', 'ё' => 'e', 'к' => 'k', 'м' => 'm', 'н' => 'h', 'о' => 'o', 'р' => 'p',
        'с' => 'c', 'т' => 't', 'у' => 'y', 'х' => 'x', 'ѕ' => 's', 'і' => 'i', 'ї' => 'i', 'ј' => 'j', 'ԁ' => 'd',
        'ԛ' => 'q', 'ԝ' => 'w', 'һ' => 'h', 'ӏ' => 'l', 'ɡ' => 'g', 'ɑ' => 'a', 'ɩ' => 'i', 'ο' => 'o', 'α' => 'a',
        'ρ' => 'p', 'ν' => 'v', 'υ' => 'u', 'ι' => 'i', 'κ' => 'k', 'τ' => 't', 'ε' => 'e', 'χ' => 'x', 'β' => 'b',
        'η' => 'n', 'ϲ' => 'c', 'ѵ' => 'v', 'ɴ' => 'n', 'ʀ' => 'r', 'ꜱ' => 's', 'ᴛ' => 't', 'ᴇ' => 'e', 'ᴏ' => 'o',
        'ı' => 'i',
        _ => '\0',
    };

    /// <summary>
    /// Step 3: collapse blank runs to one space, line breaks to one '\n', join runs of at least four single
    /// letters separated by one separator ("i g n o r e", "i.g.n.o.r.e"; inside such a run a wider gap stays a
    /// space, so "i g n o r e  a l l" reads "ignore all"), and join words split by a hyphen or a dot ("i-nstruction",
    /// see <see cref="IsSplitInsideWord"/>). In place; returns the new length.
    /// </summary>
    internal static int CollapseSpacing(Span<char> text, ref NormalizationSignals signals)
    {
        int write = 0;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (IsSingleLetterAt(text, i))
            {
                int runEnd = SpacedRunEnd(text, i, out int letters);
                if (letters >= 4)
                {
                    signals.SpacedLetters++;
                    int k = i;
                    while (k < runEnd)
                    {
                        if (char.IsLetter(text[k]))
                        {
                            text[write++] = text[k++];
                            continue;
                        }

                        int gapStart = k;
                        while (k < runEnd && !char.IsLetter(text[k]))
                        {
                            k++;
                        }

                        if (k - gapStart >= 2)
                        {
                            text[write++] = ' ';
                        }
                    }

                    i = runEnd;
                    continue;
                }
            }

            if (c is '-' or '.' && IsSplitInsideWord(text, write, i))
            {
                i++; // "i-nstruction", "li-mitations", "i.nstruction": one word again
                continue;
            }

            if (c is ' ' or '\t' or '\f' or '\v')
            {
                if (write > 0 && text[write - 1] is not ' ' and not '\n')
                {
                    text[write++] = ' ';
                }

                i++;
                continue;
            }

            if (c is '\r' or '\n')
            {
                if (write > 0 && text[write - 1] == ' ')
                {
                    write--;
                }

                if (write > 0 && text[write - 1] != '\n')
                {
                    text[write++] = '\n';
                }

                i++;
                continue;
            }

            text[write++] = c;
            i++;
        }

        return write;
    }

    /// <summary>
    /// Is the '-' or '.' at <c>text[i]</c> a split inside a word? <paramref name="write"/> is the length already
    /// written: the left side is read from the output. See <see cref="IsWordSplit"/>.
    /// </summary>
    private static bool IsSplitInsideWord(ReadOnlySpan<char> text, int write, int i) =>
        IsWordSplit(write >= 2 ? text[write - 2] : '\0', write >= 1 ? text[write - 1] : '\0', text[i],
            i + 1 < text.Length ? text[i + 1] : '\0', i + 2 < text.Length ? text[i + 2] : '\0');

    /// <summary>
    /// Does <paramref name="c"/>, between these neighbours ('\0' where the text ends), split one word? A hyphen between
    /// two letters always does: joining "e-mail" or "co-operate" changes nothing a rule looks for, and rules are written
    /// without hyphens between letters. A dot only when a single letter stands on one side ("i.nstruction", "ignor.e"),
    /// so domains and file names keep theirs. The normaliser joins such words; the prefilter looks for keywords across
    /// them in raw text, by the same rule.
    /// </summary>
    internal static bool IsWordSplit(char beforeThat, char before, char c, char after, char afterThat)
    {
        if (c is not ('-' or '.' or '\u2010' or '\u2011') || !char.IsLetter(before) || !char.IsLetter(after))
        {
            return false;
        }

        return c != '.' || !char.IsLetterOrDigit(beforeThat) || !char.IsLetterOrDigit(afterThat);
    }

    /// <summary>A letter that stands alone: not preceded or followed by another letter or digit.</summary>
    private static bool IsSingleLetterAt(ReadOnlySpan<char> text, int i) =>
        char.IsAsciiLetterLower(text[i])
        && (i == 0 || !char.IsLetterOrDigit(text[i - 1]))
        && (i + 1 == text.Length || !char.IsLetterOrDigit(text[i + 1]));

    private static bool IsSpacedSeparator(char c) => c is ' ' or '.' or '-' or '_' or '*' or '|' or '/' or '+' or '~' or ';';

    /// <summary>End of a run "x s x s x ..." of single letters with 1..3 separator characters between them.</summary>
    private static int SpacedRunEnd(ReadOnlySpan<char> text, int start, out int letters)
    {
        letters = 1;
        int end = start + 1;
        int k = end;
        while (true)
        {
            int gap = 0;
            while (k < text.Length && gap <= 3 && IsSpacedSeparator(text[k]))
            {
                k++;
                gap++;
            }

            if (gap is 0 or > 3 || k >= text.Length || !IsSingleLetterAt(text, k))
            {
                return end;
            }

            letters++;
            k++;
            end = k;
        }
    }
}
