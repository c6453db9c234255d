using Bulwark.Gateway.Pipeline;

namespace Bulwark.Gateway.Tests.Pipeline;

public sealed class RequestIdsTests
{
    [Fact]
    public void Next_IsAVersion7UuidCarryingTheTime_InTheNFormat()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_123);
        var id = RequestIds.Next(now);

        id.Length.ShouldBe(32);
        id.ShouldAllBe(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));
        var guid = Guid.ParseExact(id, "N");
        guid.Version.ShouldBe(7);
        Convert.ToInt64(id[..12], 16).ShouldBe(now.ToUnixTimeMilliseconds());
        ((Convert.ToInt32(id[16..17], 16) & 0b1100) == 0b1000).ShouldBeTrue(); // RFC 9562 variant bits 10
    }

    [Fact]
    public void Next_ManyInTheSameMillisecondFromManyThreads_AreAllDistinct()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 100_000, _ => ids.Add(RequestIds.Next(now)));
        ids.Distinct().Count().ShouldBe(100_000);
    }

    [Fact]
    public void Next_LaterTimes_SortLater()
    {
        var first = RequestIds.Next(DateTimeOffset.FromUnixTimeMilliseconds(1_000));
        var second = RequestIds.Next(DateTimeOffset.FromUnixTimeMilliseconds(1_001));
        string.CompareOrdinal(first, second).ShouldBeLessThan(0);
    }
}
