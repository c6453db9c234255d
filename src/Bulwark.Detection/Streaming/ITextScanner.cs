namespace Bulwark.Detection.Streaming;

/// <summary>
/// Finds entities in a text for <see cref="StreamingRedactor"/>. The gateway adapts its detection engine to this;
/// findings must be overlap-resolved, with offsets relative to the span scanned.
/// </summary>
public interface ITextScanner
{
    /// <summary>Appends the findings in <paramref name="text"/> to <paramref name="findings"/>.</summary>
    void Scan(ReadOnlySpan<char> text, List<Finding> findings);
}
