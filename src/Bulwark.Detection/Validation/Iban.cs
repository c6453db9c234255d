using System.Collections.Frozen;

namespace Bulwark.Detection.Validation;

/// <summary>International Bank Account Number rules: per-country length (SWIFT IBAN registry) and ISO 7064 MOD 97-10.</summary>
public static class Iban
{
    // Country code -> total IBAN length, from the SWIFT IBAN registry.
    private static readonly FrozenDictionary<int, int> Lengths = new Dictionary<int, int>
    {
        [Key("AD")] = 24, [Key("AE")] = 23, [Key("AL")] = 28, [Key("AT")] = 20, [Key("AZ")] = 28, [Key("BA")] = 20,
        [Key("BE")] = 16, [Key("BG")] = 22, [Key("BH")] = 22, [Key("BI")] = 27, [Key("BR")] = 29, [Key("BY")] = 28,
        [Key("CH")] = 21, [Key("CR")] = 22, [Key("CY")] = 28, [Key("CZ")] = 24, [Key("DE")] = 22, [Key("DJ")] = 27,
        [Key("DK")] = 18, [Key("DO")] = 28, [Key("EE")] = 20, [Key("EG")] = 29, [Key("ES")] = 24, [Key("FI")] = 18,
        [Key("FK")] = 18, [Key("FO")] = 18, [Key("FR")] = 27, [Key("GB")] = 22, [Key("GE")] = 22, [Key("GI")] = 23,
        [Key("GL")] = 18, [Key("GR")] = 27, [Key("GT")] = 28, [Key("HR")] = 21, [Key("HU")] = 28, [Key("IE")] = 22,
        [Key("IL")] = 23, [Key("IQ")] = 23, [Key("IS")] = 26, [Key("IT")] = 27, [Key("JO")] = 30, [Key("KW")] = 30,
        [Key("KZ")] = 20, [Key("LB")] = 28, [Key("LC")] = 32, [Key("LI")] = 21, [Key("LT")] = 20, [Key("LU")] = 20,
        [Key("LV")] = 21, [Key("LY")] = 25, [Key("MC")] = 27, [Key("MD")] = 24, [Key("ME")] = 22, [Key("MK")] = 19,
        [Key("MN")] = 20, [Key("MR")] = 27, [Key("MT")] = 31, [Key("MU")] = 30, [Key("NI")] = 28, [Key("NL")] = 18,
        [Key("NO")] = 15, [Key("OM")] = 23, [Key("PK")] = 24, [Key("PL")] = 28, [Key("PS")] = 29, [Key("PT")] = 25,
        [Key("QA")] = 29, [Key("RO")] = 24, [Key("RS")] = 22, [Key("RU")] = 33, [Key("SA")] = 24, [Key("SC")] = 31,
        [Key("SD")] = 18, [Key("SE")] = 24, [Key("SI")] = 19, [Key("SK")] = 24, [Key("SM")] = 27, [Key("SO")] = 23,
        [Key("ST")] = 25, [Key("SV")] = 28, [Key("TL")] = 23, [Key("TN")] = 24, [Key("TR")] = 26, [Key("UA")] = 29,
        [Key("VA")] = 22, [Key("VG")] = 24, [Key("XK")] = 20, [Key("YE")] = 30,
    }.ToFrozenDictionary();

    /// <summary>The IBAN length of the country whose ISO 3166 code starts <paramref name="countryCode"/> (case-insensitive), or 0.</summary>
    public static int LengthOf(ReadOnlySpan<char> countryCode)
    {
        if (countryCode.Length < 2 || !char.IsAsciiLetter(countryCode[0]) || !char.IsAsciiLetter(countryCode[1]))
        {
            return 0;
        }

        return Lengths.TryGetValue((char.ToUpperInvariant(countryCode[0]) << 8) | char.ToUpperInvariant(countryCode[1]), out var length)
            ? length
            : 0;
    }

    /// <summary>
    /// True when <paramref name="iban"/> (spaces allowed, case-insensitive) has a known country, that country's
    /// length, two check digits, an alphanumeric account part and a MOD 97-10 remainder of 1.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> iban)
    {
        Span<char> compact = stackalloc char[40];
        var n = 0;
        foreach (var c in iban)
        {
            if (c == ' ')
            {
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c) || n == compact.Length)
            {
                return false;
            }

            compact[n++] = c;
        }

        compact = compact[..n];
        return n >= 5
            && LengthOf(compact) == n
            && char.IsAsciiDigit(compact[2]) && char.IsAsciiDigit(compact[3])
            && Mod97(compact) == 1;
    }

    /// <summary>
    /// MOD 97-10 remainder of an alphanumeric IBAN in its checking order (the first four characters moved to the end,
    /// letters as 10..35). Expects ASCII letters and digits only.
    /// </summary>
    public static int Mod97(ReadOnlySpan<char> iban)
    {
        var remainder = 0;
        for (var i = 0; i < iban.Length; i++)
        {
            var c = iban[(i + 4) % iban.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else
            {
                var value = char.ToUpperInvariant(c) - 'A' + 10;
                remainder = ((remainder * 100) + value) % 97;
            }
        }

        return remainder;
    }

    private static int Key(string cc) => (cc[0] << 8) | cc[1];
}
