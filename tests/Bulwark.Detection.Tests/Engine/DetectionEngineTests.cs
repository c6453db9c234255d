using Bulwark.Detection.Engine;

namespace Bulwark.Detection.Tests.Engine;

public class DetectionEngineTests
{
    [Fact]
    public void Scan_OverlappingFindings_KeepsHigherScore()
    {
        var engine = new DetectionEngine([new Fixed("a", ("X", 0, 10, 0.5)), new Fixed("b", ("Y", 5, 8, 0.9))]);
        var results = Scan(engine, "0123456789");
        results.ShouldBe([new Finding("Y", 5, 8, 0.9, "b")]);
    }

    [Fact]
    public void Scan_EqualScores_KeepsLongerSpan()
    {
        var engine = new DetectionEngine([new Fixed("a", ("X", 2, 5, 0.8)), new Fixed("b", ("Y", 0, 9, 0.8))]);
        Scan(engine, "0123456789").ShouldBe([new Finding("Y", 0, 9, 0.8, "b")]);
    }

    [Fact]
    public void Scan_EqualScoreAndLength_KeepsFirstListedDetector()
    {
        var engine = new DetectionEngine([new Fixed("first", ("X", 0, 4, 0.8)), new Fixed("second", ("Y", 0, 4, 0.8))]);
        Scan(engine, "0123456789").ShouldBe([new Finding("X", 0, 4, 0.8, "first")]);
    }

    [Fact]
    public void Scan_DisjointFindings_ReturnsAllSortedByStart()
    {
        var engine = new DetectionEngine([new Fixed("a", ("X", 6, 8, 0.5), ("X", 0, 2, 0.5)), new Fixed("b", ("Y", 3, 5, 0.9))]);
        Scan(engine, "0123456789").Select(f => f.Start).ShouldBe([0, 3, 6]);
    }

    [Fact]
    public void Scan_AdjacentFindings_KeepsBoth()
    {
        var engine = new DetectionEngine([new Fixed("a", ("X", 0, 5, 0.5), ("X", 5, 9, 0.9))]);
        Scan(engine, "0123456789").Count.ShouldBe(2);
    }

    [Fact]
    public void Scan_DefaultDetectorsOnMixedText_ResolvesCardOverPhone()
    {
        var engine = new DetectionEngine(DefaultDetectors.Create());
        const string text = "卡号 4111 1111 1111 1111，邮箱 a.b@example.org，电话 +86 138 1234 5678";
        var results = Scan(engine, text);
        results.Select(f => f.Entity).ShouldBe([EntityTypes.CreditCard, EntityTypes.EmailAddress, EntityTypes.PhoneNumber]);
        results.Select(f => text[f.Start..f.End]).ShouldBe(["4111 1111 1111 1111", "a.b@example.org", "+86 138 1234 5678"]);
    }

    [Fact]
    public void Scan_CleanText_AllocatesNothing()
    {
        var engine = new DetectionEngine(DefaultDetectors.Create());
        const string text = "At 10:30 we shipped version 2.4.1 to 3 regions; 今天下午三点开会，讨论第2季度的计划。Price: $12.50 per seat.";
        var results = new List<Finding>();
        engine.Scan(text, results);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            engine.Scan(text, results);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
        results.ShouldBeEmpty();
    }

    [Fact]
    public void DefaultDetectors_Create_NamesAreUniqueAndEntitiesCanonical()
    {
        var detectors = DefaultDetectors.Create();
        detectors.Select(d => d.Name).Distinct().Count().ShouldBe(detectors.Count);
        var canonical = typeof(EntityTypes).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();
        detectors.SelectMany(d => d.Entities).ShouldAllBe(e => canonical.Contains(e));
    }

    private static List<Finding> Scan(DetectionEngine engine, string text)
    {
        var results = new List<Finding>();
        engine.Scan(text, results);
        return results;
    }

    private sealed class Fixed(string name, params (string Entity, int Start, int End, double Score)[] spans) : IDetector
    {
        public string Name => name;

        public IReadOnlyList<string> Entities => [.. spans.Select(s => s.Entity).Distinct()];

        public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
        {
            foreach (var (entity, start, end, score) in spans)
            {
                findings.Add(new Finding(entity, start, end, score, name));
            }
        }
    }
}
