using Bulwark.Detection.Engine;
using Bulwark.Detection.Validation;

namespace Bulwark.Detection.Pii;

/// <summary>
/// CREDIT_CARD: 13–19 digits (Maestro 12–15 only next to a card word), contiguous or in groups split by one kind of separator (space or dash), that pass Luhn and
/// start with a known issuer prefix (IIN) at a length that issuer uses: Visa, Mastercard, Amex, Discover, Diners, JCB,
/// UnionPay (incl. 19-digit 62…), Maestro, Mir, RuPay, Troy, Verve.
/// </summary>
public sealed class CreditCardDetector : IDetector
{
    private static readonly string[] Context = ["card", "cc", "credit", "debit", "visa", "mastercard", "amex", "cvv", "expiry", "payment", "卡号", "信用卡", "银行卡", "借记卡"];

    /// <inheritdoc />
    public string Name => "pii.credit_card";

    /// <inheritdoc />
    public IReadOnlyList<string> Entities { get; } = [EntityTypes.CreditCard];

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Span<char> digits = stackalloc char[19];
        var i = 0;
        while (true)
        {
            var hit = text[i..].IndexOfAny(TextScan.Digits);
            if (hit < 0)
            {
                return;
            }

            var start = i + hit;
            var end = ReadNumber(text, start, digits, out var count, out var separated);
            i = Math.Max(end, TextScan.SkipDigits(text, start));
            if (count == 0 || !HasBoundaries(text, start, end))
            {
                continue;
            }

            var number = digits[..count];
            if (!Luhn.IsValid(number))
            {
                continue;
            }

            var context = TextScan.HasContext(text, start, end, 40, 20, Context);
            if (!IsKnownIssuer(number) && !(context && IsShortMaestro(number)))
            {
                continue;
            }

            var score = separated || context ? 1.0 : 0.9;
            findings.Add(new Finding(EntityTypes.CreditCard, start, end, score, Name));
        }
    }

    // Reads digits with at most one kind of single separator between groups; returns the end, or sets count 0 when the
    // run is not a 12–19 digit number.
    private static int ReadNumber(ReadOnlySpan<char> text, int start, Span<char> digits, out int count, out bool separated)
    {
        count = 0;
        separated = false;
        var separator = '\0';
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                if (count == digits.Length)
                {
                    count = 0;
                    return TextScan.SkipDigits(text, i);
                }

                digits[count++] = c;
                i++;
                continue;
            }

            if ((c is ' ' or '-') && (separator == '\0' || separator == c) && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                separator = c;
                separated = true;
                i++;
                continue;
            }

            break;
        }

        if (count < 12)
        {
            count = 0;
        }

        return i;
    }

    private static bool HasBoundaries(ReadOnlySpan<char> text, int start, int end)
    {
        if (start > 0)
        {
            var before = text[start - 1];
            if (char.IsAsciiLetterOrDigit(before) || before is '.' or '-' or '_' or '/' or '#')
            {
                return false;
            }
        }

        if (end < text.Length)
        {
            var after = text[end];
            if (char.IsAsciiLetterOrDigit(after) || after == '_')
            {
                return false;
            }

            if ((after is '.' or '-' or ',' or '/') && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsKnownIssuer(ReadOnlySpan<char> d)
    {
        var n = d.Length;
        var p2 = Prefix(d, 2);
        var p3 = Prefix(d, 3);
        var p4 = Prefix(d, 4);
        var p6 = Prefix(d, 6);
        return d[0] switch
        {
            '1' => p4 == 1800 && n == 15,
            '2' => (p4 == 2131 && n == 15)
                || (p4 is >= 2221 and <= 2720 && n == 16)
                || (p4 is >= 2200 and <= 2204 && n is >= 16 and <= 19),
            '3' => (p2 is 34 or 37 && n == 15)
                || (p3 is >= 300 and <= 305 && n is >= 14 and <= 19)
                || (p2 is 36 or 38 or 39 && n is >= 14 and <= 19)
                || (p2 == 35 && n is >= 16 and <= 19),
            '4' => n is 13 or 16 or 19,
            '5' => (p2 is >= 51 and <= 55 && n == 16)
                || (p4 is 5018 or 5020 or 5038 or 5893 && n is >= 16 and <= 19)
                || (p2 is 50 or 56 or 57 or 58 && n is >= 16 and <= 19)
                || (p6 is >= 506099 and <= 506198 && n is 16 or 19),
            '6' => (p4 is 6304 or 6759 or 6761 or 6762 or 6763 && n is >= 16 and <= 19)
                || (p4 == 6011 && n is >= 16 and <= 19)
                || (p3 is >= 644 and <= 649 && n is >= 16 and <= 19)
                || (p2 is 60 or 62 or 65 && n is >= 16 and <= 19)
                || (p3 is >= 637 and <= 639 && n == 16)
                || (p2 == 67 && n is >= 16 and <= 19),
            '8' => p2 is 81 or 82 && n is >= 16 and <= 19,
            '9' => p4 == 9792 && n == 16,
            _ => false,
        };
    }

    // Maestro also issues 12–15 digit numbers under broad prefixes; those read like any order number, so they need a
    // card word nearby.
    private static bool IsShortMaestro(ReadOnlySpan<char> d) =>
        d.Length is >= 12 and <= 15
        && (Prefix(d, 2) is 50 or 56 or 57 or 58 || Prefix(d, 4) is 604 or 6304 or 6390 or 6759 or 6761 or 6762 or 6763);

    private static int Prefix(ReadOnlySpan<char> digits, int length)
    {
        var value = 0;
        for (var i = 0; i < length && i < digits.Length; i++)
        {
            value = (value * 10) + (digits[i] - '0');
        }

        return value;
    }
}
