using System.Text;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Pipeline;
using Bulwark.Gateway.Scanning;

namespace Bulwark.Gateway.Tests.Scanning;

/// <summary>The UTF-8 path for whole JSON answers, held to the document path it replaced on the request path.</summary>
public sealed class JsonResponseRewriterTests
{
    private const string Secret = "sk-proj-Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr";

    private static ResponseTextProcessor Processor(string detection = "{}") => TestProcessors.For(detection, new GatewayRequestFeature("test", 0));

    private static (JsonResponseRewriter.Outcome Outcome, string Body) Utf8Path(string json, ResponseTextProcessor? processor = null)
    {
        var outcome = JsonResponseRewriter.Process(Encoding.UTF8.GetBytes(json), processor ?? Processor(), out var result);
        return (outcome, Encoding.UTF8.GetString(result));
    }

    private static (bool Allowed, string Body) DocumentPath(string json)
    {
        var root = JsonNode.Parse(json)!;
        var allowed = JsonResponseRewriter.Process(root, Processor(), out _);
        return (allowed, root.ToJsonString(JsonRewriter.Options));
    }

    [Fact]
    public void AnAnswerWithNothingToChange_IsSentAsTheSameBytes()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":"chatcmpl-1", "choices": [ {"message": {"role":"assistant","content":"Hello there \u00e9"}} ] }""");

        JsonResponseRewriter.Process(body, Processor(), out var result).ShouldBe(JsonResponseRewriter.Outcome.Unchanged);

        result.Array.ShouldBeSameAs(body);
    }

    [Theory]
    [InlineData($$$"""{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"The key is {{{Secret}}} ok"},"finish_reason":"stop"}],"usage":{"total_tokens":9}}""")]
    [InlineData($$$"""{"choices":[{"message":{"tool_calls":[{"id":"call_1","function":{"name":"f","arguments":"{\"key\":\"{{{Secret}}}\"}"}}]}}]}""")]
    [InlineData($$$"""{"content":[{"type":"text","text":"{{{Secret}}}"},{"type":"text","text":"and \"quoted\" {{{Secret}}}"}],"stop_reason":"end_turn"}""")]
    [InlineData($$$"""{"output":[{"type":"message","content":[{"type":"output_text","text":"a {{{Secret}}}"}]}],"nested":{"list":["{{{Secret}}}",1,true,null]}}""")]
    public void ARedactedAnswer_ReadsTheSameAsTheDocumentPathsAnswer(string json)
    {
        var (outcome, body) = Utf8Path(json);
        var (allowed, expected) = DocumentPath(json);

        allowed.ShouldBeTrue();
        outcome.ShouldBe(JsonResponseRewriter.Outcome.Changed);
        body.ShouldNotContain("Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2");
        JsonNode.DeepEquals(JsonNode.Parse(body), JsonNode.Parse(expected)).ShouldBeTrue($"{body}\n{expected}");
    }

    [Fact]
    public void MetadataFields_AreNotProcessed_EvenWithAnEscapedName()
    {
        var json = $$$"""{"\u0069d":"{{{Secret}}}","model":"{{{Secret}}}","content":"{{{Secret}}}"}""";

        var (_, body) = Utf8Path(json);

        body.ShouldStartWith($$$"""{"\u0069d":"{{{Secret}}}","model":"{{{Secret}}}","content":""");
        body.ShouldNotEndWith($"{Secret}\"}}");
        DocumentPath(json).Body.ShouldContain($"\"id\":\"{Secret}\""); // the document path skips the same field
    }

    [Fact]
    public void AStringAtTheTopLevel_IsProcessedToo()
    {
        var (outcome, body) = Utf8Path($"\"{Secret}\"");

        outcome.ShouldBe(JsonResponseRewriter.Outcome.Changed);
        body.ShouldNotContain(Secret);
    }

    [Fact]
    public void ABlockingRule_Blocks()
    {
        var (outcome, _) = Utf8Path($$$"""{"choices":[{"message":{"content":"{{{Secret}}}"}}]}""", Processor("{ response: { OPENAI_API_KEY: { action: block } } }"));

        outcome.ShouldBe(JsonResponseRewriter.Outcome.Blocked);
    }

    [Theory]
    [InlineData($$$"""{"content":"{{{Secret}}}",""")] // cut off
    [InlineData($$$"""{"content":"{{{Secret}}}"} trailing""")]
    [InlineData("""{"content":"ok"}{"content":"again"}""")]
    public void ABodyThatIsNotJson_HasNothingProcessed(string json)
    {
        var processor = Processor();

        Utf8Path(json, processor).Outcome.ShouldBe(JsonResponseRewriter.Outcome.NotJson);

        processor.RedactedText.ShouldBeFalse(); // the caller processes it whole, once
    }
}
