using System.Buffers;
using Bulwark.Detection.Engine;

namespace Bulwark.Detection.Pii;

/// <summary>
/// IP_ADDRESS: dotted IPv4 (four octets 0–255, no leading zeros, not part of a longer dotted number and not after a
/// word such as "version") and IPv6 (eight groups, or compressed with one "::", optionally ending in dotted IPv4).
/// </summary>
public sealed class IpAddressDetector : IDetector
{
    private static readonly SearchValues<char> Anchors = SearchValues.Create("0123456789:");
    private static readonly SearchValues<char> Ipv6Chars = SearchValues.Create("0123456789abcdefABCDEF:.");
    private static readonly string[] VersionContext = ["version", "ver.", "release", "build", "firmware", "sdk", "package", "patch", "update", "upgrade", "版本", "补丁", "更新"];

    /// <inheritdoc />
    public string Name => "pii.ip_address";

    /// <inheritdoc />
    public IReadOnlyList<string> Entities { get; } = [EntityTypes.IpAddress];

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var i = 0;
        while (true)
        {
            var hit = text[i..].IndexOfAny(Anchors);
            if (hit < 0)
            {
                return;
            }

            var at = i + hit;
            if (text[at] == ':')
            {
                i = at + 1;
                if (TryIpv6(text, at, out var s6, out var e6))
                {
                    findings.Add(new Finding(EntityTypes.IpAddress, s6, e6, 0.9, Name));
                    i = e6;
                }

                continue;
            }

            i = TextScan.SkipDigits(text, at);
            if (TryIpv4(text, at, out var e4))
            {
                findings.Add(new Finding(EntityTypes.IpAddress, at, e4, 0.9, Name));
                i = e4;
            }
        }
    }

    private static bool TryIpv4(ReadOnlySpan<char> text, int start, out int end)
    {
        end = start;
        if (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '.' or '_' or '-'))
        {
            return false;
        }

        var i = start;
        for (var octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (i >= text.Length || text[i] != '.')
                {
                    return false;
                }

                i++;
            }

            var digitsStart = i;
            var value = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]) && i - digitsStart < 4)
            {
                value = (value * 10) + (text[i] - '0');
                i++;
            }

            var length = i - digitsStart;
            if (length == 0 || length > 3 || value > 255 || (length > 1 && text[digitsStart] == '0'))
            {
                return false;
            }
        }

        // Not a longer dotted number (OIDs, four-part versions followed by more) and not glued to a word.
        if (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' || (text[i] is '.' or '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))))
        {
            return false;
        }

        if (TextScan.HasContext(text, start, i, 24, 0, VersionContext))
        {
            return false;
        }

        end = i;
        return true;
    }

    private static bool TryIpv6(ReadOnlySpan<char> text, int colon, out int start, out int end)
    {
        start = colon;
        end = colon;
        var leftOk = colon > 0 && Ipv6Chars.Contains(text[colon - 1]) && text[colon - 1] != '.';
        var rightOk = colon + 1 < text.Length && Ipv6Chars.Contains(text[colon + 1]) && text[colon + 1] != '.';
        if (!leftOk && !rightOk)
        {
            return false;
        }

        var s = colon;
        while (s > 0 && colon - s < 40 && Ipv6Chars.Contains(text[s - 1]) && text[s - 1] != '.')
        {
            s--;
        }

        var e = colon;
        while (e < text.Length && e - s < 46 && Ipv6Chars.Contains(text[e]))
        {
            e++;
        }

        // Trailing sentence punctuation is not part of the address.
        while (e > colon + 1 && text[e - 1] == '.')
        {
            e--;
        }

        if (e > colon + 1 && text[e - 1] == ':' && text[e - 2] != ':')
        {
            e--;
        }

        if (!TextScan.IsBoundary(text, s - 1) || !TextScan.IsBoundary(text, e) || (s > 0 && text[s - 1] == ':'))
        {
            return false;
        }

        if (!IsIpv6(text[s..e]))
        {
            return false;
        }

        start = s;
        end = e;
        return true;
    }

    internal static bool IsIpv6(ReadOnlySpan<char> value)
    {
        var groups = 0;
        var compressed = false;
        var hasDigit = false;
        var i = 0;
        if (value.StartsWith("::"))
        {
            compressed = true;
            i = 2;
        }

        while (i < value.Length)
        {
            var groupStart = i;
            while (i < value.Length && char.IsAsciiHexDigit(value[i]) && i - groupStart < 5)
            {
                hasDigit |= char.IsAsciiDigit(value[i]);
                i++;
            }

            var length = i - groupStart;
            if (i < value.Length && value[i] == '.')
            {
                // Embedded IPv4 at the end takes two groups.
                if (!IsDottedQuad(value[groupStart..]))
                {
                    return false;
                }

                groups += 2;
                hasDigit = true;
                i = value.Length;
                break;
            }

            if (length is 0 or > 4)
            {
                return false;
            }

            groups++;
            if (i == value.Length)
            {
                break;
            }

            if (value[i] != ':')
            {
                return false;
            }

            i++;
            if (i < value.Length && value[i] == ':')
            {
                if (compressed)
                {
                    return false;
                }

                compressed = true;
                i++;
            }
            else if (i == value.Length)
            {
                return false;
            }
        }

        return hasDigit && (compressed ? groups is >= 2 and <= 7 : groups == 8);
    }

    private static bool IsDottedQuad(ReadOnlySpan<char> value)
    {
        var parts = 0;
        foreach (var range in value.Split('.'))
        {
            var part = value[range];
            if (part.IsEmpty || part.Length > 3 || part.ContainsAnyExceptInRange('0', '9') || int.Parse(part, provider: null) > 255)
            {
                return false;
            }

            parts++;
        }

        return parts == 4;
    }
}
