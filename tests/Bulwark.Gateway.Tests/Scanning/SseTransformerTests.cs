using System.Buffers;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Inspection;
using Bulwark.Gateway.Pipeline;
using Bulwark.Gateway.Scanning;

namespace Bulwark.Gateway.Tests.Scanning;

public sealed class SseTransformerTests
{
    private const string Email = "jane.doe@example.com";
    private const string Secret = "sk-proj-Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr";
    private const string ErrorEvent = "{\"error\":\"blocked\"}";

    /// <summary>Response detection off, the request's email pseudonymized: the answer's placeholders are restored.</summary>
    private const string RestoreOnly = "{ enabled: false }";

    private const string DefaultDetection = "{}";

    private static SseTransformer Create(string detection, bool pseudonymized = false)
    {
        var result = ConfigLoader.Load(
            $"""
            routes:
              - name: openai
                path_prefix: /openai
                upstream: https://api.openai.com
                detection: {detection}
            """,
            "test.yaml",
            TimeProvider.System);
        var route = result.Config?.Routes[0] ?? throw new InvalidOperationException(result.Describe());
        var feature = new GatewayRequestFeature("test", 0);
        if (pseudonymized)
        {
            var request = DetectionConfigLoader.Validate(null, "detection", TimeProvider.System, (_, e) => throw new InvalidOperationException(e))!;
            RequestScanner.Scan(request, [new InspectedText($"Mail {Email} please", "user", "/messages/0/content")], feature);
            feature.Pseudonyms!.RestorableCount.ShouldBe(1);
        }

        var processor = ResponseTextProcessor.Create(route, feature) ?? throw new InvalidOperationException("nothing to process");
        return new SseTransformer(processor, _ => ErrorEvent);
    }

    private static string ChatEvent(string content, int index = 0) =>
        "data: " + JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion.chunk",
            model = "m",
            choices = new[] { new { index, delta = new { content }, finish_reason = (string?)null } },
        }) + "\n\n";

    private const string Finish =
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";

    private const string Done = "data: [DONE]\n\n";

    private static string Stream(params string[] deltas) => string.Concat(deltas.Select(d => ChatEvent(d))) + Finish + Done;

    /// <summary>Feeds the chunks one after another, then completes; returns everything sent.</summary>
    private static string Run(SseTransformer transformer, params string[] chunks) =>
        Encoding.UTF8.GetString(RunBytes(transformer, chunks.Select(Encoding.UTF8.GetBytes).ToArray()));

    private static byte[] RunBytes(SseTransformer transformer, byte[][] chunks)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var chunk in chunks)
        {
            if (!transformer.Feed(chunk, output))
            {
                break;
            }
        }

        transformer.Complete(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The data of each event sent, data lines joined as an SSE client joins them.</summary>
    private static List<string> Events(string sse)
    {
        var events = new List<string>();
        foreach (var block in sse.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var data = block.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].TrimStart(' ')).ToList();
            if (data.Count > 0)
            {
                events.Add(string.Join('\n', data));
            }
        }

        return events;
    }

    /// <summary>The chat content a client reads from the stream: every delta.content, in order.</summary>
    private static string Content(string sse)
    {
        var text = new StringBuilder();
        foreach (var data in Events(sse).Where(d => d != "[DONE]"))
        {
            using var doc = JsonDocument.Parse(data);
            if (!doc.RootElement.TryGetProperty("choices", out var choices))
            {
                continue;
            }

            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    text.Append(content.GetString());
                }
            }
        }

        return text.ToString();
    }

    [Fact]
    public void Feed_EmojiSplitIntoLoneSurrogateEscapes_IsProcessedWithReplacementCharacters_NotAnException()
    {
        var first = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi \\ud83d\"},\"finish_reason\":null}]}\n\n";
        var second = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\ude00 there, mail me at bob@example.com\"},\"finish_reason\":null}]}\n\n";

        var sent = Run(Create(DefaultDetection), first, second, Finish, Done);

        Content(sent).ShouldBe("Hi \ufffd\ufffd there, mail me at bob@example.com"); // PII in answers is logged by default, not redacted
        Events(sent).ShouldContain("[DONE]");
    }

    [Theory]
    [InlineData("{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\ud83d\\ude00\"}")] // a proper pair stays
    [InlineData("{\"a\":\"x\\ud83d\"}", "{\"a\":\"x\\ufffd\"}")]
    [InlineData("{\"a\":\"\\udc00y\"}", "{\"a\":\"\\ufffdy\"}")]
    [InlineData("{\"a\":\"\\\\ud83d\"}", "{\"a\":\"\\\\ud83d\"}")] // an escaped backslash followed by text, not an escape
    [InlineData("{\"a\":\"\\ud83d\\u0041\"}", "{\"a\":\"\\ufffd\\u0041\"}")]
    [InlineData("{\"a\":\"\\ud83", "{\"a\":\"\\ud83")] // truncated: left for the parser to refuse
    public void ReplaceLoneSurrogateEscapes_ReplacesOnlyUnpairedHalves(string json, string expected)
    {
        Encoding.UTF8.GetString(SseTransformer.ReplaceLoneSurrogateEscapes(Encoding.UTF8.GetBytes(json))).ShouldBe(expected);
    }

    [Fact]
    public void Feed_EventsWithNothingToChange_AreSentByteForByte()
    {
        // Unusual but valid formatting and escapes: a re-serialised event would differ in every one of these bytes.
        const string evt = "data: { \"id\" : \"c1\", \"choices\" : [ { \"index\" : 0, \"delta\" : { \"content\" : \"caf\\u00e9 \\\"quoted\\\" \\ud83d\\ude00 \\/ \" } } ] }\n\n";
        var transformer = Create(RestoreOnly, pseudonymized: true);

        var sent = Run(transformer, evt, evt);

        sent.ShouldBe(evt + evt);
    }

    [Fact]
    public void Feed_ZeroHoldbackAndWholeWords_SendsEventsUnchanged()
    {
        var transformer = Create("{ stream_holdback: 0 }");
        var first = ChatEvent("Hello there ");
        var second = ChatEvent("how are you? ");

        var sent = Run(transformer, first, second);

        sent.ShouldBe(first + second);
    }

    [Fact]
    public void Feed_EscapedStringWithPlaceholder_IsDecodedRestoredAndReEscaped()
    {
        var transformer = Create(RestoreOnly, pseudonymized: true);
        const string evt = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"caf\\u00e9 \\\"<EMAIL_ADDRESS_1>\\\" \\ud83d\\ude00\\n\"}}]}\n\n";

        var sent = Run(transformer, evt);

        Content(sent).ShouldBe($"café \"{Email}\" 😀\n");
        sent.ShouldStartWith("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"café \\\"" + Email + "\\\" ");
    }

    [Fact]
    public void Feed_PlaceholderSplitAcrossEvents_IsRestored()
    {
        var transformer = Create(DefaultDetection, pseudonymized: true);

        var sent = Run(transformer, Stream("I will email <EMA", "IL_ADD", "RESS_", "1", ">", " tomorrow."));

        Content(sent).ShouldBe($"I will email {Email} tomorrow.");
        sent.ShouldNotContain("EMAIL_ADDRESS");
    }

    [Fact]
    public void Feed_SecretSplitAcrossEvents_IsRedacted()
    {
        var transformer = Create(DefaultDetection);

        var sent = Run(transformer, Stream("The key is sk-proj-", "Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2", "UiOyTr and done."));

        var content = Content(sent);
        content.ShouldStartWith("The key is <");
        content.ShouldEndWith("> and done.");
        sent.ShouldNotContain("Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2");
    }

    [Fact]
    public void Feed_BlockedEntity_EndsTheStreamWithTheErrorEventAndNothingOfIt()
    {
        var transformer = Create("{ response: { CREDIT_CARD: { action: block } } }");
        var output = new ArrayBufferWriter<byte>();
        var open = true;
        foreach (var evt in new[] { "Here is a sentence long enough to leave the streaming holdback window entirely. ", "And a card: ", "4539 1488 ", "0343 6467", " enjoy", " more text that would follow" })
        {
            open = transformer.Feed(Encoding.UTF8.GetBytes(ChatEvent(evt)), output);
            if (!open)
            {
                break;
            }
        }

        var sent = Encoding.UTF8.GetString(output.WrittenSpan);
        open.ShouldBeFalse();
        transformer.Blocked.ShouldBeTrue();
        Events(sent)[^1].ShouldBe(ErrorEvent);
        sent.ShouldNotContain("4539");
        sent.ShouldNotContain("0343");
        Content(sent[..sent.LastIndexOf("data: " + ErrorEvent, StringComparison.Ordinal)]).ShouldStartWith("Here is a sentence");
    }

    [Theory]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"SECRET\",\"content\":\"fine\"}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"fine\",\"content\":\"SECRET\"}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"SECRET\"}}],\"choices\":[{\"index\":0,\"delta\":{\"content\":\"fine\"}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"SECRET\"},\"delta\":{\"content\":\"fine\"}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"SECRET\",\"\\u0063ontent\":\"fine\"}}]}")]
    public void Feed_DuplicateKeys_AreNoBypass(string payload)
    {
        var transformer = Create(DefaultDetection);

        var sent = Run(transformer, "data: " + payload.Replace("SECRET", Secret, StringComparison.Ordinal) + "\n\n" + Done);

        sent.ShouldNotContain(Secret);
        sent.ShouldNotContain("Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr");
    }

    [Fact]
    public void Feed_CrLfLineEndings_SameContentAsLf()
    {
        var lf = Stream("Mail <EMAIL_", "ADDRESS_1> and ", "the key ", Secret, " bye.");
        var crlf = lf.Replace("\n", "\r\n", StringComparison.Ordinal);

        var fromLf = Run(Create(DefaultDetection, pseudonymized: true), lf);
        var fromCrLf = Run(Create(DefaultDetection, pseudonymized: true), crlf);

        fromCrLf.ShouldBe(fromLf);
        Content(fromLf).ShouldStartWith($"Mail {Email} and the key <");
        fromLf.ShouldNotContain(Secret);
    }

    [Fact]
    public void Feed_MultiLineData_IsJoinedAndProcessed()
    {
        var transformer = Create(RestoreOnly, pseudonymized: true);
        const string evt = "event: chunk\ndata: {\"choices\":[{\"index\":0,\ndata: \"delta\":{\"content\":\"to <EMAIL_ADDRESS_1>\"}}]}\n\n";

        var sent = Run(transformer, evt);

        sent.ShouldStartWith("event: chunk\ndata: ");
        Content(sent).ShouldBe($"to {Email}");
    }

    [Fact]
    public void Feed_EventsSplitAtEveryByteOffset_SendTheSameAsWholeEvents()
    {
        // Non-ASCII text makes some split points fall inside a character's UTF-8 bytes.
        var stream = "event: x\n" + Stream("Grüße an <EMAIL_", "ADDRESS_1>, der Schlüssel ist ", Secret, " — 完了。");
        var bytes = Encoding.UTF8.GetBytes(stream);
        var whole = RunBytes(Create(DefaultDetection, pseudonymized: true), [bytes]);
        Content(Encoding.UTF8.GetString(whole)).ShouldStartWith($"Grüße an {Email}, der Schlüssel ist <");

        for (var split = 1; split < bytes.Length; split++)
        {
            var sent = RunBytes(Create(DefaultDetection, pseudonymized: true), [bytes[..split], bytes[split..]]);
            if (!sent.AsSpan().SequenceEqual(whole))
            {
                Assert.Fail($"Split at byte {split} sent something else:\n{Encoding.UTF8.GetString(sent)}");
            }
        }

        var oneByteChunks = RunBytes(Create(DefaultDetection, pseudonymized: true), bytes.Select(b => new[] { b }).ToArray());
        oneByteChunks.ShouldBe(whole);
    }

    [Fact]
    public void Feed_FastPath_SendsTheSameTextsAsTheDocumentPath()
    {
        // An escaped property name is valid JSON the fast path leaves to the document path: the same stream both ways.
        var stream = Stream("Hi, <EMAIL_ADDRESS_1> here. ", "The key: sk-proj-Xq7RtY2mN9vB4kL8", "pW3zH6jF1dS5aG0eQc2UiOyTr — ", "bye <EMAIL_", "ADDRESS_1>", " 完了");
        var documentPath = stream.Replace("{\"index\":0,\"delta\":{\"content\"", "{\"index\":0,\"delta\":{\"\\u0063ontent\"", StringComparison.Ordinal);
        documentPath.ShouldNotBe(stream);

        var fast = Run(Create(DefaultDetection, pseudonymized: true), stream);
        var slow = Run(Create(DefaultDetection, pseudonymized: true), documentPath);

        Content(fast).ShouldBe(Content(slow));
        Content(fast).ShouldStartWith($"Hi, {Email} here. The key: <");
        Content(fast).ShouldEndWith($"bye {Email} 完了");
        Events(fast).Count.ShouldBe(Events(slow).Count);
    }

    [Fact]
    public void Feed_MalformedUtf8InAText_IsReadWithReplacementCharacters()
    {
        var transformer = Create(RestoreOnly, pseudonymized: true);
        byte[] evt = [.. "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bad "u8, 0xC3, 0x28, .. " <EMAIL_ADDRESS_1>\"}}]}\n\n"u8];

        var sent = Encoding.UTF8.GetString(RunBytes(transformer, [evt]));

        Content(sent).ShouldBe($"bad \uFFFD( {Email}");
    }

    [Fact]
    public void Feed_NonJsonData_IsProcessedAsText()
    {
        var transformer = Create(DefaultDetection);

        var sent = Run(transformer, $"data: plain text with {Secret} in it\n\n");

        sent.ShouldNotContain(Secret);
        sent.ShouldStartWith("data: plain text with <");
    }

    [Fact]
    public void Feed_ToolCallArgumentsAndAnthropicAndResponsesDeltas_AreRestored()
    {
        var transformer = Create(RestoreOnly, pseudonymized: true);

        var sent = Run(
            transformer,
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"to\\\":\\\"<EMAIL_ADD\"}}]}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"RESS_1>\\\"}\"}}]}}]}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"hi <EMAIL_ADDRESS_1>\"}}\n\n",
            "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"content_index\":0,\"delta\":\"to <EMAIL_ADDRESS_1>\"}\n\n");

        var events = Events(sent);
        string.Concat(events.Take(2).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0]
            .GetProperty("function").GetProperty("arguments").GetString())).ShouldBe($"{{\"to\":\"{Email}\"}}");
        sent.ShouldContain("event: content_block_delta\ndata: ");
        JsonDocument.Parse(events[2]).RootElement.GetProperty("delta").GetProperty("text").GetString().ShouldBe($"hi {Email}");
        JsonDocument.Parse(events[3]).RootElement.GetProperty("delta").GetString().ShouldBe($"to {Email}");
        sent.ShouldNotContain("EMAIL_ADDRESS");
    }
}
