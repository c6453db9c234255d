using System.Runtime.InteropServices;

namespace Bulwark.Detection.Engine;

/// <summary>
/// Runs a fixed set of detectors over a text and resolves overlapping findings to one. Thread-safe; allocates nothing
/// when the text holds nothing the detectors look for.
/// </summary>
public sealed class DetectionEngine
{
    private readonly IDetector[] _detectors;

    [ThreadStatic]
    private static List<Finding>? t_raw;

    [ThreadStatic]
    private static List<Ranked>? t_ranked;

    /// <summary>Creates an engine over <paramref name="detectors"/>; their order breaks ties between equal findings.</summary>
    public DetectionEngine(IEnumerable<IDetector> detectors)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        _detectors = [.. detectors];
        foreach (var detector in _detectors)
        {
            if (detector is null)
            {
                throw new ArgumentException("The detector list contains null; remove the empty entry.", nameof(detectors));
            }
        }
    }

    /// <summary>The detectors this engine runs, in tie-break order.</summary>
    public IReadOnlyList<IDetector> Detectors => _detectors;

    /// <summary>
    /// Runs every detector over <paramref name="text"/> and appends the surviving findings to <paramref name="results"/>,
    /// ordered by start. Where findings overlap, one wins: the higher score, then the longer span, then the detector
    /// listed first.
    /// </summary>
    public void Scan(ReadOnlySpan<char> text, List<Finding> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var raw = t_raw ??= new List<Finding>(16);
        var ranked = t_ranked ??= new List<Ranked>(16);
        raw.Clear();
        ranked.Clear();

        // 1. Every detector appends to the shared scratch list; remember which detector produced which finding.
        for (var d = 0; d < _detectors.Length; d++)
        {
            var before = raw.Count;
            _detectors[d].Detect(text, raw);
            for (var i = before; i < raw.Count; i++)
            {
                ranked.Add(new Ranked(raw[i], d));
            }
        }

        if (ranked.Count == 0)
        {
            return;
        }

        if (ranked.Count == 1)
        {
            results.Add(ranked[0].Finding);
            return;
        }

        // 2. Strongest first; keep a finding only when it overlaps none already kept.
        CollectionsMarshal.AsSpan(ranked).Sort(StrongestFirst);
        raw.Clear();
        foreach (var candidate in ranked)
        {
            var f = candidate.Finding;
            var at = LowerBound(raw, f.Start);
            var overlapsPrevious = at > 0 && raw[at - 1].End > f.Start;
            var overlapsNext = at < raw.Count && raw[at].Start < f.End;
            if (!overlapsPrevious && !overlapsNext)
            {
                raw.Insert(at, f);
            }
        }

        // 3. The kept list is ordered by start already.
        results.AddRange(raw);
        raw.Clear();
        ranked.Clear();
    }

    // First index whose Start is >= start (kept findings never overlap, so they are ordered by start and by end).
    private static int LowerBound(List<Finding> kept, int start)
    {
        int lo = 0, hi = kept.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (kept[mid].Start < start)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private readonly record struct Ranked(Finding Finding, int DetectorIndex);

    private static readonly Comparison<Ranked> StrongestFirst = static (x, y) =>
    {
        var c = y.Finding.Score.CompareTo(x.Finding.Score);
        if (c != 0)
        {
            return c;
        }

        c = y.Finding.Length.CompareTo(x.Finding.Length);
        if (c != 0)
        {
            return c;
        }

        c = x.DetectorIndex.CompareTo(y.DetectorIndex);
        return c != 0 ? c : x.Finding.Start.CompareTo(y.Finding.Start);
    };
}
