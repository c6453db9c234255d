using System.Collections.Concurrent;
using Bulwark.Detection;
using Bulwark.Detection.Engine;

namespace Bulwark.Gateway.Scanning;

/// <summary>
/// The detectors' findings for system prompts, by exact text. An application sends the same system prompt (often
/// thousands of characters) with every request; the findings for an identical string are identical, so scanning it
/// again is pure cost. Only system and developer texts are cached (user texts rarely repeat), only up to
/// <see cref="MaxTextLength"/> characters, and at most <see cref="MaxEntries"/> of them: when full, the cache starts
/// over, so a client sending ever-new system prompts costs rescans, never memory. Keys are compared ordinally in full;
/// a different text never gets another text's findings.
/// </summary>
internal sealed class SystemPromptCache
{
    public const int MaxEntries = 256;
    public const int MaxTextLength = 32 * 1024;

    private readonly ConcurrentDictionary<string, Finding[]> _entries = new(StringComparer.Ordinal);

    public static bool Applies(string? role) => role is "system" or "developer";

    /// <summary>Appends the findings for <paramref name="text"/> to <paramref name="findings"/>, scanning only on a miss.</summary>
    public void Scan(DetectionEngine engine, string text, List<Finding> findings)
    {
        if (text.Length > MaxTextLength)
        {
            engine.Scan(text, findings);
            return;
        }

        if (_entries.TryGetValue(text, out var cached))
        {
            findings.AddRange(cached);
            return;
        }

        var before = findings.Count;
        engine.Scan(text, findings);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries.TryAdd(text, findings.Count == before ? [] : [.. findings.Skip(before)]);
    }

    public int Count => _entries.Count;
}
