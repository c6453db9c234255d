namespace Bulwark.Detection;

/// <summary>
/// One thing a detector found in a text: which entity, where (UTF-16 code unit offsets, <paramref name="End"/>
/// exclusive), how sure the detector is (0..1) and which detector said so. A finding never carries the matched
/// value itself, so it can be logged, audited and returned to clients as it is.
/// </summary>
public readonly record struct Finding(string Entity, int Start, int End, double Score, string Detector)
{
    /// <summary>Length of the finding in UTF-16 code units.</summary>
    public int Length => End - Start;
}
