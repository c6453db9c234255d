using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Bulwark.Detection.Injection;

/// <summary>
/// Decodes payloads an attacker hides instructions in: base64 (standard and URL-safe, padding optional), hex and
/// ROT13. Decoders write into caller-provided buffers and return how much they wrote; nothing here allocates.
/// </summary>
internal static class PayloadDecoder
{
    /// <summary>Shortest base64 run worth decoding: 24 characters carry 18 bytes, about three words.</summary>
    public const int MinBase64Run = 24;

    /// <summary>Shortest hex run worth decoding: 32 digits carry 16 bytes.</summary>
    public const int MinHexRun = 32;

    public static bool IsBase64Char(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '-' or '_' or '=';

    /// <summary>
    /// Decodes a base64 run into UTF-8 text in <paramref name="destination"/>. Returns the number of characters
    /// written, or 0 when the run is not base64 or does not decode to mostly printable text.
    /// </summary>
    public static int TryDecodeBase64(ReadOnlySpan<char> run, Span<char> destination)
    {
        run = run.TrimEnd('=');
        if (run.Length < MinBase64Run)
        {
            return 0;
        }

        int padded = (run.Length + 3) / 4 * 4;
        byte[] ascii = ArrayPool<byte>.Shared.Rent(padded);
        try
        {
            for (int i = 0; i < run.Length; i++)
            {
                char c = run[i];
                ascii[i] = (byte)(c switch { '-' => '+', '_' => '/', _ => c });
            }

            for (int i = run.Length; i < padded; i++)
            {
                ascii[i] = (byte)'=';
            }

            if (padded - run.Length == 3)
            {
                return 0; // one dangling character is never valid base64
            }

            Span<byte> bytes = ascii.AsSpan(0, padded);
            OperationStatus status = Base64.DecodeFromUtf8InPlace(bytes, out int decoded);
            return status == OperationStatus.Done ? ToPrintableText(bytes[..decoded], destination) : 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ascii);
        }
    }

    /// <summary>Decodes a run of hex digits (even length) into text; 0 when it is not mostly printable text.</summary>
    public static int TryDecodeHex(ReadOnlySpan<char> run, Span<char> destination)
    {
        int byteCount = run.Length / 2;
        if (byteCount * 2 < MinHexRun)
        {
            return 0;
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            for (int i = 0; i < byteCount; i++)
            {
                int high = HexValue(run[2 * i]);
                int low = HexValue(run[(2 * i) + 1]);
                if (high < 0 || low < 0)
                {
                    return 0;
                }

                bytes[i] = (byte)((high << 4) | low);
            }

            return ToPrintableText(bytes.AsSpan(0, byteCount), destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>ROT13 of ASCII letters; everything else is copied. <paramref name="destination"/> may alias the source.</summary>
    public static void Rot13(ReadOnlySpan<char> source, Span<char> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            destination[i] = c switch
            {
                >= 'a' and <= 'z' => (char)('a' + ((c - 'a' + 13) % 26)),
                >= 'A' and <= 'Z' => (char)('A' + ((c - 'A' + 13) % 26)),
                _ => c,
            };
        }
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>UTF-8 bytes to chars when at least 90% of them are printable; 0 otherwise (binary, keys, hashes).</summary>
    private static int ToPrintableText(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        if (bytes.IsEmpty || Encoding.UTF8.GetCharCount(bytes) > destination.Length)
        {
            return 0;
        }

        int chars = Encoding.UTF8.GetChars(bytes, destination);
        int printable = 0;
        int letters = 0;
        foreach (char c in destination[..chars])
        {
            if (c == '\uFFFD' || (char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            {
                continue;
            }

            printable++;
            if (char.IsLetter(c))
            {
                letters++;
            }
        }

        return printable * 10 >= chars * 9 && letters * 2 >= chars ? chars : 0;
    }

    /// <summary>
    /// Finds the next run of at least <see cref="MinBase64Run"/> base64 characters at or after
    /// <paramref name="position"/>, which must follow a non-base64 character or the start. Probes one character per
    /// run length: when the probe is not base64, no long run can start before it, so prose is skipped ~24 characters
    /// at a time. On success the run is [<paramref name="start"/>, <paramref name="position"/>).
    /// </summary>
    internal static bool NextLongRun(ReadOnlySpan<char> text, ref int position, out int start)
    {
        const int Min = MinBase64Run;
        int i = position;
        while (i + Min <= text.Length)
        {
            int probe = i + Min - 1;
            if (!IsBase64Char(text[probe]))
            {
                i = probe + 1;
                continue;
            }

            int first = probe;
            while (first > i && IsBase64Char(text[first - 1]))
            {
                first--;
            }

            int end = probe + 1;
            while (end < text.Length && IsBase64Char(text[end]))
            {
                end++;
            }

            if (end - first >= Min)
            {
                start = first;
                position = end;
                return true;
            }

            i = end + 1;
        }

        start = text.Length;
        position = text.Length;
        return false;
    }
}
