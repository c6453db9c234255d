using System.Text;
using Bulwark.Detection.Policy;
using Bulwark.Detection.Redaction;
using Bulwark.Detection.Streaming;
using FsCheck;
using FsCheck.Fluent;

namespace Bulwark.Detection.Tests.Streaming;

public class StreamingRedactorTests
{
    private static readonly PolicyEvaluator Evaluator = new(new DetectionPolicy(
        response: new Dictionary<string, EntityRule>
        {
            [EntityTypes.EmailAddress] = EntityRule.Redact(RedactionOperator.Placeholder),
            [EntityTypes.OpenAiApiKey] = EntityRule.Block,
        }));

    private static readonly CombinedScanner Scanner = new(RegexDetector.Email, RegexDetector.OpenAiKey);

    private static StreamingRedactor Create(int holdback = 256, PseudonymMap? map = null) =>
        new(Scanner, Evaluator, new Redactor(), map ?? new PseudonymMap(), new StreamingRedactorOptions { Holdback = holdback });

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(256)]
    public void Write_EmailSplitAcrossThreeDeltas_RedactedBeforeAnyPartLeaves(int holdback)
    {
        var redactor = Create(holdback);
        var chunks = new List<string>
        {
            redactor.Write("Sure, contact jo").Text,
            redactor.Write("hn.doe@exa").Text,
            redactor.Write("mple.com for details. ").Text,
            redactor.Flush().Text,
        };

        string.Concat(chunks).ShouldBe("Sure, contact <EMAIL_ADDRESS_1> for details. ");
        chunks.ShouldAllBe(c => !c.Contains("jo", StringComparison.Ordinal) && !c.Contains('@', StringComparison.Ordinal));
        redactor.Counts.ShouldBe([new EntityCount(EntityTypes.EmailAddress, 1)]);
    }

    [Fact]
    public void Write_ZeroHoldback_ReleasesCompletedWordsAtOnce()
    {
        var redactor = Create(holdback: 0);

        redactor.Write("Hello there, wor").Text.ShouldBe("Hello there, ");
        redactor.PendingLength.ShouldBe(3);
        redactor.Write("ld ").Text.ShouldBe("world ");
    }

    [Fact]
    public void Write_CleanTextLongerThanHoldback_ReleasesAllButTheTail()
    {
        var redactor = Create(holdback: 10);

        var text = redactor.Write("one two three four five six seven ").Text;

        text.ShouldBe("one two three four five ");
        redactor.PendingLength.ShouldBe(10);
    }

    [Fact]
    public void Write_BlockEntitySplitAcrossDeltas_ReportsBlockAndReleasesNoneOfIt()
    {
        var redactor = Create(holdback: 0);
        var released = new StringBuilder();

        released.Append(redactor.Write("Your key is sk-abc").Text);
        released.Append(redactor.Write("defghijklmnop").Text);
        var result = redactor.Write("qrstuvwxyz0123 ok");

        result.IsBlocked.ShouldBeTrue();
        result.BlockedEntities.ShouldBe([EntityTypes.OpenAiApiKey]);
        result.Text.ShouldBeEmpty();
        released.ToString().ShouldBe("Your key is ");
        redactor.Write("more").IsBlocked.ShouldBeTrue();
        redactor.Flush().IsBlocked.ShouldBeTrue();
    }

    [Fact]
    public void Flush_HeldTailWithEmail_ReleasedRedacted()
    {
        var redactor = Create();
        redactor.Write("mail a@b.io").Text.ShouldBeEmpty();

        redactor.Flush().Text.ShouldBe("mail <EMAIL_ADDRESS_1>");
        redactor.PendingLength.ShouldBe(0);
    }

    [Fact]
    public void Write_SameEmailAsRequest_ContinuesRequestNumbering()
    {
        var map = new PseudonymMap();
        var request = "x bob@corp.com";
        new Redactor().Redact(request, [new FindingRedaction(RegexDetector.Email.Find(request)[0], RedactionOperator.Placeholder)], map);
        var redactor = Create(holdback: 0, map: map);

        var output = redactor.Write("amy@corp.com and bob@corp.com ").Text + redactor.Flush().Text;

        output.ShouldBe("<EMAIL_ADDRESS_2> and <EMAIL_ADDRESS_1> ");
    }

    [Fact]
    public void Options_MaxBelowHoldback_Throws()
    {
        Should.Throw<ArgumentException>(() => new StreamingRedactor(
            Scanner, Evaluator, new Redactor(), new PseudonymMap(), new StreamingRedactorOptions { Holdback = 100, MaxHoldback = 10 }));
    }

    [Fact]
    public void ToString_WithHeldText_ShowsNoText()
    {
        var redactor = Create();
        redactor.Write("secret a@b.io");

        redactor.ToString().ShouldNotContain("a@b.io");
        redactor.ToString().ShouldContain("13 chars pending");
    }

    [Fact]
    public void Write_WhileEverythingIsHeld_ScansOnlyWhenTextCanLeave()
    {
        var scanner = new CountingScanner(Scanner);
        var redactor = new StreamingRedactor(scanner, Evaluator, new Redactor(), new PseudonymMap(), new StreamingRedactorOptions { Holdback = 16 });

        redactor.Write("Mail a@b").Text.ShouldBeEmpty();
        redactor.Write(".io now").Text.ShouldBeEmpty();
        scanner.Scans.ShouldBe(0); // 15 characters, all within the holdback: nothing could be released

        redactor.Write(" please, thanks").Text.ShouldBe("Mail <EMAIL_ADDRESS_1> ");
        scanner.Scans.ShouldBe(1);
        redactor.Counts.ShouldBe([new EntityCount(EntityTypes.EmailAddress, 1)]);
    }

    [Fact]
    public void Write_BlockEntityWithinTheHoldback_ReportedBeforeAnyOfItLeaves()
    {
        var redactor = Create(holdback: 64);

        redactor.Write("Your key is sk-abcdefghijklmnopqrstuvwxyz0123 ok").IsBlocked.ShouldBeFalse(); // held, not yet scanned

        var flushed = redactor.Flush();
        flushed.IsBlocked.ShouldBeTrue();
        flushed.BlockedEntities.ShouldBe([EntityTypes.OpenAiApiKey]);
    }

    [Fact]
    public void Write_AnySplit_MatchesNonStreamingRedaction()
    {
        string[] words = ["hello", "a@b.io", "john.doe@example.com", "x", "mail:", "bob@corp.org.", "中文", "@", ".com", "ann@x"];
        string[] spaces = [" ", "\n", "  "];
        var gen =
            from parts in Gen.ListOf(Gen.Elements(words).SelectMany(w => Gen.Elements(spaces).Select(s => w + s)))
            from sizes in Gen.ListOf(Gen.Choose(1, 15))
            from holdback in Gen.Choose(0, 24)
            select (Text: string.Concat(parts), Sizes: sizes.ToArray(), Holdback: holdback);

        Prop.ForAll(gen.ToArbitrary(), c => Streamed(c.Text, c.Sizes, c.Holdback) == NonStreamed(c.Text)).QuickCheckThrowOnFailure();
    }

    private static string Streamed(string text, int[] sizes, int holdback)
    {
        var redactor = Create(holdback);
        var output = new StringBuilder();
        int position = 0;
        for (int i = 0; position < text.Length; i++)
        {
            int size = sizes.Length == 0 ? text.Length : Math.Min(sizes[i % sizes.Length], text.Length - position);
            output.Append(redactor.Write(text.AsSpan(position, size)).Text);
            position += size;
        }

        return output.Append(redactor.Flush().Text).ToString();
    }

    private static string NonStreamed(string text)
    {
        var verdict = Evaluator.Evaluate(RegexDetector.Email.Find(text), Direction.Response);
        return new Redactor().Redact(text, verdict.Redactions, new PseudonymMap());
    }

    private sealed class CountingScanner(ITextScanner inner) : ITextScanner
    {
        public int Scans { get; private set; }

        public void Scan(ReadOnlySpan<char> text, List<Finding> findings)
        {
            Scans++;
            inner.Scan(text, findings);
        }
    }
}
