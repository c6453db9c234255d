using System.Text;

namespace Bulwark.Detection.Tests.Secrets;

/// <summary>
/// Builds realistic-looking but random (never live) tokens from a fixed seed, with valid checksums where the format
/// has one, so that tests do not need real keys in the repository.
/// </summary>
internal sealed class FakeTokens(int seed)
{
    public const string Base62Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Bech32Chars = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    private readonly Random _random = new(seed);

    public string From(string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[_random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    public string Base62(int length) => From(Base62Chars, length);

    public string Base64Url(int length) => From(Base62Chars + "-_", length);

    public string HexLower(int length) => From("0123456789abcdef", length);

    public string Upper32(int length) => From("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", length);

    /// <summary>GitHub/npm format: prefix + 30 random base62 + base62(CRC-32 of those 30), zero-padded to 6.</summary>
    public string WithBase62Crc(string prefix)
    {
        var random = Base62(30);
        return prefix + random + EncodeBase62Crc(random);
    }

    public static string EncodeBase62Crc(string random)
    {
        var crc = Crc32Of(random);
        var digits = new char[6];
        for (var i = 5; i >= 0; i--)
        {
            digits[i] = Base62Chars[(int)(crc % 62)];
            crc /= 62;
        }

        return new string(digits);
    }

    /// <summary>Reference CRC-32 (bitwise, independent of the detector's table-driven one).</summary>
    public static uint Crc32Of(string ascii)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in Encoding.ASCII.GetBytes(ascii))
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>An age secret key: bech32 with HRP "age-secret-key-", 52 data characters and a valid checksum, upper-cased.</summary>
    public string AgeSecretKey()
    {
        const string hrp = "age-secret-key-";
        var data = new int[52];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = _random.Next(32);
        }

        var values = new List<int>();
        values.AddRange(hrp.Select(c => c >> 5));
        values.Add(0);
        values.AddRange(hrp.Select(c => c & 31));
        values.AddRange(data);
        values.AddRange([0, 0, 0, 0, 0, 0]);
        var polymod = Polymod(values) ^ 1;
        var sb = new StringBuilder(hrp + "1");
        foreach (var d in data)
        {
            sb.Append(Bech32Chars[d]);
        }

        for (var i = 0; i < 6; i++)
        {
            sb.Append(Bech32Chars[(int)((polymod >> (5 * (5 - i))) & 31)]);
        }

        return sb.ToString().ToUpperInvariant();
    }

    private static uint Polymod(List<int> values)
    {
        uint[] gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3];
        uint chk = 1;
        foreach (var v in values)
        {
            var top = chk >> 25;
            chk = ((chk & 0x1FFFFFF) << 5) ^ (uint)v;
            for (var i = 0; i < 5; i++)
            {
                if (((top >> i) & 1) != 0)
                {
                    chk ^= gen[i];
                }
            }
        }

        return chk;
    }

    /// <summary>A JWT with the given header JSON and a random signature.</summary>
    public string Jwt(string headerJson = """{"alg":"HS256","typ":"JWT"}""", string payloadJson = """{"sub":"4242","name":"Ana","iat":1716239022}""") =>
        B64Url(headerJson) + "." + B64Url(payloadJson) + "." + Base64Url(43);

    public static string B64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public string PemBody(int lines)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < lines; i++)
        {
            sb.Append(From(Base62Chars + "+/", 64)).Append('\n');
        }

        return sb.ToString();
    }
}
