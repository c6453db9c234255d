using Bulwark.Gateway.Credentials;

namespace Bulwark.Gateway.Tests.Credentials;

public sealed class KeyRingTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long GetTimestamp() => Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    private static KeyRing Ring(ManualClock clock, params string[] keys) =>
        new([.. keys.Select(k => SecretReference.Parse(k, clock, out _)!)], TimeSpan.FromSeconds(30), clock);

    [Fact]
    public void Next_HandsOutKeysRoundRobin()
    {
        var ring = Ring(new ManualClock(), "a", "b", "c");

        Enumerable.Range(0, 6).Select(_ => ring.Next()!.Value.Value).ShouldBe(["a", "b", "c", "a", "b", "c"]);
    }

    [Fact]
    public void CoolDown_SkipsTheKeyUntilTheCooldownEnds()
    {
        var clock = new ManualClock();
        var ring = Ring(clock, "a", "b");
        ring.CoolDown(0);

        Enumerable.Range(0, 4).Select(_ => ring.Next()!.Value.Value).ShouldAllBe(k => k == "b");

        clock.Ticks += TimeSpan.FromSeconds(31).Ticks;
        Enumerable.Range(0, 4).Select(_ => ring.Next()!.Value.Value).ShouldContain("a");
    }

    [Fact]
    public void Next_AllKeysCooling_UsesTheOneThatRecoversFirst()
    {
        var clock = new ManualClock();
        var ring = Ring(clock, "a", "b");
        ring.CoolDown(1);
        clock.Ticks += TimeSpan.FromSeconds(5).Ticks;
        ring.CoolDown(0);

        ring.Next()!.Value.Value.ShouldBe("b");
    }

    [Fact]
    public void FileSecret_ChangedOnDisk_IsReReadAfterTheCheckInterval()
    {
        var clock = new ManualClock();
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "first-key\n");
            var secret = SecretReference.Parse("file:" + path, clock, out var error)!;
            error.ShouldBeNull();
            secret.GetValue().ShouldBe("first-key");

            File.WriteAllText(path, "second-key-longer\n");
            secret.GetValue().ShouldBe("first-key"); // within the check interval: cached
            clock.Ticks += TimeSpan.FromSeconds(2).Ticks;
            secret.GetValue().ShouldBe("second-key-longer");
            secret.ToString().ShouldBe("file:" + path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
