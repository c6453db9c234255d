using Bulwark.Gateway.Guard;

namespace Bulwark.Gateway.Tests.Guard;

public sealed class VerdictParserTests
{
    [Theory]
    [InlineData("""{"result":"allow","categories":[],"reason":"fine"}""", true)]
    [InlineData("""{"result":"deny","categories":["confidential"],"reason":"plans"}""", false)]
    [InlineData("```json\n{\"result\": \"deny\"}\n```", false)]
    [InlineData("Verdict:\n```\n{\"result\":\"allow\"}\n```\nHope this helps {not json}", true)]
    [InlineData("""{"RESULT":"ALLOW"}""", true)]
    [InlineData("""{"Result":"Deny"}""", false)]
    [InlineData("""{"result":" Allowed "}""", true)]
    [InlineData("""{"result":"denied"}""", false)]
    [InlineData("""{"note":"x"} then {"result":"deny"}""", false)]
    [InlineData("""{"result":"allow",}""", true)]
    public void Parse_Verdicts_InAnyWrapping(string content, bool allowed)
    {
        var verdict = VerdictParser.Parse(content);

        verdict.ShouldNotBeNull();
        verdict.Allowed.ShouldBe(allowed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ALLOW")]
    [InlineData("This is safe to send.")]
    [InlineData("""{"result":"maybe"}""")]
    [InlineData("""{"result":true}""")]
    [InlineData("""{"verdict":"allow"}""")]
    [InlineData("""{"result":"allow"} and also {"result":"deny"}""")]
    [InlineData("""{"result":"allow" """)]
    [InlineData("""["allow"]""")]
    public void Parse_NoClearVerdict_ReturnsNull(string? content) => VerdictParser.Parse(content).ShouldBeNull();

    [Fact]
    public void Parse_Categories_AreSanitisedLabels()
    {
        var verdict = VerdictParser.Parse("""{"result":"deny","categories":["Personal Data","<b>x</b>",42,"personal_data","a","b","c","d","e","f","g"]}""")!;

        verdict.Categories.ShouldBe(["personal_data", "bxb", "a", "b", "c", "d", "e", "f"]);
    }

    [Fact]
    public void Parse_Reason_IsOneLineAndCapped()
    {
        var verdict = VerdictParser.Parse("{\"result\":\"deny\",\"reason\":\"line one\\nline\\u0000two " + new string('x', 500) + "\"}")!;

        verdict.Reason!.ShouldStartWith("line one line two");
        verdict.Reason.Length.ShouldBe(VerdictParser.MaxReasonLength);
    }

    [Fact]
    public void Parse_Allow_DropsCategories() =>
        VerdictParser.Parse("""{"result":"allow","categories":["confidential"]}""")!.Categories.ShouldBeEmpty();

    [Fact]
    public void Parse_ManyBraces_StaysBounded()
    {
        var content = string.Concat(Enumerable.Repeat("{ not json ", 10_000)) + """{"result":"deny"}""";

        VerdictParser.Parse(content).ShouldBeNull(); // past the candidate limit: no verdict, so on_error decides
    }
}
