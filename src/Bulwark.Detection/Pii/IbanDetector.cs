using Bulwark.Detection.Engine;
using Bulwark.Detection.Validation;

namespace Bulwark.Detection.Pii;

/// <summary>
/// IBAN_CODE: a known country code, two check digits and the account part, written compact or in groups of four split
/// by single spaces; the length must be that country's IBAN length and the MOD 97-10 remainder 1.
/// </summary>
public sealed class IbanDetector : IDetector
{
    /// <inheritdoc />
    public string Name => "pii.iban";

    /// <inheritdoc />
    public IReadOnlyList<string> Entities { get; } = [EntityTypes.IbanCode];

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Span<char> compact = stackalloc char[34];
        var i = 2;
        while (i < text.Length)
        {
            var hit = text[i..].IndexOfAny(TextScan.Digits);
            if (hit < 0)
            {
                return;
            }

            var at = i + hit;
            i = TextScan.SkipDigits(text, at);
            var start = at - 2;
            if (start < 0 || !TextScan.IsBoundary(text, start - 1) || at + 1 >= text.Length || !char.IsAsciiDigit(text[at + 1]))
            {
                continue;
            }

            // Country code and check digits in one letter case; the account part may mix letters and digits.
            var length = Iban.LengthOf(text[start..]);
            if (length == 0 || char.IsAsciiLetterUpper(text[start]) != char.IsAsciiLetterUpper(text[start + 1]))
            {
                continue;
            }

            var end = Read(text, start, length, compact);
            if (end > 0 && Iban.Mod97(compact[..length]) == 1)
            {
                findings.Add(new Finding(EntityTypes.IbanCode, start, end, 1.0, Name));
                i = end;
            }
        }
    }

    // Copies exactly `length` letters and digits into `compact`, allowing one space after each group of four;
    // returns the end offset, or 0 when the text does not hold an IBAN of that length there.
    private static int Read(ReadOnlySpan<char> text, int start, int length, Span<char> compact)
    {
        var n = 0;
        var i = start;
        while (n < length && i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                compact[n++] = c;
                i++;
            }
            else if (c == ' ' && n % 4 == 0 && n > 0 && i + 1 < text.Length && char.IsAsciiLetterOrDigit(text[i + 1]))
            {
                i++;
            }
            else
            {
                return 0;
            }
        }

        return n == length && TextScan.IsBoundary(text, i) ? i : 0;
    }
}
