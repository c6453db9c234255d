using Bulwark.Detection;
using Bulwark.Detection.Engine;
using Bulwark.Gateway.Inspection;

namespace Bulwark.Gateway.Scanning;

/// <summary>The detectors' findings for system prompts, by exact text (see <see cref="SystemTextCache{TResult}"/>).</summary>
internal sealed class SystemPromptCache
{
    public const int MaxEntries = SystemTextCache.MaxEntries;
    public const int MaxTextLength = SystemTextCache.MaxTextLength;

    private readonly SystemTextCache<Finding[]> _entries = new();

    public static bool Applies(string? role) => SystemTextCache.Applies(role);

    /// <summary>Appends the findings for <paramref name="text"/> to <paramref name="findings"/>, scanning only on a miss.</summary>
    public void Scan(DetectionEngine engine, string text, List<Finding> findings)
    {
        if (_entries.TryGet(text, out var cached))
        {
            findings.AddRange(cached);
            return;
        }

        var before = findings.Count;
        engine.Scan(text, findings);
        _entries.Add(text, findings.Count == before ? [] : [.. findings.Skip(before)]);
    }

    public int Count => _entries.Count;
}
