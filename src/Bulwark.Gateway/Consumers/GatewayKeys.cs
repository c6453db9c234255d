using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Gateway.Storage;

namespace Bulwark.Gateway.Consumers;

/// <summary>
/// Gateway keys: <c>bwk_</c> followed by 256 random bits in base64url. Only the SHA-256 of a key is stored. A fast
/// hash is enough here (no salt, no stretching): the key is random and long, so there is nothing to brute-force, and
/// lookups by hash stay one indexed read.
/// </summary>
internal static class GatewayKeys
{
    public const string Prefix = "bwk_";
    private const int RandomBytes = 32;
    private const int ShownPrefixLength = 12;

    /// <summary>A new key and the record to store. The key is returned to the caller once and never again.</summary>
    public static (string Key, GatewayKeyRecord Record) Create(string consumer, string? description, DateTimeOffset now)
    {
        var key = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));
        var id = "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return (key, new GatewayKeyRecord(id, Hash(key), key[..ShownPrefixLength], consumer, description, now, null));
    }

    /// <summary>True for anything shaped like a gateway key (so it is checked, stripped and never forwarded).</summary>
    public static bool LooksLikeKey(ReadOnlySpan<char> value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Compares two hashes in constant time.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
