using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Scanning;

/// <summary>
/// Rewrites a server-sent event stream as it passes: every delta sequence (one chat choice's content, one tool
/// call's arguments, one Anthropic content block, one Responses output text) runs through its own streaming
/// pipeline, which holds back only what an entity or placeholder still being completed needs. Held-back text is
/// released when its sequence ends (a finish reason, a block stop, a done event, or <c>[DONE]</c>). Events the
/// transformer does not know have every text field processed whole. When a response rule blocks, the stream ends
/// with an OpenAI-shaped error event.
/// </summary>
internal sealed class SseTransformer(ResponseTextProcessor processor, Func<IReadOnlyList<string>, string> errorEvent)
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly Dictionary<string, ResponseTextProcessor.DeltaPipeline> _streams = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private readonly List<string> _eventLines = [];
    private JsonObject? _lastChatEnvelope;

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

            _line.Write(chunk[..newline]);
            chunk = chunk[(newline + 1)..];
            var span = _line.WrittenSpan;
            if (!span.IsEmpty && span[^1] == (byte)'\r')
            {
                span = span[..^1];
            }

            var line = Encoding.UTF8.GetString(span);
            _line.ResetWrittenCount();
            if (line.Length == 0)
            {
                Dispatch(output);
            }
            else
            {
                _eventLines.Add(line);
            }
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
            _eventLines.Add(Encoding.UTF8.GetString(_line.WrittenSpan));
            _line.ResetWrittenCount();
        }

        if (_eventLines.Count > 0)
        {
            Dispatch(output);
        }

        FlushAll(output);
    }

    private void Dispatch(IBufferWriter<byte> output)
    {
        if (_eventLines.Count == 0)
        {
            return;
        }

        string? data = null;
        var prefix = new List<string>();
        foreach (var line in _eventLines)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var payload = line.AsSpan(5);
                if (!payload.IsEmpty && payload[0] == ' ')
                {
                    payload = payload[1..];
                }

                data = data is null ? payload.ToString() : data + "\n" + payload.ToString();
            }
            else
            {
                prefix.Add(line);
            }
        }

        _eventLines.Clear();
        if (data is null)
        {
            WriteEvent(output, prefix, null);
            return;
        }

        if (data == "[DONE]")
        {
            FlushAll(output);
            if (!Blocked)
            {
                WriteEvent(output, prefix, data);
            }

            return;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(data);
        }
        catch (JsonException)
        {
            node = null;
        }

        if (node is not JsonObject obj)
        {
            // Not JSON: nothing structured to process; text is still never released unprocessed.
            var processed = processor.ProcessWhole(data);
            if (processed is null)
            {
                Block(output);
                return;
            }

            WriteEvent(output, prefix, processed);
            return;
        }

        var ok = obj["choices"] is JsonArray choices ? ProcessChat(obj, choices)
            : TypeOf(obj) switch
            {
                "content_block_delta" => ProcessDelta(obj, obj["delta"] as JsonObject, $"a{obj["index"]}.", ["text", "partial_json", "thinking"]),
                "content_block_stop" => FlushBefore(output, $"a{obj["index"]}.", key => AnthropicDelta(obj, key)),
                "response.output_text.delta" or "response.function_call_arguments.delta" or "response.reasoning_summary_text.delta" =>
                    ProcessDelta(obj, obj, $"r{obj["item_id"]}.{obj["content_index"]}.", ["delta"]),
                "response.output_text.done" or "response.function_call_arguments.done" or "response.reasoning_summary_text.done" =>
                    FlushBefore(output, $"r{obj["item_id"]}.{obj["content_index"]}.", key => ResponsesDelta(obj, key)) && Whole(obj),
                _ => Whole(obj),
            };

        if (!ok)
        {
            Block(output);
            return;
        }

        WriteEvent(output, prefix, obj.ToJsonString(JsonRewriter.Options));
    }

    private bool ProcessChat(JsonObject chunk, JsonArray choices)
    {
        _lastChatEnvelope = chunk;
        for (var c = 0; c < choices.Count; c++)
        {
            if (choices[c] is not JsonObject choice)
            {
                continue;
            }

            var index = choice["index"]?.ToString() ?? c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var keyPrefix = $"c{index}.";
            var delta = choice["delta"] as JsonObject;
            if (!ProcessDelta(chunk, delta, keyPrefix, ["content", "reasoning_content", "refusal"])
                || !ProcessDelta(chunk, choice, keyPrefix, ["text"]))
            {
                return false;
            }

            if (delta?["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls)
                {
                    if (call is JsonObject callObj && callObj["function"] is JsonObject function
                        && !ProcessDelta(chunk, function, $"{keyPrefix}t{callObj["index"]}.", ["arguments"]))
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

    private bool ProcessDelta(JsonObject evt, JsonObject? container, string keyPrefix, ReadOnlySpan<string> fields)
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
            WriteEvent(output, evt["type"] is { } t ? [$"event: {t}"] : [], evt.ToJsonString(JsonRewriter.Options));
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
                WriteEvent(output, ["event: content_block_delta"], evt.ToJsonString(JsonRewriter.Options));
            }
            else
            {
                WriteEvent(output, [], new JsonObject { ["type"] = "response.output_text.delta", ["delta"] = text }.ToJsonString(JsonRewriter.Options));
            }
        }

        if (chatChoices.Count > 0)
        {
            var chunk = _lastChatEnvelope?.DeepClone() as JsonObject ?? new JsonObject { ["object"] = "chat.completion.chunk" };
            chunk["choices"] = chatChoices;
            chunk.Remove("usage");
            WriteEvent(output, [], chunk.ToJsonString(JsonRewriter.Options));
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
        WriteEvent(output, [], errorEvent(processor.BlockedEntities ?? []));
    }

    private static string? TypeOf(JsonObject obj) =>
        obj["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;

    private static void WriteEvent(IBufferWriter<byte> output, List<string> prefix, string? data)
    {
        foreach (var line in prefix)
        {
            Write(output, line);
            output.Write(NewLine);
        }

        if (data is not null)
        {
            foreach (var line in data.Split('\n'))
            {
                Write(output, "data: ");
                Write(output, line);
                output.Write(NewLine);
            }
        }

        output.Write(NewLine);
    }

    private static void Write(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = Encoding.UTF8.GetBytes(text, span);
        output.Advance(written);
    }
}
