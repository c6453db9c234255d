namespace Bulwark.Detection;

/// <summary>
/// A recognizer over text. Implementations must be thread-safe and stateless per call, run in time linear in the
/// text, and allocate nothing when the text holds nothing they look for (the clean-text fast path).
/// </summary>
public interface IDetector
{
    /// <summary>Stable name, reported as <see cref="Finding.Detector"/> (for example <c>pii.credit_card</c>).</summary>
    string Name { get; }

    /// <summary>The canonical entity names (see <see cref="EntityTypes"/>) this detector can report.</summary>
    IReadOnlyList<string> Entities { get; }

    /// <summary>Appends what it finds in <paramref name="text"/> to <paramref name="findings"/>.</summary>
    void Detect(ReadOnlySpan<char> text, List<Finding> findings);
}
