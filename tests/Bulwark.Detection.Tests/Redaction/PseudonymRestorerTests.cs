using Bulwark.Detection.Policy;
using Bulwark.Detection.Redaction;

namespace Bulwark.Detection.Tests.Redaction;

public class PseudonymRestorerTests
{
    /// <summary>A map where the i-th value is pseudonymized as <c>&lt;EMAIL_ADDRESS_i&gt;</c>.</summary>
    internal static PseudonymMap MapOf(params string[] values)
    {
        var map = new PseudonymMap();
        var text = string.Concat(values);
        var redactions = new List<FindingRedaction>();
        int start = 0;
        foreach (var value in values)
        {
            redactions.Add(new FindingRedaction(new Finding(EntityTypes.EmailAddress, start, start + value.Length, 1, "test"), RedactionOperator.Pseudonymize));
            start += value.Length;
        }

        new Redactor().Redact(text, redactions, map);
        return map;
    }

    [Fact]
    public void Restore_KnownPlaceholders_ReplacedWithOriginals()
    {
        var map = MapOf("ann@a.io", "bo@b.io");

        PseudonymRestorer.Restore("Mail <EMAIL_ADDRESS_2> and <EMAIL_ADDRESS_1>, then <EMAIL_ADDRESS_2>.", map)
            .ShouldBe("Mail bo@b.io and ann@a.io, then bo@b.io.");
    }

    [Fact]
    public void Restore_BackToBackPlaceholders_BothRestored()
    {
        PseudonymRestorer.Restore("<EMAIL_ADDRESS_1><EMAIL_ADDRESS_2>", MapOf("ann@a.io", "bo@b.io")).ShouldBe("ann@a.iobo@b.io");
    }

    [Theory]
    [InlineData("if a < b and b > c")]
    [InlineData("<EMAIL_ADDRESS_3> is not known")]
    [InlineData("<EMAIL_ADDRESS_1 without end")]
    [InlineData("<<EMAIL_ADDRESS_1 >")]
    [InlineData("<html><body>")]
    public void Restore_NoKnownPlaceholder_LeftUnchanged(string text)
    {
        PseudonymRestorer.Restore(text, MapOf("ann@a.io", "bo@b.io")).ShouldBe(text);
    }

    [Fact]
    public void Restore_PlaceholderAfterLessThan_Restored()
    {
        PseudonymRestorer.Restore("<<EMAIL_ADDRESS_1>>", MapOf("ann@a.io")).ShouldBe("<ann@a.io>");
    }

    [Fact]
    public void Restore_NothingRestorable_ReturnsSameInstance()
    {
        const string text = "Reply to <EMAIL_ADDRESS_1>";

        PseudonymRestorer.Restore(text, new PseudonymMap()).ShouldBeSameAs(text);
    }

    [Fact]
    public void Restore_OriginalContainingPlaceholderSyntax_NotRestoredTwice()
    {
        var map = new PseudonymMap();
        const string text = "x <EMAIL_ADDRESS_1>@a.io";
        var finding = new Finding(EntityTypes.EmailAddress, 2, text.Length, 1, "t");
        new Redactor().Redact(text, [new FindingRedaction(finding, RedactionOperator.Pseudonymize)], map);

        PseudonymRestorer.Restore("<EMAIL_ADDRESS_1>", map).ShouldBe("<EMAIL_ADDRESS_1>@a.io");
    }
}
