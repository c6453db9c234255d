using Bulwark.Detection;
using Bulwark.Detection.Engine;
using Bulwark.Gateway.Scanning;

namespace Bulwark.Gateway.Tests.Scanning;

public sealed class SystemPromptCacheTests
{
    /// <summary>Counts scans, so a test can tell a cached answer from a fresh one.</summary>
    private sealed class CountingDetector : IDetector
    {
        public int Calls;

        public string Name => "test.counting";

        public IReadOnlyList<string> Entities => ["EMAIL_ADDRESS"];

        public void Detect(ReadOnlySpan<char> text, List<Finding> findings)
        {
            Interlocked.Increment(ref Calls);
            var at = text.IndexOf('@');
            if (at > 0)
            {
                findings.Add(new Finding("EMAIL_ADDRESS", at - 1, at + 2, 0.9, Name));
            }
        }
    }

    [Fact]
    public void Scan_SameTextTwice_ScansOnce_AndReturnsTheSameFindings()
    {
        var detector = new CountingDetector();
        var engine = new DetectionEngine([detector]);
        var cache = new SystemPromptCache();

        var first = new List<Finding>();
        cache.Scan(engine, "Write to a@b about refunds.", first);
        var second = new List<Finding>();
        cache.Scan(engine, "Write to a@b about refunds.", second);

        detector.Calls.ShouldBe(1);
        second.ShouldBe(first);
        first.ShouldHaveSingleItem().Entity.ShouldBe("EMAIL_ADDRESS");
    }

    [Fact]
    public void Scan_TextsThatDifferInOneCharacter_AreScannedEach()
    {
        var detector = new CountingDetector();
        var engine = new DetectionEngine([detector]);
        var cache = new SystemPromptCache();

        var clean = new List<Finding>();
        cache.Scan(engine, "You are a helpful assistant.", clean);
        var withEmail = new List<Finding>();
        cache.Scan(engine, "You are a helpful assistant@", withEmail);

        detector.Calls.ShouldBe(2);
        clean.ShouldBeEmpty();
        withEmail.ShouldHaveSingleItem();
    }

    [Fact]
    public void Scan_ManyDistinctTexts_KeepsTheCacheBounded_AndLongTextsAreNeverKept()
    {
        var engine = new DetectionEngine([new CountingDetector()]);
        var cache = new SystemPromptCache();
        for (var i = 0; i < SystemPromptCache.MaxEntries * 3; i++)
        {
            cache.Scan(engine, $"system prompt number {i}", []);
        }

        cache.Count.ShouldBeLessThanOrEqualTo(SystemPromptCache.MaxEntries);

        var fresh = new SystemPromptCache();
        fresh.Scan(engine, new string('x', SystemPromptCache.MaxTextLength + 1), []);
        fresh.Count.ShouldBe(0);
    }

    [Theory]
    [InlineData("system", true)]
    [InlineData("developer", true)]
    [InlineData("user", false)]
    [InlineData("tool", false)]
    [InlineData(null, false)]
    public void Applies_OnlyToSystemAndDeveloperTexts(string? role, bool applies) => SystemPromptCache.Applies(role).ShouldBe(applies);
}
