using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Bulwark.Gateway.Scanning;

/// <summary>
/// Rewrites a server-sent event stream as it passes: every delta sequence (one chat choice's content, one tool
/// call's arguments, one Anthropic content block, one Responses output text) runs through its own streaming
/// pipeline, which holds back only what an entity or placeholder still being completed needs. Held-back text is
/// released when its sequence ends (a finish reason, a block stop, a done event, or <c>[DONE]</c>). Events the
/// transformer does not know have every text field processed whole. When a response rule blocks, the stream ends
/// with an OpenAI-shaped error event.
/// </summary>
/// <remarks>
/// Most events are plain deltas: <see cref="DeltaEventReader"/> finds their texts in the UTF-8 bytes, and the event is
/// sent as it came with only the texts that changed spliced in. Every other event (a finish, a stop, an unknown
/// shape, anything the reader is unsure of) goes through the document path: parsed, processed, serialised again.
/// </remarks>
internal sealed class SseTransformer(ResponseTextProcessor processor, Func<IReadOnlyList<string>, string> errorEvent)
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>A data payload with the same property twice is read as text, not guessed at as JSON.</summary>
    private static readonly JsonDocumentOptions NoDuplicates = new() { AllowDuplicateProperties = false };

    private readonly Dictionary<string, ResponseTextProcessor.DeltaPipeline> _streams = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private readonly ArrayBufferWriter<byte> _event = new(1024);
    private readonly List<(int Start, int Length)> _lines = [];
    private readonly ArrayBufferWriter<byte> _payload = new(1024);
    private readonly ArrayBufferWriter<byte> _lastChatEnvelope = new(512);
    private readonly ArrayBufferWriter<byte> _spliced = new(1024);
    private readonly List<(int Start, int Length, string Text)> _splices = [];
    private readonly DeltaEventReader _reader = new();
    private Utf8JsonWriter? _escaper;

    public bool Blocked { get; private set; }

    /// <summary>Consumes upstream bytes and writes what can be sent now. Returns false once the stream is blocked.</summary>
    public bool Feed(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        while (!chunk.IsEmpty && !Blocked)
        {
            var newline = chunk.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _line.Write(chunk);
                break;
            }

            ReadOnlySpan<byte> line;
            if (_line.WrittenCount == 0)
            {
                line = chunk[..newline];
            }
            else
            {
                _line.Write(chunk[..newline]);
                line = _line.WrittenSpan;
            }

            chunk = chunk[(newline + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                Dispatch(output);
            }
            else
            {
                AddLine(line);
            }

            _line.ResetWrittenCount();
        }

        return !Blocked;
    }

    /// <summary>The upstream stream ended: send any partial event and release everything held back.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (Blocked)
        {
            return;
        }

        if (_line.WrittenCount > 0)
        {
            AddLine(_line.WrittenSpan);
            _line.ResetWrittenCount();
        }

        Dispatch(output);
        FlushAll(output);
    }

    private void AddLine(ReadOnlySpan<byte> line)
    {
        _lines.Add((_event.WrittenCount, line.Length));
        _event.Write(line);
    }

    private void Dispatch(IBufferWriter<byte> output)
    {
        if (_lines.Count == 0)
        {
            return;
        }

        var payload = JoinData(out var hasData);
        if (!hasData)
        {
            WriteUpstreamEvent(output, default, hasData: false);
        }
        else if (payload.SequenceEqual("[DONE]"u8))
        {
            FlushAll(output);
            if (!Blocked)
            {
                WriteUpstreamEvent(output, payload);
            }
        }
        else if (!TryRewriteDeltas(payload, output))
        {
            ProcessDocument(payload, output);
        }

        _lines.Clear();
        _event.ResetWrittenCount();
    }

    /// <summary>The event's data lines joined by newlines (without copying when there is one), as SSE defines.</summary>
    private ReadOnlySpan<byte> JoinData(out bool hasData)
    {
        var written = _event.WrittenSpan;
        ReadOnlySpan<byte> single = default;
        var count = 0;
        foreach (var (start, length) in _lines)
        {
            var line = written.Slice(start, length);
            if (!line.StartsWith("data:"u8))
            {
                continue;
            }

            var data = line[5..];
            if (!data.IsEmpty && data[0] == (byte)' ')
            {
                data = data[1..];
            }

            if (count == 0)
            {
                single = data;
            }
            else
            {
                if (count == 1)
                {
                    _payload.ResetWrittenCount();
                    _payload.Write(single);
                }

                _payload.Write(NewLine);
                _payload.Write(data);
            }

            count++;
        }

        hasData = count > 0;
        return count > 1 ? _payload.WrittenSpan : single;
    }

    /// <summary>
    /// The fast path for a plain delta event: each text goes through its sequence's pipeline; the event goes out as it
    /// came, with only the texts that changed replaced. False when the event needs the document path (nothing has
    /// been processed then).
    /// </summary>
    private bool TryRewriteDeltas(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        if (!_reader.TryRead(payload))
        {
            return false;
        }

        if (_reader.IsChat)
        {
            KeepChatEnvelope(payload);
        }

        _splices.Clear();
        var lookup = _streams.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var text in _reader.Texts)
        {
            var key = _reader.Key(text);
            if (!lookup.TryGetValue(key, out var stream))
            {
                stream = processor.CreateStream();
                lookup[key] = stream;
            }

            switch (stream.Write(_reader.Chars(text), out var processed))
            {
                case ResponseTextProcessor.DeltaOutcome.Blocked:
                    Block(output);
                    return true;
                case ResponseTextProcessor.DeltaOutcome.Replaced:
                    _splices.Add((text.TokenStart, text.TokenLength, processed));
                    break;
            }
        }

        if (_splices.Count == 0)
        {
            WriteUpstreamEvent(output, payload);
            return true;
        }

        // Splice in document order; the texts were processed in the document path's order.
        if (_splices.Count > 1)
        {
            _splices.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        }

        _spliced.ResetWrittenCount();
        var at = 0;
        foreach (var (start, length, replacement) in _splices)
        {
            _spliced.Write(payload[at..start]);
            WriteJsonString(replacement);
            at = start + length;
        }

        _spliced.Write(payload[at..]);
        WriteUpstreamEvent(output, _spliced.WrittenSpan);
        return true;
    }

    /// <summary>Writes a JSON string token, escaped as the document path's serialiser escapes it.</summary>
    private void WriteJsonString(string text)
    {
        if (_escaper is null)
        {
            _escaper = new Utf8JsonWriter(_spliced, new JsonWriterOptions { Encoder = JsonRewriter.Options.Encoder });
        }
        else
        {
            _escaper.Reset(_spliced);
        }

        _escaper.WriteStringValue(text);
        _escaper.Flush();
    }

    private void KeepChatEnvelope(ReadOnlySpan<byte> payload)
    {
        _lastChatEnvelope.ResetWrittenCount();
        _lastChatEnvelope.Write(payload);
    }

    /// <summary>
    /// JSON allows <c>\ud83d</c> without its low half (a model's emoji split across two events), but a .NET string read
    /// from it throws. Such escapes become U+FFFD, as invalid UTF-8 does, so the event is processed instead of ending
    /// the stream. Returns <paramref name="payload"/> itself when there is nothing to replace.
    /// </summary>
    internal static ReadOnlySpan<byte> ReplaceLoneSurrogateEscapes(ReadOnlySpan<byte> payload)
    {
        if (payload.IndexOf("\\u"u8) < 0)
        {
            return payload;
        }

        byte[]? copy = null;
        for (var i = 0; i < payload.Length - 1; i++)
        {
            if (payload[i] != (byte)'\\')
            {
                continue;
            }

            if (payload[i + 1] != (byte)'u' || !TryHex4(payload, i + 2, out var unit))
            {
                i++; // an escape pair such as \\ or \": its second character starts nothing
                continue;
            }

            var isHigh = unit is >= 0xD800 and <= 0xDBFF;
            var isLow = unit is >= 0xDC00 and <= 0xDFFF;
            if (isHigh && i + 12 <= payload.Length && payload[i + 6] == (byte)'\\' && payload[i + 7] == (byte)'u'
                && TryHex4(payload, i + 8, out var next) && next is >= 0xDC00 and <= 0xDFFF)
            {
                i += 11; // a proper pair
                continue;
            }

            if (isHigh || isLow)
            {
                copy ??= payload.ToArray();
                "\\ufffd"u8.CopyTo(copy.AsSpan(i));
            }

            i += 5;
        }

        return copy ?? payload;

        static bool TryHex4(ReadOnlySpan<byte> text, int start, out int value)
        {
            value = 0;
            if (start + 4 > text.Length || !Utf8Parser.TryParse(text.Slice(start, 4), out ushort unit, out var consumed, 'X') || consumed != 4)
            {
                return false;
            }

            value = unit;
            return true;
        }
    }

    /// <summary>The document path: any event the fast path does not take, processed as a JSON document or as text.</summary>
    private void ProcessDocument(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        payload = ValidUtf8(payload); // data was always read as text

        payload = ReplaceLoneSurrogateEscapes(payload);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(payload, documentOptions: NoDuplicates);
        }
        catch (JsonException)
        {
            node = null;
        }

        if (node is not JsonObject obj)
        {
            // Not JSON (or JSON with a property twice): nothing structured to process; text is still never released unprocessed.
            var processed = processor.ProcessWhole(Encoding.UTF8.GetString(payload));
            if (processed is null)
            {
                Block(output);
                return;
            }

            WriteUpstreamEvent(output, Encoding.UTF8.GetBytes(processed));
            return;
        }

        bool ok;
        if (obj["choices"] is JsonArray choices)
        {
            KeepChatEnvelope(payload);
            ok = ProcessChat(choices);
        }
        else
        {
            ok = TypeOf(obj) switch
            {
                "content_block_delta" => ProcessDelta(obj["delta"] as JsonObject, $"a{obj["index"]}.", ["text", "partial_json", "thinking"]),
                "content_block_stop" => FlushBefore(output, $"a{obj["index"]}.", key => AnthropicDelta(obj, key)),
                "response.output_text.delta" or "response.function_call_arguments.delta" or "response.reasoning_summary_text.delta" =>
                    ProcessDelta(obj, $"r{obj["item_id"]}.{obj["content_index"]}.", ["delta"]),
                "response.output_text.done" or "response.function_call_arguments.done" or "response.reasoning_summary_text.done" =>
                    FlushBefore(output, $"r{obj["item_id"]}.{obj["content_index"]}.", key => ResponsesDelta(obj, key)) && Whole(obj),
                _ => Whole(obj),
            };
        }

        if (!ok)
        {
            Block(output);
            return;
        }

        WriteUpstreamEvent(output, JsonSerializer.SerializeToUtf8Bytes(obj, JsonRewriter.Options));
    }

    private bool ProcessChat(JsonArray choices)
    {
        for (var c = 0; c < choices.Count; c++)
        {
            if (choices[c] is not JsonObject choice)
            {
                continue;
            }

            var index = choice["index"]?.ToString() ?? c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var keyPrefix = $"c{index}.";
            var delta = choice["delta"] as JsonObject;
            if (!ProcessDelta(delta, keyPrefix, ["content", "reasoning_content", "refusal"])
                || !ProcessDelta(choice, keyPrefix, ["text"]))
            {
                return false;
            }

            if (delta?["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls)
                {
                    if (call is JsonObject callObj && callObj["function"] is JsonObject function
                        && !ProcessDelta(function, $"{keyPrefix}t{callObj["index"]}.", ["arguments"]))
                    {
                        return false;
                    }
                }
            }

            // The choice ends here: release what its sequences still hold, in this same event.
            if (choice["finish_reason"] is JsonValue finish && finish.GetValueKind() == JsonValueKind.String)
            {
                foreach (var (key, text) in TakeFlushed(keyPrefix))
                {
                    if (text is null)
                    {
                        return false;
                    }

                    AppendChatText(choice, key[keyPrefix.Length..], text);
                }
            }
        }

        return true;
    }

    private bool ProcessDelta(JsonObject? container, string keyPrefix, ReadOnlySpan<string> fields)
    {
        if (container is null)
        {
            return true;
        }

        foreach (var field in fields)
        {
            if (container[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                var key = keyPrefix + field;
                if (!_streams.TryGetValue(key, out var stream))
                {
                    stream = processor.CreateStream();
                    _streams[key] = stream;
                }

                var text = stream.Write(value.GetValue<string>());
                if (text is null)
                {
                    return false;
                }

                container[field] = JsonValue.Create(text);
            }
        }

        return true;
    }

    /// <summary>Before this event, sends one synthetic delta event per sequence with held-back text.</summary>
    private bool FlushBefore(IBufferWriter<byte> output, string keyPrefix, Func<string, Func<string, JsonObject>> build)
    {
        foreach (var (key, text) in TakeFlushed(keyPrefix))
        {
            if (text is null)
            {
                return false;
            }

            var evt = build(key)(text);
            WriteEvent(output, evt["type"] is { } t ? $"event: {t}" : null, evt.ToJsonString(JsonRewriter.Options));
        }

        return true;
    }

    private static Func<string, JsonObject> AnthropicDelta(JsonObject stop, string key)
    {
        var field = key[(key.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var deltaType = field switch { "partial_json" => "input_json_delta", "thinking" => "thinking_delta", _ => "text_delta" };
        return text => new JsonObject
        {
            ["type"] = "content_block_delta",
            ["index"] = stop["index"]?.DeepClone(),
            ["delta"] = new JsonObject { ["type"] = deltaType, [field] = text },
        };
    }

    private static Func<string, JsonObject> ResponsesDelta(JsonObject done, string key)
    {
        var type = TypeOf(done)!.Replace(".done", ".delta", StringComparison.Ordinal);
        return text =>
        {
            var evt = new JsonObject { ["type"] = type };
            foreach (var field in (ReadOnlySpan<string>)["item_id", "output_index", "content_index"])
            {
                if (done[field] is { } value)
                {
                    evt[field] = value.DeepClone();
                }
            }

            evt["delta"] = text;
            return evt;
        };
    }

    private bool Whole(JsonObject obj) => JsonResponseRewriter.Process(obj, processor, out _);

    private IEnumerable<(string Key, string? Text)> TakeFlushed(string keyPrefix)
    {
        List<(string, string?)>? flushed = null;
        foreach (var key in _streams.Keys.Where(k => k.StartsWith(keyPrefix, StringComparison.Ordinal)).ToList())
        {
            var text = _streams[key].Flush();
            _streams.Remove(key);
            if (text is null || text.Length > 0)
            {
                (flushed ??= []).Add((key, text));
            }
        }

        return flushed ?? [];
    }

    /// <summary>At [DONE] or end of stream: release every sequence still open, as one synthetic chat chunk.</summary>
    private void FlushAll(IBufferWriter<byte> output)
    {
        if (_streams.Count == 0)
        {
            return;
        }

        var chatChoices = new JsonArray();
        foreach (var (key, text) in TakeFlushed(string.Empty))
        {
            if (text is null)
            {
                Block(output);
                return;
            }

            if (key.StartsWith('c'))
            {
                var dot = key.IndexOf('.', StringComparison.Ordinal);
                var choice = new JsonObject { ["index"] = int.TryParse(key.AsSpan(1, dot - 1), out var i) ? i : 0, ["delta"] = new JsonObject() };
                AppendChatText(choice, key[(dot + 1)..], text);
                chatChoices.Add(choice);
            }
            else if (key.StartsWith('a'))
            {
                var index = key[1..key.IndexOf('.', StringComparison.Ordinal)];
                var evt = AnthropicDelta(new JsonObject { ["index"] = int.TryParse(index, out var i) ? i : 0 }, key)(text);
                WriteEvent(output, "event: content_block_delta", evt.ToJsonString(JsonRewriter.Options));
            }
            else
            {
                WriteEvent(output, null, new JsonObject { ["type"] = "response.output_text.delta", ["delta"] = text }.ToJsonString(JsonRewriter.Options));
            }
        }

        if (chatChoices.Count > 0)
        {
            var chunk = (_lastChatEnvelope.WrittenCount > 0 ? JsonNode.Parse(_lastChatEnvelope.WrittenSpan, documentOptions: NoDuplicates) as JsonObject : null)
                ?? new JsonObject { ["object"] = "chat.completion.chunk" };
            chunk["choices"] = chatChoices;
            chunk.Remove("usage");
            WriteEvent(output, null, chunk.ToJsonString(JsonRewriter.Options));
        }
    }

    /// <summary>Puts released text where it belongs in a chat choice: delta content, tool call arguments, or text.</summary>
    private static void AppendChatText(JsonObject choice, string field, string text)
    {
        if (field == "text")
        {
            choice["text"] = (choice["text"]?.GetValue<string>() ?? string.Empty) + text;
            return;
        }

        if (choice["delta"] is not JsonObject delta)
        {
            delta = new JsonObject();
            choice["delta"] = delta;
        }

        if (field.StartsWith('t'))
        {
            // "t{index}.arguments"
            var index = int.TryParse(field.AsSpan(1, field.IndexOf('.', StringComparison.Ordinal) - 1), out var i) ? i : 0;
            if (delta["tool_calls"] is not JsonArray calls)
            {
                calls = [];
                delta["tool_calls"] = calls;
            }

            var call = calls.OfType<JsonObject>().FirstOrDefault(c => c["index"]?.GetValue<int>() == index);
            if (call is null)
            {
                call = new JsonObject { ["index"] = index, ["function"] = new JsonObject() };
                calls.Add(call);
            }

            var function = call["function"] as JsonObject ?? new JsonObject();
            call["function"] = function;
            function["arguments"] = (function["arguments"]?.GetValue<string>() ?? string.Empty) + text;
            return;
        }

        delta[field] = (delta[field]?.GetValue<string>() ?? string.Empty) + text;
    }

    private void Block(IBufferWriter<byte> output)
    {
        if (Blocked)
        {
            return;
        }

        Blocked = true;
        WriteEvent(output, null, errorEvent(processor.BlockedEntities ?? []));
    }

    private static string? TypeOf(JsonObject obj) =>
        obj["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;

    /// <summary>Sends an event the gateway made (a released tail, the error): an optional event line, then its data.</summary>
    private static void WriteEvent(IBufferWriter<byte> output, string? eventLine, string data)
    {
        if (eventLine is not null)
        {
            output.Write(Encoding.UTF8.GetBytes(eventLine));
            output.Write(NewLine);
        }

        WriteData(output, Encoding.UTF8.GetBytes(data));
    }

    /// <summary>Sends the upstream's current event: its other lines (event, id, comments) as they came, then the data.</summary>
    private void WriteUpstreamEvent(IBufferWriter<byte> output, ReadOnlySpan<byte> data, bool hasData = true)
    {
        var written = _event.WrittenSpan;
        foreach (var (start, length) in _lines)
        {
            var line = written.Slice(start, length);
            if (line.StartsWith("data:"u8))
            {
                continue;
            }

            output.Write(ValidUtf8(line)); // lines were always sent as text
            output.Write(NewLine);
        }

        if (hasData)
        {
            WriteData(output, data);
        }
        else
        {
            output.Write(NewLine);
        }
    }

    /// <summary>The bytes themselves when they are valid UTF-8; otherwise with each malformed sequence as U+FFFD, not an exception.</summary>
    private static ReadOnlySpan<byte> ValidUtf8(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? bytes : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes));

    /// <summary>One <c>data:</c> line per line of <paramref name="data"/>, then the blank line that ends the event.</summary>
    private static void WriteData(IBufferWriter<byte> output, ReadOnlySpan<byte> data)
    {
        while (true)
        {
            var newline = data.IndexOf((byte)'\n');
            output.Write("data: "u8);
            output.Write(newline < 0 ? data : data[..newline]);
            output.Write(NewLine);
            if (newline < 0)
            {
                break;
            }

            data = data[(newline + 1)..];
        }

        output.Write(NewLine);
    }
}
