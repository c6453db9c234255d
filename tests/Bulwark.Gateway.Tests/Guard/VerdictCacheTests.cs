using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guard;
using Bulwark.Gateway.Inspection;

namespace Bulwark.Gateway.Tests.Guard;

public sealed class VerdictCacheTests
{
    private static readonly GuardVerdict Allow = new(true, [], null);

    private static GuardConfig Guard(string policy = "p", string? model = "m") => new(
        new Uri("http://127.0.0.1:1/v1/chat/completions"), model, null, policy, TimeSpan.FromSeconds(1), GuardFailMode.Deny, GuardMode.Enforce,
        RoleFilter.All, true, 1000, 10, TimeSpan.FromSeconds(60), 1, TimeSpan.FromSeconds(1), 1, TimeSpan.FromSeconds(1), false);

    [Fact]
    public void Key_DependsOnTextRolePolicyAndModel()
    {
        List<InspectedText> texts = [new("hello", "user", "/a")];
        var key = VerdictCache.Key(Guard(), texts);

        VerdictCache.Key(Guard(), [new("hello", "user", "/b")]).ShouldBe(key); // the path is not content
        VerdictCache.Key(Guard(), [new("hello!", "user", "/a")]).ShouldNotBe(key);
        VerdictCache.Key(Guard(), [new("hello", "system", "/a")]).ShouldNotBe(key);
        VerdictCache.Key(Guard(policy: "q"), texts).ShouldNotBe(key);
        VerdictCache.Key(Guard(model: "n"), texts).ShouldNotBe(key);
        VerdictCache.Key(Guard(), [new("ab", "user", "/a"), new("c", "user", "/b")])
            .ShouldNotBe(VerdictCache.Key(Guard(), [new("a", "user", "/a"), new("bc", "user", "/b")]));
    }

    [Fact]
    public void TryGet_AfterTtl_Misses()
    {
        var time = new ManualTimeProvider();
        var cache = new VerdictCache(10, TimeSpan.FromSeconds(60), time);
        cache.Set("k", Allow);

        cache.TryGet("k", out _).ShouldBeTrue();
        time.Advance(TimeSpan.FromSeconds(61));
        cache.TryGet("k", out _).ShouldBeFalse();
        cache.Count.ShouldBe(0);
    }

    [Fact]
    public void Set_PastCapacity_EvictsLeastRecentlyUsed()
    {
        var cache = new VerdictCache(2, TimeSpan.FromSeconds(60), new ManualTimeProvider());
        cache.Set("a", Allow);
        cache.Set("b", Allow);
        cache.TryGet("a", out _).ShouldBeTrue(); // a is now the most recent

        cache.Set("c", Allow);

        cache.Count.ShouldBe(2);
        cache.TryGet("b", out _).ShouldBeFalse();
        cache.TryGet("a", out _).ShouldBeTrue();
        cache.TryGet("c", out _).ShouldBeTrue();
    }

    [Fact]
    public void ZeroSize_CachesNothing()
    {
        var cache = new VerdictCache(0, TimeSpan.FromSeconds(60), new ManualTimeProvider());
        cache.Set("a", Allow);

        cache.TryGet("a", out _).ShouldBeFalse();
    }
}
