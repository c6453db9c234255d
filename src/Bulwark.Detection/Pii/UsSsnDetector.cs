using Bulwark.Detection.Engine;

namespace Bulwark.Detection.Pii;

/// <summary>
/// US_SSN: <c>AAA-GG-SSSS</c> or <c>AAA GG SSSS</c>; nine bare digits only next to a context word ("SSN", "social
/// security"). Area 000, 666 and 900–999, group 00, serial 0000, one repeated digit and the publicised numbers
/// (078-05-1120, 219-09-9999, 123-45-6789) are rejected.
/// </summary>
public sealed class UsSsnDetector : IDetector
{
    private static readonly string[] Context = ["ssn", "social security", "social sec", "ss#", "ss #", "taxpayer", "tin", "社会安全号", "社保号"];

    /// <inheritdoc />
    public string Name => "pii.us_ssn";

    /// <inheritdoc />
    public IReadOnlyList<string> Entities { get; } = [EntityTypes.UsSsn];

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var i = 0;
        while (TextScan.NextDigitRun(text, ref i, out var start, out _))
        {
            if (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '-' or '.' or '/' or '#' or '_' or '+'))
            {
                continue;
            }

            int end;
            bool bare;
            var run = i - start;
            if (run == 3 && i + 8 <= text.Length && text[i] is '-' or ' ' && text[i + 3] == text[i]
                && IsDigits(text.Slice(i + 1, 2)) && IsDigits(text.Slice(i + 4, 4)))
            {
                end = i + 8;
                bare = false;
            }
            else if (run == 9)
            {
                end = i;
                bare = true;
            }
            else
            {
                continue;
            }

            if (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || ((text[end] is '-' or '.' or '/') && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]))))
            {
                continue;
            }

            var value = text[start..end];
            if (!IsValid(value))
            {
                continue;
            }

            var context = TextScan.HasContext(text, start, end, 48, 16, Context);
            if (bare && !context)
            {
                continue;
            }

            i = end;
            findings.Add(new Finding(EntityTypes.UsSsn, start, end, bare ? 0.8 : context ? 1.0 : 0.85, Name));
        }
    }

    /// <summary>True when <paramref name="ssn"/> (nine digits, optionally as AAA-GG-SSSS or AAA GG SSSS) could be issued.</summary>
    internal static bool IsValid(ReadOnlySpan<char> ssn)
    {
        Span<char> d = stackalloc char[9];
        var n = 0;
        foreach (var c in ssn)
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == 9)
                {
                    return false;
                }

                d[n++] = c;
            }
        }

        if (n != 9)
        {
            return false;
        }

        var area = ((d[0] - '0') * 100) + ((d[1] - '0') * 10) + (d[2] - '0');
        if (area == 0 || area == 666 || area >= 900 || (d[3] == '0' && d[4] == '0') || d[5..].SequenceEqual("0000"))
        {
            return false;
        }

        if (!d.ContainsAnyExcept(d[0]))
        {
            return false;
        }

        return !d.SequenceEqual("078051120") && !d.SequenceEqual("219099999") && !d.SequenceEqual("123456789");
    }

    private static bool IsDigits(ReadOnlySpan<char> s) => !s.ContainsAnyExceptInRange('0', '9');
}
