using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Detection.Policy;

namespace Bulwark.Detection.Redaction;

/// <summary>
/// Applies redaction operators to a text in one pass. Stateless apart from the hash salt, so one instance serves the
/// whole gateway; the per-request state (placeholder numbering, pseudonyms) is the <see cref="PseudonymMap"/> passed in.
/// </summary>
public sealed class Redactor
{
    private const int HashHexDigits = 8;
    private const int StackallocBytes = 512;

    private readonly HashKey? _hashKey;

    /// <summary>Creates a redactor; <paramref name="hashKey"/> is required only if a policy uses the hash operator.</summary>
    public Redactor(HashKey? hashKey = null) => _hashKey = hashKey;

    /// <summary>
    /// Returns <paramref name="text"/> with every redaction applied (the same instance when there is none).
    /// <paramref name="redactions"/> must be sorted by start, non-overlapping and inside the text, as
    /// <see cref="PolicyVerdict.Redactions"/> are.
    /// </summary>
    public string Redact(string text, IReadOnlyList<FindingRedaction> redactions, PseudonymMap map)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(redactions);
        if (redactions.Count == 0)
        {
            return text;
        }

        var output = new StringBuilder(text.Length + 16 * redactions.Count);
        Redact(text, redactions, map, output);
        return output.ToString();
    }

    /// <summary>Appends <paramref name="text"/> with every redaction applied to <paramref name="output"/>.</summary>
    public void Redact(ReadOnlySpan<char> text, IReadOnlyList<FindingRedaction> redactions, PseudonymMap map, StringBuilder output) =>
        Redact(text, 0, redactions, redactions?.Count ?? 0, map, output);

    /// <summary>
    /// Appends <paramref name="text"/> to <paramref name="output"/> applying the first <paramref name="count"/>
    /// redactions, whose offsets are relative to a larger text that <paramref name="text"/> starts at
    /// <paramref name="offset"/> of.
    /// </summary>
    internal void Redact(ReadOnlySpan<char> text, int offset, IReadOnlyList<FindingRedaction> redactions, int count, PseudonymMap map, StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(redactions);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(output);

        int position = 0;
        for (int i = 0; i < count; i++)
        {
            var (finding, op) = redactions[i];
            int start = finding.Start - offset;
            int end = finding.End - offset;
            if (start < position || end < start || end > text.Length)
            {
                throw new ArgumentException(
                    $"Redaction {i} ({finding.Entity} at {finding.Start}..{finding.End}) is out of order, overlapping or outside the text; pass findings sorted and overlap-resolved (PolicyVerdict.Redactions are).",
                    nameof(redactions));
            }

            output.Append(text[position..start]);
            Apply(finding.Entity, text[start..end], op, map, output);
            position = end;
        }

        output.Append(text[position..]);
    }

    private void Apply(string entity, ReadOnlySpan<char> value, RedactionOperator op, PseudonymMap map, StringBuilder output)
    {
        switch (op.Kind)
        {
            case RedactionKind.Mask:
                // A value no longer than what is kept would be shown whole: mask it all instead.
                int keep = op.Keep < value.Length ? op.Keep : 0;
                output.Append(op.MaskChar, value.Length - keep).Append(value[(value.Length - keep)..]);
                break;
            case RedactionKind.Hash:
                AppendHash(entity, value, output);
                break;
            case RedactionKind.Pseudonymize:
                output.Append(map.GetOrAdd(entity, value, restorable: true));
                break;
            default:
                output.Append(map.GetOrAdd(entity, value, restorable: false));
                break;
        }
    }

    private void AppendHash(string entity, ReadOnlySpan<char> value, StringBuilder output)
    {
        if (_hashKey is null)
        {
            throw new InvalidOperationException(
                "The policy redacts with the hash operator but the gateway has no hash salt; set detection.hash_salt (a ${ENV} or file: reference) or use another operator.");
        }

        int maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        Span<byte> bytes = maxBytes <= StackallocBytes ? stackalloc byte[StackallocBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            int written = Encoding.UTF8.GetBytes(value, bytes);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_hashKey.Key, bytes[..written], mac);

            Span<char> hex = stackalloc char[HashHexDigits];
            Convert.TryToHexStringLower(mac[..(HashHexDigits / 2)], hex, out _);
            output.Append('<').Append(entity).Append(':').Append(hex).Append('>');
        }
        finally
        {
            if (rented is not null)
            {
                CryptographicOperations.ZeroMemory(bytes);
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
