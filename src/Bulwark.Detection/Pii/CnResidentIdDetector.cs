using Bulwark.Detection.Engine;
using Bulwark.Detection.Validation;

namespace Bulwark.Detection.Pii;

/// <summary>
/// CN_RESIDENT_ID (GB 11643-1999): 18 characters — a province-level region code, the birth date YYYYMMDD (a real date
/// from 1900 to this year), a sequence number and an ISO 7064 MOD 11-2 check character ('X' for ten). The legacy
/// 15-digit form (YYMMDD, no check character) is reported only next to a context word such as 身份证.
/// </summary>
public sealed class CnResidentIdDetector : IDetector
{
    private static readonly string[] Context = ["身份证", "身份号", "证件号", "公民身份", "identity card", "id card", "id number", "id no", "resident id", "citizen id"];

    private static readonly int ThisYear = DateTime.UtcNow.Year;

    /// <inheritdoc />
    public string Name => "pii.cn_resident_id";

    /// <inheritdoc />
    public IReadOnlyList<string> Entities { get; } = [EntityTypes.CnResidentId];

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var i = 0;
        while (TextScan.NextDigitRun(text, ref i, out var start, out var end))
        {
            var run = end - start;
            if (run == 17 && end < text.Length && text[end] is 'X' or 'x')
            {
                end++;
            }

            if (!TextScan.IsBoundary(text, start - 1) || !TextScan.IsBoundary(text, end))
            {
                continue;
            }

            var value = text[start..end];
            if (value.Length == 18 && IsValid18(value))
            {
                var score = TextScan.HasContext(text, start, end, 32, 8, Context) ? 1.0 : 0.95;
                findings.Add(new Finding(EntityTypes.CnResidentId, start, end, score, Name));
                i = end;
            }
            else if (value.Length == 15 && IsValid15(value) && TextScan.HasContext(text, start, end, 32, 8, Context))
            {
                findings.Add(new Finding(EntityTypes.CnResidentId, start, end, 0.7, Name));
            }
        }
    }

    /// <summary>True when <paramref name="id"/> is a well-formed 18-character resident identity number.</summary>
    public static bool IsValid18(ReadOnlySpan<char> id) =>
        id.Length == 18
        && !id[..17].ContainsAnyExceptInRange('0', '9')
        && IsProvince(id[0], id[1])
        && IsDate(Number(id.Slice(6, 4)), Number(id.Slice(10, 2)), Number(id.Slice(12, 2)))
        && Iso7064.IsValidMod11_2(id);

    /// <summary>True when <paramref name="id"/> is a well-formed legacy 15-digit number (region, YYMMDD in the 1900s).</summary>
    public static bool IsValid15(ReadOnlySpan<char> id) =>
        id.Length == 15
        && !id.ContainsAnyExceptInRange('0', '9')
        && IsProvince(id[0], id[1])
        && IsDate(1900 + Number(id.Slice(6, 2)), Number(id.Slice(8, 2)), Number(id.Slice(10, 2)));

    // Province-level codes of GB/T 2260, plus 71/81/82/83 (Taiwan, Hong Kong, Macao residence permits).
    private static bool IsProvince(char a, char b)
    {
        var p = ((a - '0') * 10) + (b - '0');
        return p is (>= 11 and <= 15) or (>= 21 and <= 23) or (>= 31 and <= 37) or (>= 41 and <= 46)
            or (>= 50 and <= 54) or (>= 61 and <= 65) or 71 or 81 or 82 or 83;
    }

    private static bool IsDate(int year, int month, int day) =>
        year >= 1900 && year <= ThisYear && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    private static int Number(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits)
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }
}
