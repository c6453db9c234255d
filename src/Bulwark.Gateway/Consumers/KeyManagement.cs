using System.Buffers;
using Bulwark.Gateway.Storage;

namespace Bulwark.Gateway.Consumers;

/// <summary>Creating, listing and revoking gateway keys: the engine behind the admin API and <c>bulwark keys</c>.</summary>
internal static class KeyManagement
{
    private static readonly SearchValues<char> NameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    /// <summary>Null when the name is acceptable; otherwise what is wrong with it.</summary>
    public static string? ValidateConsumerName(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > 128 || name.AsSpan().ContainsAnyExcept(NameChars)
            ? "a consumer name is 1 to 128 characters of letters, digits, '.', '_' and '-'"
            : null;

    /// <summary>Creates and stores a key; returns the key (shown once) and its record.</summary>
    public static async Task<(string Key, GatewayKeyRecord Record)> CreateAsync(
        IGatewayStore store, string consumer, string? description, TimeProvider time, CancellationToken cancellationToken)
    {
        if (ValidateConsumerName(consumer) is { } error)
        {
            throw new ArgumentException(error, nameof(consumer));
        }

        if (description is { Length: > 256 })
        {
            description = description[..256];
        }

        var created = GatewayKeys.Create(consumer, description, time.GetUtcNow());
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await store.InsertKeyAsync(created.Record, cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>The public view of a key: never its hash.</summary>
    public static Dictionary<string, object?> Describe(GatewayKeyRecord key) => new()
    {
        ["id"] = key.Id,
        ["prefix"] = key.Prefix,
        ["consumer"] = key.Consumer,
        ["description"] = key.Description,
        ["created"] = key.Created,
        ["revoked"] = key.Revoked,
    };
}
