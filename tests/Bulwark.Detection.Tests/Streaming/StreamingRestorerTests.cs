using System.Text;
using Bulwark.Detection.Redaction;
using Bulwark.Detection.Streaming;
using Bulwark.Detection.Tests.Redaction;
using FsCheck;
using FsCheck.Fluent;

namespace Bulwark.Detection.Tests.Streaming;

public class StreamingRestorerTests
{
    private static readonly PseudonymMap Map = PseudonymRestorerTests.MapOf("ann@a.io", "bo@b.io", "c@<tricky>.io");

    private static (string Output, List<int> Pending) Run(PseudonymMap map, IEnumerable<string> deltas)
    {
        var restorer = new StreamingRestorer(map);
        var output = new StringBuilder();
        var pending = new List<int>();
        foreach (var delta in deltas)
        {
            output.Append(restorer.Write(delta));
            pending.Add(restorer.PendingLength);
        }

        output.Append(restorer.Flush());
        restorer.PendingLength.ShouldBe(0);
        return (output.ToString(), pending);
    }

    [Fact]
    public void Write_PlaceholderSplitAcrossThreeDeltas_Restored()
    {
        var (output, pending) = Run(Map, ["Hi <EMA", "IL_ADDR", "ESS_1>!"]);

        output.ShouldBe("Hi ann@a.io!");
        pending.ShouldBe([4, 11, 0]);
    }

    [Fact]
    public void Write_TrailingPlaceholderStart_HeldBackRestReleased()
    {
        var restorer = new StreamingRestorer(Map);

        restorer.Write("Hello <EMA").ShouldBe("Hello ");
        restorer.PendingLength.ShouldBe(4);
    }

    [Fact]
    public void Write_LessThanFollowedBySpace_ReleasedImmediately()
    {
        var restorer = new StreamingRestorer(Map);

        restorer.Write("a <").ShouldBe("a ");
        restorer.Write(" b").ShouldBe("< b");
        restorer.PendingLength.ShouldBe(0);
    }

    [Fact]
    public void Write_UnknownPlaceholderLike_ReleasedUnchanged()
    {
        var restorer = new StreamingRestorer(Map);

        restorer.Write("<EMAIL_ADDRESS_7").ShouldBe("<EMAIL_ADDRESS_7");
        restorer.Write("<PHONE_NUMBER_1>").ShouldBe("<PHONE_NUMBER_1>");
        restorer.PendingLength.ShouldBe(0);
    }

    [Fact]
    public void Write_OneCharDeltasBackToBackPlaceholders_Restored()
    {
        const string text = "<EMAIL_ADDRESS_1><EMAIL_ADDRESS_2><<EMAIL_ADDRESS_3>>";

        var (output, pending) = Run(Map, text.Select(c => c.ToString()));

        output.ShouldBe("ann@a.iobo@b.io<c@<tricky>.io>");
        pending.Max().ShouldBeLessThan(Map.MaxPlaceholderLength);
    }

    [Fact]
    public void Flush_AfterHeldPrefix_ReleasesItUnchanged()
    {
        var restorer = new StreamingRestorer(Map);
        restorer.Write("end <EMAIL_ADD").ShouldBe("end ");

        restorer.Flush().ShouldBe("<EMAIL_ADD");
        restorer.Flush().ShouldBe(string.Empty);
    }

    [Fact]
    public void Write_EmptyMap_PassesThrough()
    {
        var restorer = new StreamingRestorer(new PseudonymMap());

        restorer.Write("<EMA").ShouldBe("<EMA");
        restorer.PendingLength.ShouldBe(0);
    }

    [Fact]
    public void ToString_WithHeldText_ShowsOnlyLength()
    {
        var restorer = new StreamingRestorer(Map);
        restorer.Write("<EMAIL");

        restorer.ToString().ShouldBe("StreamingRestorer(6 chars pending)");
    }

    [Fact]
    public void Write_AnySplitOfAnyText_MatchesNonStreamingAndHoldsBackMinimally()
    {
        string[] pieces =
        [
            "<EMAIL_ADDRESS_1>", "<EMAIL_ADDRESS_2>", "<EMAIL_ADDRESS_3>", "<EMAIL_ADDRESS_4>", "<EMAIL_ADDRESS_",
            "<EMA", "<", ">", "<<", "a", "b c", " ", "\n", "<PHONE_NUMBER_1>", "EMAIL_ADDRESS_1>", "_1", "x<y", "中文",
        ];
        var gen =
            from parts in Gen.ListOf(Gen.Elements(pieces))
            from sizes in Gen.ListOf(Gen.Choose(1, 20))
            select (Text: string.Concat(parts), Sizes: sizes.ToArray());

        Prop.ForAll(gen.ToArbitrary(), c => CheckSplit(c.Text, c.Sizes)).QuickCheckThrowOnFailure();
    }

    private static bool CheckSplit(string text, int[] sizes)
    {
        var restorer = new StreamingRestorer(Map);
        var output = new StringBuilder();
        int position = 0;
        for (int i = 0; position < text.Length; i++)
        {
            int size = sizes.Length == 0 ? text.Length : Math.Min(sizes[i % sizes.Length], text.Length - position);
            output.Append(restorer.Write(text.AsSpan(position, size)));
            position += size;

            // As early as possible: held back is exactly the longest suffix that can still become a placeholder,
            // and everything before it has been emitted, restored.
            int held = ExpectedHoldback(text[..position]);
            if (restorer.PendingLength != held || held >= Map.MaxPlaceholderLength
                || output.ToString() != PseudonymRestorer.Restore(text[..(position - held)], Map))
            {
                return false;
            }
        }

        output.Append(restorer.Flush());
        return output.ToString() == PseudonymRestorer.Restore(text, Map);
    }

    private static int ExpectedHoldback(string received)
    {
        string[] known = ["<EMAIL_ADDRESS_1>", "<EMAIL_ADDRESS_2>", "<EMAIL_ADDRESS_3>"];
        for (int length = Math.Min(received.Length, Map.MaxPlaceholderLength - 1); length > 0; length--)
        {
            var suffix = received[^length..];
            if (known.Any(p => p.Length > suffix.Length && p.StartsWith(suffix, StringComparison.Ordinal)))
            {
                return length;
            }
        }

        return 0;
    }
}
