using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Limits;

namespace Bulwark.Gateway.Tests.Operations;

public sealed class TokenEstimateTests
{
    [Theory]
    [InlineData("""{"max_tokens":20}""", 26, 1024, 27)]
    [InlineData("""{"max_completion_tokens":5,"max_tokens":20}""", 4, 1024, 6)]
    [InlineData("""{"max_output_tokens":9}""", 0, 1024, 9)]
    [InlineData("""{}""", 1, 100, 101)]
    public void Estimate_IsPromptCharsOverFourPlusCompletionCap(string json, long chars, int fallback, long expected)
    {
        using var document = JsonDocument.Parse(json);
        TokenEstimate.Estimate(document.RootElement, chars, fallback).ShouldBe(expected);
    }

    [Fact]
    public void StreamedChat_GetsIncludeUsage_KeepingEveryOtherField()
    {
        using var document = JsonDocument.Parse("""{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}],"stream_options":{"other":1}}""");
        var rewritten = TokenEstimate.RequestStreamUsage(document.RootElement).ShouldNotBeNull();
        using var result = JsonDocument.Parse(rewritten);
        result.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().ShouldBeTrue();
        result.RootElement.GetProperty("stream_options").GetProperty("other").GetInt32().ShouldBe(1);
        result.RootElement.GetProperty("messages")[0].GetProperty("content").GetString().ShouldBe("hi");
        result.RootElement.GetProperty("model").GetString().ShouldBe("m");
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[]}""")]
    [InlineData("""{"stream":false}""")]
    [InlineData("""{"stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("""{"stream":true,"stream_options":"weird"}""")]
    public void NothingToAskFor_LeavesTheBodyAlone(string json)
    {
        using var document = JsonDocument.Parse(json);
        TokenEstimate.RequestStreamUsage(document.RootElement).ShouldBeNull();
    }
}
