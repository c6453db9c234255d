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
        var feature = new GatewayRequestFeature("test", 0);
        if (pseudonymized)
        {
            var request = DetectionConfigLoader.Validate(null, "detection", TimeProvider.System, (_, e) => throw new InvalidOperationException(e))!;
            RequestScanner.Scan(request, [new InspectedText($"Mail {Email} please", "user", "/messages/0/content")], feature);
            feature.Pseudonyms!.RestorableCount.ShouldBe(1);
        }

        return new SseTransformer(TestProcessors.For(detection, feature), _ => ErrorEvent);
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

    private const string SecretBody = "Xq7RtY2mN9vB4kL8pW3zH6jF1dS5aG0eQc2UiOyTr";

    /// <summary>A response rule that redacts e-mail addresses, beside the default credential rules.</summary>
    private const string RedactEmail = "{ response: { EMAIL_ADDRESS: { action: redact }, OPENAI_API_KEY: { action: redact } } }";

    /// <summary>What a client that decodes JSON escapes could read: the sent bytes with every \uXXXX escape decoded.</summary>
    private static string Decoded(string sent) =>
        System.Text.RegularExpressions.Regex.Replace(sent, @"\\u([0-9a-fA-F]{4})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    private static void ShouldNotLeak(string sent)
    {
        var decoded = Decoded(sent);
        decoded.ShouldNotContain(SecretBody);
        decoded.ShouldNotContain(Email);
    }

    [Theory]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"mail TEXT now\"}]}}]}")] // content parts
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"mail TEXT now\"}]}]}}]}")] // nested parts
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":{\"text\":\"mail TEXT now\"}}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"audio\":{\"transcript\":\"mail TEXT now\"}}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"mail TEXT now\"}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"arguments\":\"mail TEXT now\"}}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"message\":{\"content\":\"mail TEXT now\"}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"logprobs\":{\"content\":[{\"token\":\"mail TEXT now\",\"logprob\":-0.1}]}}]}")]
    [InlineData("{\"obfuscation\":\"mail TEXT now\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}],\"note\":[\"mail TEXT now\"]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"message\":{\"content\":\"mail TEXT now\"}}]}")] // document path
    [InlineData("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":\"mail TEXT now\"}")]
    [InlineData("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{\"cited_text\":\"mail TEXT now\"}}}")]
    [InlineData("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\",\"extra\":\"mail TEXT now\"}}")]
    [InlineData("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":[\"mail TEXT now\"]}}")]
    [InlineData("{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"content_index\":0,\"delta\":\"hi\",\"obfuscation\":\"mail TEXT now\"}")]
    [InlineData("{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"content_index\":0,\"delta\":\"hi\",\"logprobs\":[{\"token\":\"mail TEXT now\"}]}")]
    public void Feed_TextOutsideTheKnownDeltaFields_IsStillRedacted(string payload)
    {
        foreach (var text in new[] { Email, Secret })
        {
            var sent = Run(Create(RedactEmail), "data: " + payload.Replace("TEXT", text, StringComparison.Ordinal) + "\n\n", Done);

            ShouldNotLeak(sent);
        }
    }

    [Fact]
    public void Feed_ChatContentPartsSplitAcrossEvents_AreRedactedAsOneSequence()
    {
        static string Part(string text) =>
            "data: " + JsonSerializer.Serialize(new { choices = new[] { new { index = 0, delta = new { content = new[] { new { type = "text", text } } } } } }) + "\n\n";

        var sent = Run(Create(RedactEmail), Part("Write to jane.doe"), Part("@example.com today"), Finish, Done);

        ShouldNotLeak(sent);
        Decoded(sent).ShouldNotContain("@example.com");
    }

    [Theory]
    [InlineData("event: x\rdata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"mail TEXT now\"}}]}\n\n")]
    [InlineData(": keep-alive\rdata: mail TEXT now\n\n")]
    [InlineData("id: 7\rdata: mail TEXT now\r\r")]
    public void Feed_BareCarriageReturnEndsALine_AsItDoesForClients(string stream)
    {
        foreach (var text in new[] { Email, Secret })
        {
            var sent = Run(Create(RedactEmail), stream.Replace("TEXT", text, StringComparison.Ordinal), Done);

            ShouldNotLeak(sent);
        }
    }

    [Theory]
    [InlineData("text: mail TEXT now\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n")] // unknown field
    [InlineData("mail TEXT now\n\n")] // a line without a colon is a field name
    [InlineData(": mail TEXT now\n\n")] // a comment
    [InlineData("event: mail TEXT now\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n")]
    [InlineData("id: mail TEXT now\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n")]
    [InlineData("\uFEFFdata: mail TEXT now\n\n")] // a byte order mark, which clients drop, before the first line
    public void Feed_LinesOtherThanData_AreProcessedToo(string stream)
    {
        foreach (var text in new[] { Email, Secret })
        {
            var sent = Run(Create(RedactEmail), stream.Replace("TEXT", text, StringComparison.Ordinal), Done);

            ShouldNotLeak(sent);
        }
    }

    [Fact]
    public void Feed_OrdinaryEventAndIdLines_AreSentAsTheyCame()
    {
        const string evt = "event: content_block_delta\nid: 42\nretry: 3000\n: ping\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello there \"}}\n\n";
        var transformer = Create("{ stream_holdback: 0 }");

        var sent = Run(transformer, evt, evt);

        sent.ShouldBe(evt + evt);
    }

    [Theory]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"fine\",\"content\":\"key ESCAPED now\"}}]}")] // a property twice, clients read the last
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"key ESCAPED now\"},\"deep\":DEEP}]}")] // nested deeper than the parser's default limit
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"key ESCAPED now\"},\"logprob\":NaN}]}")] // Python's json reads NaN
    [InlineData("\"key ESCAPED now\"")] // a JSON string, not an object
    [InlineData("[\"key ESCAPED now\"]")]
    public void Feed_JsonTheGatewayCannotReadAsADocument_WithAnEscapedSecret_IsNoBypass(string payload)
    {
        // \u0074 is "t": the raw text holds no whole key, but a client that decodes the JSON reads one.
        var escaped = Secret.Replace("Xq7Rt", "Xq7R\\u0074", StringComparison.Ordinal);
        var deep = new string('[', 70) + new string(']', 70);

        var sent = Run(Create(DefaultDetection), "data: " + payload.Replace("ESCAPED", escaped, StringComparison.Ordinal).Replace("DEEP", deep, StringComparison.Ordinal) + "\n\n", Done);

        ShouldNotLeak(sent);
    }

    [Fact]
    public void Feed_EmailWithEscapedAtSign_IsRedacted()
    {
        const string evt = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"mail jane.doe\\u0040example.com now\"}}]}\n\n";

        var sent = Run(Create(RedactEmail), evt, Finish, Done);

        ShouldNotLeak(sent);
    }

    [Fact]
    public void Feed_AnEventLargerThanTheLimit_EndsTheStreamInsteadOfBufferingWithoutBound()
    {
        var transformer = Create(DefaultDetection);
        var output = new ArrayBufferWriter<byte>();
        var megabyte = Encoding.UTF8.GetBytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + new string('a', (1024 * 1024) - 60));
        var open = true;
        for (var i = 0; i < 64 && open; i++)
        {
            open = transformer.Feed(i == 0 ? megabyte : megabyte.AsSpan(6), output);
        }

        open.ShouldBeFalse();
        transformer.Blocked.ShouldBeTrue();
        Events(Encoding.UTF8.GetString(output.WrittenSpan)).ShouldHaveSingleItem().ShouldBe(ErrorEvent);
    }

    [Fact]
    public void Feed_ManyLinesInOneEvent_EndsTheStreamOnceOverTheLimit()
    {
        var transformer = Create(DefaultDetection);
        var output = new ArrayBufferWriter<byte>();
        var lines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(": x\n", 1024 * 1024 / 4)));
        var open = true;
        for (var i = 0; i < 64 && open; i++)
        {
            open = transformer.Feed(lines, output);
        }

        open.ShouldBeFalse();
    }

    [Fact]
    public void Feed_TooManyOpenSequences_EndsTheStream()
    {
        var transformer = Create(DefaultDetection);
        var output = new ArrayBufferWriter<byte>();
        var open = true;
        for (var i = 0; i < 100_000 && open; i++)
        {
            open = transformer.Feed(Encoding.UTF8.GetBytes(ChatEvent("held", index: i)), output);
        }

        open.ShouldBeFalse();
    }

    [Fact]
    public void Feed_AnObjectWithManyProperties_IsReadInLinearTime()
    {
        var payload = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]," + string.Join(',', Enumerable.Range(0, 200_000).Select(i => $"\"p{i}\":0")) + "}";
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Run(Create(DefaultDetection), "data: " + payload + "\n\n", Done);

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"PART\"}}]}")] // OpenRouter's reasoning text
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"arguments\":\"PART\"}}}]}")] // the legacy function call
    [InlineData("{\"type\":\"response.refusal.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"PART\"}")]
    [InlineData("{\"type\":\"response.reasoning_text.delta\",\"item_id\":\"rs_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"PART\"}")]
    [InlineData("{\"type\":\"response.custom_tool_call_input.delta\",\"item_id\":\"ctc_1\",\"output_index\":0,\"delta\":\"PART\"}")]
    public void Feed_SecretSplitAcrossEventsOfAnotherStreamedText_IsRedacted(string template)
    {
        string Event(string part) => "data: " + template.Replace("PART", part, StringComparison.Ordinal) + "\n\n";

        var sent = Run(Create(DefaultDetection), Event("The key is sk-proj-Xq7RtY2mN9vB4"), Event("kL8pW3zH6jF1dS5aG0eQc2UiOyTr and done."), Done);

        sent.ShouldNotContain("kL8pW3zH6jF1dS5aG0eQc2UiOyTr");
        sent.ShouldNotContain("Xq7RtY2mN9vB4");
    }

    [Theory]
    [InlineData(false)] // fast path: the delta events are rewritten in place
    [InlineData(true)]  // document path: an unknown field beside the delta sends the event through the parser
    public void Complete_ResponsesTextHeldBackAtTheEnd_IsReleasedAsTheSameKindOfDeltaForTheSameItem(bool documentPath)
    {
        // No .done event and no [DONE]: the stream just ends with the text still held back.
        var extra = documentPath ? ",\"extra\":{\"n\":1}" : string.Empty;
        var sent = Run(
            Create(RedactEmail),
            "event: response.refusal.delta\ndata: {\"type\":\"response.refusal.delta\",\"item_id\":\"msg_7\",\"output_index\":2,\"content_index\":1,\"delta\":\"I will not write to jane.doe@example.com\"" + extra + "}\n\n");

        var last = sent.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1];
        last.ShouldStartWith("event: response.refusal.delta\n");
        using var evt = JsonDocument.Parse(Events(sent)[^1]);
        evt.RootElement.GetProperty("type").GetString().ShouldBe("response.refusal.delta");
        evt.RootElement.GetProperty("item_id").GetString().ShouldBe("msg_7");
        evt.RootElement.GetProperty("output_index").GetInt32().ShouldBe(2);
        evt.RootElement.GetProperty("content_index").GetInt32().ShouldBe(1);
        string.Concat(Events(sent).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("delta").GetString())).ShouldBe("I will not write to <EMAIL_ADDRESS_1>");
    }

    [Theory]
    [InlineData(false)] // released at [DONE]
    [InlineData(true)]  // released by the finishing chunk
    public void Feed_LegacyFunctionCallArguments_AreOneSequence_AndComeBackInTheirField(bool finish)
    {
        string Event(string part) => "data: {\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"arguments\":" + JsonSerializer.Serialize(part) + "}}}]}\n\n";
        var end = finish ? "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"function_call\"}]}\n\n" : string.Empty;

        var sent = Run(Create(RedactEmail), "data: {\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"name\":\"send\",\"arguments\":\"\"}}}]}\n\n",
            Event("{\"to\":\"jane.doe@exa"), Event("mple.com\"}"), end + Done);

        var arguments = string.Concat(Events(sent).Where(e => e != "[DONE]").Select(e =>
            JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta") is var d && d.TryGetProperty("function_call", out var f) && f.TryGetProperty("arguments", out var a)
                ? a.GetString()
                : string.Empty));
        arguments.ShouldBe("{\"to\":\"<EMAIL_ADDRESS_1>\"}");
    }

    [Fact]
    public void Feed_AnthropicBlockStartText_ContinuesIntoItsDeltas()
    {
        var sent = Run(
            Create(DefaultDetection),
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"The key is sk-proj-Xq7RtY2mN9vB4\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"kL8pW3zH6jF1dS5aG0eQc2UiOyTr and done.\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");

        sent.ShouldNotContain("kL8pW3zH6jF1dS5aG0eQc2UiOyTr");
        sent.ShouldNotContain("Xq7RtY2mN9vB4");
    }

    [Fact]
    public void Feed_BlockedAnthropicStream_EndsWithAnEventNamedError()
    {
        // Anthropic's SDKs raise on "event: error" and skip events without a name: a data-only error would read as an
        // answer that simply stopped.
        var feature = new GatewayRequestFeature("test", 0);
        var transformer = new SseTransformer(TestProcessors.For("{ response: { CREDIT_CARD: { action: block } } }", feature), _ => ErrorEvent, errorEventName: "error");

        var sent = Run(
            transformer,
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Card 4539 1488 0343 6467 ok\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");

        transformer.Blocked.ShouldBeTrue();
        sent.ShouldEndWith("event: error\ndata: " + ErrorEvent + "\n\n");
        sent.ShouldNotContain("4539");
    }

    [Theory]
    [InlineData("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"mail TEXT now\"}]}}")]
    [InlineData("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"mail TEXT now\"}}")]
    [InlineData("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":\"mail TEXT now\"}}")]
    public void Feed_AnthropicEventsBesideTheDeltas_HaveTheirTextProcessed(string payload)
    {
        // Guards: these shapes were already processed whole by the document path.
        foreach (var text in new[] { Email, Secret })
        {
            var sent = Run(Create(RedactEmail), "data: " + payload.Replace("TEXT", text, StringComparison.Ordinal) + "\n\n");

            ShouldNotLeak(sent);
        }
    }

    [Theory]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"PART\"}}]}", "{\"choices\":[{\"index\":0.0,\"delta\":{\"content\":\"PART\"}}]}")]
    [InlineData("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"PART\"}}]}}]}", "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1e0,\"function\":{\"arguments\":\"PART\"}}]}}]}")]
    [InlineData("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"PART\"}}", "{\"type\":\"content_block_delta\",\"index\":-0,\"delta\":{\"type\":\"text_delta\",\"text\":\"PART\"}}")]
    [InlineData("{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"content_index\":0,\"delta\":\"PART\"}", "{\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"content_index\":0.0,\"delta\":\"PART\"}")]
    public void Feed_AnotherSpellingOfTheSameIndex_ContinuesTheSameSequence(string first, string second)
    {
        // Clients compare indexes as numbers: both halves land in one text for them, so they must for the gateway.
        var sent = Run(
            Create(DefaultDetection),
            "data: " + first.Replace("PART", "The key is sk-proj-Xq7RtY2mN9vB4", StringComparison.Ordinal) + "\n\n",
            "data: " + second.Replace("PART", "kL8pW3zH6jF1dS5aG0eQc2UiOyTr and done.", StringComparison.Ordinal) + "\n\n",
            Done);

        sent.ShouldNotContain("kL8pW3zH6jF1dS5aG0eQc2UiOyTr");
        sent.ShouldNotContain("Xq7RtY2mN9vB4");
    }
}
