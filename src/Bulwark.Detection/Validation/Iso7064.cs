namespace Bulwark.Detection.Validation;

/// <summary>ISO/IEC 7064 check character systems.</summary>
public static class Iso7064
{
    /// <summary>
    /// The MOD 11-2 check character of <paramref name="digits"/> ('0'..'9' or 'X'), as used by the Chinese resident
    /// identity number (GB 11643-1999). Throws when <paramref name="digits"/> holds a non-digit.
    /// </summary>
    public static char Mod11_2CheckChar(ReadOnlySpan<char> digits)
    {
        var p = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                throw new ArgumentException("MOD 11-2 is defined over digits only.", nameof(digits));
            }

            p = ((p + (c - '0')) * 2) % 11;
        }

        var check = (12 - p) % 11;
        return check == 10 ? 'X' : (char)('0' + check);
    }

    /// <summary>
    /// True when the last character of <paramref name="value"/> is the MOD 11-2 check character of the digits before
    /// it ('x' is accepted for 'X').
    /// </summary>
    public static bool IsValidMod11_2(ReadOnlySpan<char> value)
    {
        if (value.Length < 2)
        {
            return false;
        }

        var payload = value[..^1];
        foreach (var c in payload)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return char.ToUpperInvariant(value[^1]) == Mod11_2CheckChar(payload);
    }
}
