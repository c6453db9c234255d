using System.Collections.Concurrent;

namespace Bulwark.Gateway.Inspection;

/// <summary>What every <see cref="SystemTextCache{TResult}"/> shares: which texts it takes, and its bounds.</summary>
internal static class SystemTextCache
{
    public const int MaxEntries = 256;
    public const int MaxTextLength = 32 * 1024;

    /// <summary>Whether texts of this role are cached.</summary>
    public static bool Applies(string? role) => role is "system" or "developer";
}

/// <summary>
/// A result per system prompt, by exact text. An application sends the same system prompt (often thousands of
/// characters) with every request, and what a fixed check decides about an identical string does not change, so
/// checking it again is pure cost. Only system and developer texts are cached (user texts rarely repeat), only up to
/// <see cref="SystemTextCache.MaxTextLength"/> characters, and at most <see cref="SystemTextCache.MaxEntries"/> of them: when full, the cache starts
/// over, so a client sending ever-new system prompts costs re-checks, never memory. Keys are compared ordinally in
/// full; a different text never gets another text's result. A cache belongs to one check of one configuration (the
/// detectors of a route, its deny patterns), so a reloaded configuration starts with empty ones.
/// </summary>
internal sealed class SystemTextCache<TResult>
{
    private readonly ConcurrentDictionary<string, TResult> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public bool TryGet(string text, out TResult result) => _entries.TryGetValue(text, out result!);

    public void Add(string text, TResult result)
    {
        if (text.Length > SystemTextCache.MaxTextLength)
        {
            return;
        }

        if (_entries.Count >= SystemTextCache.MaxEntries)
        {
            _entries.Clear();
        }

        _entries.TryAdd(text, result);
    }
}
