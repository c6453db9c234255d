using System.Text;
using Bulwark.Gateway.Limits;

namespace Bulwark.Gateway.Tests.Operations;

public sealed class UsageExtractorTests
{
    private static TokenUsage? Feed(bool stream, string body, int chunk)
    {
        var extractor = new UsageExtractor();
        extractor.OnStart(stream);
        var bytes = Encoding.UTF8.GetBytes(body);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            extractor.OnData(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        }

        return extractor.Complete();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void OpenAiJson_ReadsPromptAndCompletionTokens(int chunk)
    {
        Feed(false, """{"id":"x","choices":[{"message":{"content":"usage is a word"}}],"usage":{"prompt_tokens":11,"completion_tokens":4,"total_tokens":15}}""", chunk)
            .ShouldBe(new TokenUsage(11, 4, 15));
    }

    [Fact]
    public void ResponsesAndAnthropicJson_ReadInputAndOutputTokens()
    {
        Feed(false, """{"usage":{"input_tokens":3,"output_tokens":1}}""", 5).ShouldBe(new TokenUsage(3, 1, 4));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(4096)]
    public void OpenAiStream_ReadsTheFinalUsageEvent_AcrossChunkBoundaries(int chunk)
    {
        var stream = "data: {\"choices\":[{\"delta\":{\"content\":\"the usage\"}}]}\r\n\r\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":50,\"total_tokens\":55}}\n\n"
            + "data: [DONE]\n\n";
        Feed(true, stream, chunk).ShouldBe(new TokenUsage(5, 50, 55));
    }

    [Fact]
    public void AnthropicStream_CombinesMessageStartAndMessageDelta()
    {
        var stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":15}}\n\n";
        Feed(true, stream, 9).ShouldBe(new TokenUsage(25, 15, 40));
    }

    [Fact]
    public void ResponsesStream_ReadsUsageInsideTheCompletedResponse()
    {
        var stream = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"usage\"}\n\n"
            + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"output\":[{\"usage\":{\"input_tokens\":900}}],"
            + "\"usage\":{\"input_tokens\":7,\"output_tokens\":2,\"total_tokens\":9}}}\n\n";
        Feed(true, stream, 11).ShouldBe(new TokenUsage(7, 2, 9));
    }

    [Theory]
    [InlineData("""{"choices":[{"message":{"usage":{"prompt_tokens":99}}}]}""")] // only the top level and its response/message count
    [InlineData("""{"response":{"message":{"usage":{"prompt_tokens":99}}}}""")]  // one level of nesting, not two
    [InlineData("""{"usage":[{"prompt_tokens":99}]}""")]
    [InlineData("""{"usage":{"prompt_tokens":"99","completion_tokens":1.5}}""")]
    public void UsageElsewhereOrOfTheWrongType_IsNotRead(string body)
    {
        Feed(false, body, 4096).ShouldBeNull();
    }

    [Fact]
    public void UnknownFieldsAndEscapedNames_AreHandled()
    {
        Feed(false, """{"x":{"usage":{"prompt_tokens":1}},"\u0075sage":{"extra":[1,{"a":2}],"prompt_tokens":4,"completion_tokens":6},"y":null}""", 3)
            .ShouldBe(new TokenUsage(4, 6, 10));
    }

    [Theory]
    [InlineData(false, """{"choices":[]}""")]
    [InlineData(false, "not json at all")]
    [InlineData(true, "data: {\"usage\": broken\n\n")]
    [InlineData(false, """{"usage":{"prompt_tokens":-5}}""")]
    public void NoOrUnreadableUsage_IsNull(bool stream, string body)
    {
        Feed(stream, body, 3).ShouldBeNull();
    }
}
