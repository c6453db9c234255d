using Bulwark.Detection.Engine;

namespace Bulwark.Detection.Custom;

/// <summary>
/// What the custom detectors share: the entity they report, its score, and the optional context words that must occur
/// within a window around a match. <see cref="CustomRegexDetector"/> and <see cref="KeywordDictionaryDetector"/> find
/// candidates their own way and hand each to <see cref="Report"/>.
/// </summary>
internal sealed class CustomEntity
{
    private readonly string[] _context;
    private readonly int _window;
    private readonly double _score;

    public CustomEntity(string entity, IEnumerable<string>? contextWords, int contextWindow, double score)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        ArgumentOutOfRangeException.ThrowIfNegative(contextWindow);
        if (score is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "The score of a custom entity must be between 0 and 1.");
        }

        Entity = entity;
        _context = [.. (contextWords ?? []).Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => w.ToLowerInvariant())];
        _window = contextWindow;
        _score = score;
        DetectorName = "custom." + entity.ToLowerInvariant();
        Entities = [entity];
    }

    public string Entity { get; }

    public IReadOnlyList<string> Entities { get; }

    public string DetectorName { get; }

    /// <summary>Adds a finding for <c>[start, end)</c> unless context words are required and none is near.</summary>
    public void Report(ReadOnlySpan<char> text, int start, int end, List<Finding> findings)
    {
        if (_context.Length > 0 && !TextScan.HasContext(text, start, end, _window, _window, _context))
        {
            return;
        }

        findings.Add(new Finding(Entity, start, end, _score, DetectorName));
    }
}
