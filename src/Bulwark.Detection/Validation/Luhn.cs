namespace Bulwark.Detection.Validation;

/// <summary>The Luhn (mod 10) check used by payment card numbers.</summary>
public static class Luhn
{
    /// <summary>
    /// True when the digits of <paramref name="number"/> pass the Luhn check. Spaces and dashes are ignored; any other
    /// character, or fewer than two digits, fails.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> number)
    {
        var sum = 0;
        var digits = 0;
        for (var i = number.Length - 1; i >= 0; i--)
        {
            var c = number[i];
            if (c is ' ' or '-')
            {
                continue;
            }

            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            var d = c - '0';
            if ((digits & 1) == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            digits++;
        }

        return digits >= 2 && sum % 10 == 0;
    }

    /// <summary>The check digit that makes <paramref name="payload"/> followed by it pass <see cref="IsValid"/>.</summary>
    public static char ComputeCheckDigit(ReadOnlySpan<char> payload)
    {
        var sum = 0;
        var position = 0;
        for (var i = payload.Length - 1; i >= 0; i--)
        {
            var c = payload[i];
            if (c is ' ' or '-')
            {
                continue;
            }

            if (!char.IsAsciiDigit(c))
            {
                throw new ArgumentException("The payload may hold only digits, spaces and dashes.", nameof(payload));
            }

            var d = c - '0';
            if ((position & 1) == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            position++;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }
}
