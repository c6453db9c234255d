using System.Text;

namespace Bulwark.Detection.Redaction;

/// <summary>
/// The salt (HMAC key) of the <see cref="Policy.RedactionKind.Hash"/> operator. A secret: the gateway resolves it from
/// a reference (<c>${ENV}</c>, <c>file:</c>), and this type never shows it (<see cref="ToString"/> is fixed).
/// </summary>
public sealed class HashKey
{
    /// <summary>The shortest key accepted, in bytes.</summary>
    public const int MinimumLength = 16;

    private readonly byte[] _key;

    /// <summary>Wraps the key bytes (copied).</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinimumLength"/> bytes.</exception>
    public HashKey(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumLength)
        {
            throw new ArgumentException(
                $"The hash salt is {key.Length} bytes; use at least {MinimumLength} random bytes (for example the output of `openssl rand -base64 32`).",
                nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>A key from a configured string (its UTF-8 bytes).</summary>
    public static HashKey FromString(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return new HashKey(Encoding.UTF8.GetBytes(secret));
    }

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>Never shows the key.</summary>
    public override string ToString() => "HashKey(redacted)";
}
