namespace Bulwark.Detection.Secrets;

/// <summary>Character sets a token body may be drawn from.</summary>
internal enum Charset : byte
{
    /// <summary>[A-Za-z0-9]</summary>
    Base62,

    /// <summary>[A-Za-z0-9_-] (base64url, most vendor tokens).</summary>
    Base62Dash,

    /// <summary>[A-Za-z0-9_.-]</summary>
    Base62DashDot,

    /// <summary>[A-Za-z0-9+/=_] (base64 with padding; Sentry org tokens mix in '_').</summary>
    Base64,

    /// <summary>[A-Za-z0-9_=-] (base64url with padding).</summary>
    Base64Url,

    /// <summary>[0-9a-fA-F]</summary>
    Hex,

    /// <summary>[0-9a-f]</summary>
    HexLower,

    /// <summary>[0-9a-fA-F-]</summary>
    HexDash,

    /// <summary>[A-Z0-9]</summary>
    UpperAlnum,

    /// <summary>[A-Za-z]</summary>
    Letters,
}

/// <summary>
/// Allocation-free checks over candidate values: character classes, Shannon entropy, and the placeholder /
/// documented-example filters that turn look-alikes into non-findings.
/// </summary>
internal static class SecretText
{
    public static bool InCharset(char c, Charset set) => set switch
    {
        Charset.Base62 => char.IsAsciiLetterOrDigit(c),
        Charset.Base62Dash => char.IsAsciiLetterOrDigit(c) || c is '_' or '-',
        Charset.Base62DashDot => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.',
        Charset.Base64 => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '_',
        Charset.Base64Url => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '=',
        Charset.Hex => char.IsAsciiHexDigit(c),
        Charset.HexLower => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c),
        Charset.HexDash => char.IsAsciiHexDigit(c) || c == '-',
        Charset.UpperAlnum => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c),
        Charset.Letters => char.IsAsciiLetter(c),
        _ => false,
    };

    /// <summary>Length of the run of <paramref name="set"/> characters starting at <paramref name="start"/>, capped at <paramref name="cap"/>.</summary>
    public static int RunLength(ReadOnlySpan<char> text, int start, Charset set, int cap)
    {
        var end = Math.Min(text.Length, start + cap);
        var i = start;
        while (i < end && InCharset(text[i], set))
        {
            i++;
        }

        return i - start;
    }

    /// <summary>True when the character can continue an identifier or token, so a match touching it is inside a longer word.</summary>
    public static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    public static bool HasLeftBoundary(ReadOnlySpan<char> text, int start) => start == 0 || !IsWordChar(text[start - 1]);

    public static bool HasRightBoundary(ReadOnlySpan<char> text, int end) => end >= text.Length || !IsWordChar(text[end]);

    /// <summary>Shannon entropy in bits per character. Non-ASCII characters share one bucket.</summary>
    public static double Entropy(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        Span<int> counts = stackalloc int[128];
        counts.Clear();
        foreach (var c in value)
        {
            counts[c < 128 ? c : 127]++;
        }

        double entropy = 0;
        double length = value.Length;
        foreach (var n in counts)
        {
            if (n > 0)
            {
                var p = n / length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }

    /// <summary>How many of lower case, upper case, digit and other characters occur.</summary>
    public static int CharClasses(ReadOnlySpan<char> value, out int digits)
    {
        bool lower = false, upper = false, other = false;
        digits = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiLetterLower(c))
            {
                lower = true;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                upper = true;
            }
            else if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else
            {
                other = true;
            }
        }

        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digits > 0 ? 1 : 0) + (other ? 1 : 0);
    }

    /// <summary>
    /// Structural placeholder signs that no random token carries: masks (<c>xxxx</c>, <c>****</c>, <c>...</c>),
    /// template syntax (<c>${VAR}</c>, <c>{{token}}</c>, <c>&lt;your-key&gt;</c>), words such as "your", "example",
    /// "redacted", a character repeated five times, or an ascending run of six (<c>abcdef</c>, <c>123456</c>).
    /// </summary>
    public static bool LooksLikePlaceholderToken(ReadOnlySpan<char> value)
    {
        if (value.ContainsAny(TemplateChars) || value.IndexOfAny(TokenPlaceholderWords) >= 0)
        {
            return true;
        }

        int same = 1, ascending = 1;
        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            var prev = value[i - 1];
            same = c == prev ? same + 1 : 1;
            ascending = c == prev + 1 && char.IsAsciiLetterOrDigit(c) ? ascending + 1 : 1;
            if (same >= 5 || ascending >= 6)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Placeholder test for free-form values (passwords, generic secrets): everything
    /// <see cref="LooksLikePlaceholderToken"/> rejects, plus words a human puts where a secret should go
    /// ("changeme", "password", "dummy", "null", "env") and references to where the secret really lives.
    /// </summary>
    public static bool LooksLikePlaceholderValue(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || LooksLikePlaceholderToken(value) || value.IndexOfAny(ValuePlaceholderWords) >= 0)
        {
            return true;
        }

        var first = value[0];
        if (first is '$' or '%' or '@' or '#' or '&' or '*' or '(' or '[' or '{' or ':' or '/' or '\\')
        {
            return true; // $VAR, %VAR%, @Microsoft.KeyVault(...), *** masks, file paths
        }

        return value.Contains('(') || IsDottedReference(value);
    }

    /// <summary>True for <c>os.environ.get</c>, <c>settings.API_KEY</c>, <c>config.secret</c>: code that names a secret instead of holding one.</summary>
    private static bool IsDottedReference(ReadOnlySpan<char> value)
    {
        if (!value.Contains('.'))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetter(c) || c is '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Keys published in vendor documentation (AWS <c>...EXAMPLE</c> keys, Stripe's docs test keys, the jwt.io sample
    /// signature). They are public, so they are not findings wherever they appear.
    /// </summary>
    public static bool IsDocumentedExample(ReadOnlySpan<char> value) =>
        value.Contains("EXAMPLE", StringComparison.Ordinal) || value.IndexOfAny(DocumentedExamples) >= 0;

    private static readonly System.Buffers.SearchValues<string> DocumentedExamples = System.Buffers.SearchValues.Create(
        ["4eC39HqLyjWDarjtT1zdp7dc", "BQokikJOvBiI2HlWgH4olfQ2", "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"],
        StringComparison.Ordinal);

    /// <summary>8-4-4-4-12 hex with dashes.</summary>
    public static bool IsUuid(ReadOnlySpan<char> value)
    {
        if (value.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < 36; i++)
        {
            var dash = i is 8 or 13 or 18 or 23;
            if (dash ? value[i] != '-' : !char.IsAsciiHexDigit(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsAll(ReadOnlySpan<char> value, Charset set)
    {
        foreach (var c in value)
        {
            if (!InCharset(c, set))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Entropy floor for a random token body of this length: short bodies cannot reach high per-character entropy.</summary>
    public static bool HasTokenEntropy(ReadOnlySpan<char> body) =>
        Entropy(body) >= (body.Length >= 16 ? 3.0 : 2.5);

    private static readonly System.Buffers.SearchValues<char> TemplateChars =
        System.Buffers.SearchValues.Create("<>{}*…$");

    private static readonly System.Buffers.SearchValues<string> TokenPlaceholderWords = System.Buffers.SearchValues.Create(
        ["xxxx", "...", "your", "example", "placeholder", "redacted", "dummy", "sample", "insert", "replace"],
        StringComparison.OrdinalIgnoreCase);

    private static readonly System.Buffers.SearchValues<string> ValuePlaceholderWords = System.Buffers.SearchValues.Create(
        ["xxx", "changeme", "change_me", "change-me", "password", "passwd", "secret", "token", "apikey", "api_key",
         "here", "fake", "todo", "null", "none", "undefined", "true", "false", "env", "123456", "qwerty", "abcdef",
         "foobar", "hunter2"],
        StringComparison.OrdinalIgnoreCase);
}
