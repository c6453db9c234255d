using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Inspection;

namespace Bulwark.Gateway.Tests.Inspection;

public sealed class RequestShapesTests
{
    private static (string Shape, List<InspectedText> Texts, ExtractResult Result) Extract(string path, string json, Provider provider = Provider.OpenAI)
    {
        using var doc = JsonDocument.Parse(json);
        var extractor = RequestShapes.Find(path, doc.RootElement, provider);
        extractor.ShouldNotBeNull($"no shape for {path}");
        var texts = new List<InspectedText>();
        var result = extractor.Extract(doc.RootElement, texts);
        return (extractor.Shape, texts, result);
    }

    [Fact]
    public void Chat_ExtractsEveryRoleEveryPartToolArgumentsAndNames()
    {
        var (shape, texts, result) = Extract("/v1/chat/completions", """
            {"model":"m","stop":"\n","messages":[
              {"role":"system","content":"sys"},
              {"role":"user","name":"alice","content":[{"type":"text","text":"part1"},{"type":"image_url","image_url":{"url":"http://x"}},{"type":"text","text":"part2"}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"1","type":"function","function":{"name":"fn","arguments":"{\"a\":1}"}}]},
              {"role":"tool","tool_call_id":"1","content":"result"}
            ]}
            """);

        result.Succeeded.ShouldBeTrue();
        shape.ShouldBe("openai.chat_completions");
        texts.Select(t => (t.Role, t.Text, t.Path)).ShouldBe([
            ("system", "sys", "/messages/0/content"),
            ("user", "part1", "/messages/1/content/0/text"),
            ("user", "part2", "/messages/1/content/2/text"),
            ("user", "alice", "/messages/1/name"),
            ("assistant", "fn", "/messages/2/tool_calls/0/function/name"),
            ("assistant", "{\"a\":1}", "/messages/2/tool_calls/0/function/arguments"),
            ("tool", "result", "/messages/3/content"),
        ]);
    }

    [Theory]
    [InlineData("/v1/completions", """{"prompt":["a","b"],"suffix":"c"}""", "openai.completions", 3)]
    [InlineData("/v1/embeddings", """{"input":"a"}""", "openai.embeddings", 1)]
    [InlineData("/v1/responses", """{"instructions":"i","input":[{"role":"user","content":"u"},{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":"o"}]}""", "openai.responses", 4)]
    [InlineData("/v1/messages", """{"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[{"type":"text","text":"t"},{"type":"tool_result","tool_use_id":"x","content":"r"}]}]}""", "anthropic.messages", 3)]
    [InlineData("/api/v1/services/aigc/text-generation/generation", """{"input":{"prompt":"p","messages":[{"role":"user","content":"m"}],"history":[{"user":"u","bot":"b"}]}}""", "dashscope.generation", 4)]
    public void EachShape_ExtractsItsTexts(string path, string json, string expectedShape, int expectedCount)
    {
        var (shape, texts, result) = Extract(path, json, path.EndsWith("/messages", StringComparison.Ordinal) ? Provider.Anthropic : Provider.OpenAI);

        result.Succeeded.ShouldBeTrue();
        shape.ShouldBe(expectedShape);
        texts.Count.ShouldBe(expectedCount);
    }

    [Fact]
    public void UnknownPath_BodyLooksLikeDashScope_IsSniffed()
    {
        var (shape, texts, _) = Extract("/custom/endpoint", """{"model":"qwen","input":{"messages":[{"role":"user","content":"x"}]}}""");

        shape.ShouldBe("dashscope.generation");
        texts.ShouldHaveSingleItem().Text.ShouldBe("x");
    }

    [Fact]
    public void MessagesPath_OnNonAnthropicProvider_IsReadAsChat()
    {
        Extract("/v1/threads/t/messages", """{"messages":[{"role":"user","content":"x"}]}""").Shape.ShouldBe("openai.chat_completions");
    }

    [Theory]
    [InlineData("/v1/completions", """{"prompt":[1,2,3]}""", "TokenIds")]
    [InlineData("/v1/embeddings", """{"input":[[1],[2]]}""", "TokenIds")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":42}]}""", "Malformed")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":[{"type":"text","text":{"x":1}}]}]}""", "Malformed")]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"assistant","tool_calls":[{"function":{"arguments":{"a":1}}}]}]}""", "Malformed")]
    public void FieldsThatCannotBeInspected_FailClosed(string path, string json, string expected)
    {
        Extract(path, json).Result.Error.ToString().ShouldBe(expected);
    }

    [Fact]
    public void UnrecognisableBody_HasNoShape()
    {
        using var doc = JsonDocument.Parse("""{"data":"x"}""");
        RequestShapes.Find("/v1/unknown", doc.RootElement, Provider.OpenAI).ShouldBeNull();
    }
}
