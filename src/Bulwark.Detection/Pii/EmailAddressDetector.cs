using System.Buffers;

namespace Bulwark.Detection.Pii;

/// <summary>
/// EMAIL_ADDRESS: anchored on '@', then a bounded walk over the local part and the domain. The domain needs a dot and a
/// letters-only top-level label; file names such as <c>icon@2x.png</c> and scoped packages such as <c>@scope/pkg</c> are
/// not addresses.
/// </summary>
public sealed class EmailAddressDetector : IDetector
{
    private const int MaxLocal = 64;
    private const int MaxDomain = 253;

    private static readonly SearchValues<char> LocalChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-");

    private static readonly SearchValues<char> AsciiLetters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private static readonly string[] FileExtensions =
        ["png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "css", "js", "ts", "json", "txt", "pdf", "zip", "gz", "exe", "dll"];

    /// <inheritdoc />
    public string Name => "pii.email";

    /// <inheritdoc />
    public IReadOnlyList<string> Entities { get; } = [EntityTypes.EmailAddress];

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var from = 0;
        while (from < text.Length)
        {
            var hit = text[from..].IndexOf('@');
            if (hit < 0)
            {
                return;
            }

            var at = from + hit;
            from = at + 1;
            if (TryMatch(text, at, out var start, out var end))
            {
                findings.Add(new Finding(EntityTypes.EmailAddress, start, end, 1.0, Name));
                from = end;
            }
        }
    }

    private static bool TryMatch(ReadOnlySpan<char> text, int at, out int start, out int end)
    {
        start = at;
        end = at;

        // Local part: walk left, then drop leading dots and punctuation a sentence would put before an address.
        var s = at;
        while (s > 0 && at - s < MaxLocal && LocalChars.Contains(text[s - 1]))
        {
            s--;
        }

        while (s < at && !char.IsAsciiLetterOrDigit(text[s]) && text[s] != '_')
        {
            s++;
        }

        if (s == at || text[at - 1] == '.' || (s > 0 && char.IsAsciiLetterOrDigit(text[s - 1])))
        {
            return false;
        }

        // Domain: labels of letters, digits and inner hyphens, separated by single dots.
        var i = at + 1;
        var labels = 0;
        var lastLabelStart = i;
        while (i < text.Length && i - at <= MaxDomain)
        {
            var labelStart = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '-'))
            {
                i++;
            }

            if (i == labelStart || text[labelStart] == '-' || text[i - 1] == '-')
            {
                i = labelStart;
                break;
            }

            labels++;
            lastLabelStart = labelStart;
            if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiLetterOrDigit(text[i + 1]))
            {
                i++;
                continue;
            }

            break;
        }

        if (labels < 2)
        {
            return false;
        }

        // If the walk stopped on a dangling dot or hyphen, the last whole label is where the address ends.
        var tld = text[lastLabelStart..i];
        if (tld.Length < 2 || tld.Length > 24 || tld.ContainsAnyExcept(AsciiLetters))
        {
            return false;
        }

        foreach (var extension in FileExtensions)
        {
            if (tld.Equals(extension, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        if (i < text.Length && (text[i] == '@' || text[i] == '_'))
        {
            return false;
        }

        start = s;
        end = i;
        return true;
    }
}
