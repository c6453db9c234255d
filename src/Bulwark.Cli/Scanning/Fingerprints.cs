using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Cli.Scanning;

/// <summary>
/// Stable finding fingerprints for SARIF <c>partialFingerprints</c> that never encode the matched value: a SHA-256 over
/// the rule id, the path, the line with the finding's span cut out, and the occurrence number of that same triple in
/// the input (so two identical lines in one file stay two alerts). Moving a line keeps its fingerprint; rotating the
/// secret in place keeps it too, which is what an alert tracker wants.
/// </summary>
internal sealed class Fingerprints
{
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);

    /// <summary>Forgets the occurrence counts; call at the start of each input.</summary>
    public void Reset() => _occurrences.Clear();

    /// <param name="context">The text around the finding (its line, or a record's field).</param>
    /// <param name="spanStart">Where the finding starts inside <paramref name="context"/>.</param>
    /// <param name="spanEnd">Where it ends inside <paramref name="context"/>, clamped to its length.</param>
    public string Compute(string entity, string path, ReadOnlySpan<char> context, int spanStart, int spanEnd)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, entity);
        Append(hash, path);
        Append(hash, context[..spanStart].Trim());
        Append(hash, context[spanEnd..].Trim());
        Span<byte> digest = stackalloc byte[32];
        hash.GetCurrentHash(digest);
        var key = Convert.ToHexStringLower(digest[..16]);

        var occurrence = _occurrences.GetValueOrDefault(key) + 1;
        _occurrences[key] = occurrence;
        return key + ":" + occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Append(IncrementalHash hash, ReadOnlySpan<char> text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text)];
        Encoding.UTF8.GetBytes(text, bytes);
        hash.AppendData(bytes);
        hash.AppendData([0]);
    }
}
