using Bulwark.Gateway.Buffers;

namespace Bulwark.Gateway.Tests.Buffers;

public sealed class SwapBufferTests
{
    [Fact]
    public void TryAppend_GrowsToTheMaximum_ThenRefuses_AndTakeReturnsEverythingInOrder()
    {
        var buffer = new SwapBuffer(initialBytes: 4, maxBytes: 10);

        buffer.TryAppend("abc"u8).ShouldBeTrue();
        buffer.TryAppend("defgh"u8).ShouldBeTrue(); // grows past the initial 4 bytes
        buffer.TryAppend("ijk"u8).ShouldBeFalse();  // 11 > 10: nothing appended
        buffer.Length.ShouldBe(8);

        buffer.Take().ToArray().ShouldBe("abcdefgh"u8.ToArray());
        buffer.Length.ShouldBe(0);
    }

    [Fact]
    public void Take_LeavesTheTakenBytesUntouchedByLaterAppends_UntilTheNextTake()
    {
        var buffer = new SwapBuffer(initialBytes: 16, maxBytes: 1024);
        buffer.TryAppend("first"u8);
        var first = buffer.Take();

        buffer.TryAppend("second"u8);
        first.ToArray().ShouldBe("first"u8.ToArray()); // the writer's bytes while it writes them

        buffer.Take().ToArray().ShouldBe("second"u8.ToArray());
    }
}
