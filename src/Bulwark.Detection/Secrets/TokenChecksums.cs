namespace Bulwark.Detection.Secrets;

/// <summary>
/// Checksums carried by token formats that publish them. A token that fails its checksum is a look-alike, not a
/// credential.
/// </summary>
internal static class TokenChecksums
{
    private const string Base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Bech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    private static readonly uint[] Crc32Table = BuildCrc32Table();

    /// <summary>
    /// GitHub (ghp_/gho_/ghu_/ghs_/ghr_) and npm (npm_) tokens: 30 random base62 characters followed by the CRC-32
    /// (IEEE) of those 30 characters, base62-encoded (0-9A-Za-z) and left-padded with '0' to 6 characters.
    /// Documented in "Behind GitHub's new authentication token formats" (GitHub blog, 2021) and npm's 2021 token
    /// announcement.
    /// </summary>
    public static bool IsValidBase62Crc32(ReadOnlySpan<char> body)
    {
        if (body.Length != 36)
        {
            return false;
        }

        ulong encoded = 0;
        foreach (var c in body[30..])
        {
            var digit = Base62Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            encoded = (encoded * 62) + (uint)digit;
        }

        return encoded == Crc32(body[..30]);
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected, as zlib) over the low byte of each character (the input is ASCII).</summary>
    public static uint Crc32(ReadOnlySpan<char> ascii)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var c in ascii)
        {
            crc = Crc32Table[(crc ^ (byte)c) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>
    /// Bech32 (BIP-173) checksum of an upper- or lower-case string <c>hrp1data</c>, as age uses for
    /// <c>AGE-SECRET-KEY-1...</c>: the polymod over the expanded human-readable part and the data must equal 1.
    /// </summary>
    public static bool IsValidBech32(ReadOnlySpan<char> value)
    {
        var separator = value.LastIndexOf('1');
        if (separator < 1 || value.Length - separator - 1 < 6)
        {
            return false;
        }

        var hrp = value[..separator];
        uint chk = 1;
        foreach (var c in hrp)
        {
            chk = Bech32Step(chk) ^ (uint)(char.ToLowerInvariant(c) >> 5);
        }

        chk = Bech32Step(chk);
        foreach (var c in hrp)
        {
            chk = Bech32Step(chk) ^ (uint)(char.ToLowerInvariant(c) & 31);
        }

        foreach (var c in value[(separator + 1)..])
        {
            var v = Bech32Alphabet.IndexOf(char.ToLowerInvariant(c), StringComparison.Ordinal);
            if (v < 0)
            {
                return false;
            }

            chk = Bech32Step(chk) ^ (uint)v;
        }

        return chk == 1;
    }

    internal static uint Bech32Step(uint chk)
    {
        var top = chk >> 25;
        chk = (chk & 0x1FFFFFF) << 5;
        if ((top & 1) != 0)
        {
            chk ^= 0x3B6A57B2;
        }

        if ((top & 2) != 0)
        {
            chk ^= 0x26508E6D;
        }

        if ((top & 4) != 0)
        {
            chk ^= 0x1EA119FA;
        }

        if ((top & 8) != 0)
        {
            chk ^= 0x3D4233DD;
        }

        if ((top & 16) != 0)
        {
            chk ^= 0x2A1462B3;
        }

        return chk;
    }

    private static uint[] BuildCrc32Table()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
