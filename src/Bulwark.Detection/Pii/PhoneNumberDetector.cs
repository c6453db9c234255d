using Bulwark.Detection.Engine;

namespace Bulwark.Detection.Pii;

/// <summary>
/// PHONE_NUMBER: reads a run of digit groups (optional '+', parenthesised area codes, single separators from
/// <c>" -./"</c>, an "x123" extension) and scores it by shape. International form (+CC, 00CC) and national shapes of
/// the US/NANP, UK, DE, FR and Chinese mobiles (1[3-9]x) stand on their own; any other 7–15 digit grouping needs a
/// phone word nearby (phone, tel, call, 电话, 手机 …). Dates, IPv4 addresses, decimals and numbers after words such as
/// "order" or "invoice" are not phone numbers.
/// </summary>
public sealed class PhoneNumberDetector : IDetector
{
    private const int MaxGroups = 8;

    private static readonly string[] Context =
    [
        "phone", "tel", "tel.", "telephone", "mobile", "mob", "cell", "call", "fax", "desk", "office", "contact", "dial",
        "whatsapp", "sms", "text me", "message", "reach me", "landline", "hotline", "telefon", "handy", "rufnummer", "anrufen", "rufen",
        "téléphone", "tél", "portable", "电话", "手机", "联系", "致电", "打给", "号码", "座机", "传真", "热线", "微信",
    ];

    private static readonly string[] NegativeContext =
    [
        "order", "invoice", "tracking", "ticket", "ref", "reference", "isbn", "serial", "sku", "account", "acct",
        "version", "build", "订单", "单号", "发票", "快递", "版本", "编号", "账号",
    ];

    /// <inheritdoc />
    public string Name => "pii.phone";

    /// <inheritdoc />
    public IReadOnlyList<string> Entities { get; } = [EntityTypes.PhoneNumber];

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        Span<char> digits = stackalloc char[16];
        Span<int> groups = stackalloc int[MaxGroups];
        var i = 0;
        while (true)
        {
            var hit = text[i..].IndexOfAny(TextScan.Digits);
            if (hit < 0)
            {
                return;
            }

            var first = i + hit;
            var start = first;
            if (start > 0 && text[start - 1] == '(')
            {
                start--;
            }

            if (start > 0 && text[start - 1] == '+')
            {
                start--;
            }
            else if (start > 1 && text[start - 1] == ' ' && text[start - 2] == '+')
            {
                start -= 2;
            }

            var token = Read(text, start, digits, groups);
            i = Math.Max(token.End, TextScan.SkipDigits(text, first));
            if (token.Digits == 0 || !HasBoundaries(text, start, token.End))
            {
                continue;
            }

            var score = Score(text, start, token, digits[..token.Digits], groups[..token.Groups]);
            if (score > 0)
            {
                findings.Add(new Finding(EntityTypes.PhoneNumber, start, token.End, score, Name));
            }
        }
    }

    private static Token Read(ReadOnlySpan<char> text, int start, Span<char> digits, Span<int> groups)
    {
        var token = default(Token);
        var i = start;
        if (text[i] == '+')
        {
            token.Plus = true;
            i++;
            if (i < text.Length && text[i] == ' ')
            {
                i++;
            }
        }

        token.StartsWithParen = i < text.Length && text[i] == '(';
        var lastEnd = i;
        while (i < text.Length)
        {
            // One group: digits, or digits in parentheses.
            var paren = text[i] == '(';
            var j = paren ? i + 1 : i;
            var groupStart = j;
            while (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                if (token.Digits == digits.Length)
                {
                    return default;
                }

                digits[token.Digits++] = text[j];
                j++;
            }

            if (j == groupStart || (paren && (j >= text.Length || text[j] != ')')))
            {
                break;
            }

            if (token.Groups == MaxGroups)
            {
                return default;
            }

            groups[token.Groups++] = j - groupStart;
            if (paren)
            {
                j++;
                token.Parens++;
            }

            i = j;
            lastEnd = j;

            // Between groups: nothing after a ')', or one separator before the next digit or '('.
            if (i >= text.Length)
            {
                break;
            }

            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (paren && (char.IsAsciiDigit(c) || c == '('))
            {
                continue;
            }

            if ((c is ' ' or '-' or '.' or '/') && (char.IsAsciiDigit(next) || next == '('))
            {
                token.Separators |= c switch { ' ' => 1, '-' => 2, '.' => 4, _ => 8 };
                i++;
                continue;
            }

            break;
        }

        token.End = lastEnd;

        // Extension: "x123" or " ext. 123".
        var e = token.End;
        if (e < text.Length && text[e] is 'x' or 'X' && e + 1 < text.Length && char.IsAsciiDigit(text[e + 1]))
        {
            var x = TextScan.SkipDigits(text, e + 1);
            if (x - e <= 6)
            {
                token.End = x;
            }
        }

        if (token.Digits is < 7 or > 15)
        {
            return default;
        }

        return token;
    }

    private static bool HasBoundaries(ReadOnlySpan<char> text, int start, int end)
    {
        if (start > 0)
        {
            var before = text[start - 1];
            if (char.IsAsciiLetterOrDigit(before) || before is '.' or '-' or '_' or '/' or '#' or '$' or '€' or '£' or '¥' or '@' or '=' or '&' or '%')
            {
                return false;
            }
        }

        if (end < text.Length)
        {
            var after = text[end];
            if (char.IsAsciiLetterOrDigit(after) || after is '_' or '%' or '@')
            {
                return false;
            }

            if ((after is '.' or '-' or '/' or ',' or ':') && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]))
            {
                return false;
            }
        }

        return true;
    }

    private static double Score(ReadOnlySpan<char> text, int start, Token token, ReadOnlySpan<char> d, ReadOnlySpan<int> g)
    {
        if (LooksLikeDate(d, g, token) || LooksLikeIpOrDecimal(g, token))
        {
            return 0;
        }

        var context = TextScan.HasContext(text, start, token.End, 48, 24, Context);
        var negative = TextScan.HasContext(text, start, token.End, 20, 0, NegativeContext);
        if (negative && !context)
        {
            return 0;
        }

        // A loosely shaped number followed by a word is more often the start of a street address ("03262 2437 Main
        // St") or a quantity ("1200 500 units") than a phone number; the strict shapes below (NANP, FR, CN) are not.
        var end = token.End;
        var followedByWord = end + 1 < text.Length && text[end] == ' ' && char.IsAsciiLetter(text[end + 1]);

        var n = d.Length;
        var separated = g.Length > 1;

        // International: +CC or 00CC.
        if (token.Plus)
        {
            return n >= 8 && d[0] != '0' ? (context ? 1.0 : 0.9) : 0;
        }

        if (n >= 10 && d[0] == '0' && d[1] == '0' && d[2] != '0' && separated)
        {
            return context ? 0.95 : 0.7;
        }

        // NANP: (NXX) NXX-XXXX, NXX-NXX-XXXX, 1-NXX-NXX-XXXX.
        if (separated && IsNanp(d, g))
        {
            return context ? 0.95 : 0.75;
        }

        // China mobile: 1[3-9]X XXXX XXXX.
        if (n == 11 && d[0] == '1' && d[1] is >= '3' and <= '9' && (g.Length == 1 || g.SequenceEqual([3, 4, 4])))
        {
            return context ? 0.95 : 0.7;
        }

        if (d[0] == '0' && d[1] != '0' && separated)
        {
            // France: 0X XX XX XX XX.
            if (n == 10 && g.SequenceEqual([2, 2, 2, 2, 2]))
            {
                return context ? 0.95 : 0.8;
            }

            // UK (11 digits, 01/02/03/07/08/09) and Germany (area code of 3–5 digits with trunk 0, 9–12 digits).
            var uk = n == 11 && d[1] is '1' or '2' or '3' or '7' or '8' or '9' && g.Length <= 3;
            var de = n is >= 9 and <= 12 && g.Length <= 3 && g[0] is >= 3 and <= 5;
            if ((uk || de) && (context || !followedByWord))
            {
                return context ? 0.95 : 0.7;
            }

            // Other national numbers with a trunk 0 in three or more groups.
            if (n is >= 9 and <= 12 && g.Length >= 3 && (context || !followedByWord))
            {
                return context ? 0.9 : 0.6;
            }
        }

        if (token.StartsWithParen && token.Parens == 1 && n is >= 8 and <= 12 && g.Length >= 2 && (context || !followedByWord))
        {
            return context ? 0.9 : 0.6;
        }

        // Anything else only as the value of a phone word, and not as the number that starts a street address
        // ("17031 2202 Rissik St, office hours") unless a phone word follows it ("416 60 039 office").
        if (!context || negative)
        {
            return 0;
        }

        if (followedByWord && !TextScan.HasContext(text, end, end, 0, 12, Context))
        {
            return 0;
        }

        return 0.65;
    }

    private static bool IsNanp(ReadOnlySpan<char> d, ReadOnlySpan<int> g)
    {
        var offset = 0;
        if (d.Length == 11 && d[0] == '1' && g.Length == 4 && g[0] == 1)
        {
            offset = 1;
            g = g[1..];
        }
        else if (d.Length != 10)
        {
            return false;
        }

        var shaped = g.SequenceEqual([3, 3, 4]) || g.SequenceEqual([3, 7]);
        return shaped && d[offset] is >= '2' and <= '9' && d[offset + 3] is >= '2' and <= '9';
    }

    private static bool LooksLikeDate(ReadOnlySpan<char> d, ReadOnlySpan<int> g, Token token)
    {
        if (token.Plus || token.Parens > 0 || g.Length < 3)
        {
            return false;
        }

        // YYYY-MM-DD, DD-MM-YYYY / MM-DD-YYYY (also with '.' or '/'), possibly followed by a time.
        if (g[0] == 4 && g[1] <= 2 && g[2] <= 2)
        {
            return IsYear(d[..4]) && IsDayMonth(d.Slice(4, g[1]), d.Slice(4 + g[1], g[2]));
        }

        if (g[0] <= 2 && g[1] <= 2 && g[2] == 4)
        {
            return IsYear(d.Slice(g[0] + g[1], 4)) && IsDayMonth(d[..g[0]], d.Slice(g[0], g[1]));
        }

        // DD.MM.YY with dots or slashes.
        return g.Length == 3 && (token.Separators & (4 | 8)) != 0 && g[0] <= 2 && g[1] <= 2 && g[2] == 2;
    }

    private static bool LooksLikeIpOrDecimal(ReadOnlySpan<int> g, Token token)
    {
        if (token.Separators != 4 || token.Plus || token.Parens > 0)
        {
            return false;
        }

        // 1.2.3.4-style dotted quads and 12345.67-style decimals.
        return g.Length == 2 || (g.Length == 4 && g[0] <= 3 && g[1] <= 3 && g[2] <= 3 && g[3] <= 3 && !(g[0] == 2 && g[1] == 2 && g[2] == 2 && g[3] == 2));
    }

    private static bool IsYear(ReadOnlySpan<char> y) => y[0] == '1' && y[1] == '9' || y[0] == '2' && y[1] == '0';

    private static bool IsDayMonth(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var x = Number(a);
        var y = Number(b);
        return x >= 1 && y >= 1 && ((x <= 12 && y <= 31) || (y <= 12 && x <= 31));
    }

    private static int Number(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits)
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }

    private struct Token
    {
        public int End;
        public int Digits;
        public int Groups;
        public int Parens;
        public int Separators;
        public bool Plus;
        public bool StartsWithParen;
    }
}
