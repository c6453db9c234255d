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
/// released when its sequence ends (a finish reason, a block stop, a done event, or <c>[DONE]</c>). Every other text
/// of an event, known shape or not, is processed whole, and so is every line that is not a <c>data</c> line. When a
/// response rule blocks, the stream ends with an OpenAI-shaped error event; so it does when an event cannot be
/// inspected safely (JSON the gateway cannot read, an event past <see cref="MaxEventBytes"/>, too many sequences).
/// </summary>
/// <remarks>
/// Most events are plain deltas: <see cref="DeltaEventReader"/> finds their texts in the UTF-8 bytes, and the event is
/// sent as it came with only the texts that changed spliced in. Every other event (a finish, a stop, an unknown
/// shape, anything the reader is unsure of) goes through the document path: parsed, processed, serialised again.
/// Lines end at CR, LF or CRLF, as clients split them, so no client sees a line the transformer did not.
/// </remarks>
/// <param name="processor">The request's response processing.</param>
/// <param name="errorEvent">
/// The data of the final error event: given the entity types that blocked, or null when the stream could not be
/// inspected.
/// </param>
/// <param name="errorEventName">
/// The error event's <c>event:</c> name, or null for a data-only event. Anthropic's SDKs raise only on an event named
/// <c>error</c> and skip unnamed ones; OpenAI's raise on data carrying an <c>error</c> object, named or not.
/// </param>
internal sealed class SseTransformer(ResponseTextProcessor processor, Func<IReadOnlyList<string>?, string> errorEvent, string? errorEventName = null)
{
    /// <summary>The largest event (its lines and their count) held to be inspected, as large as a JSON answer may be.</summary>
    public const int MaxEventBytes = (int)ResponseRelay.MaxInspectedBodyBytes;

    /// <summary>Delta sequences open at once; a real stream has a few (choices, tool calls, content blocks).</summary>
    public const int MaxOpenSequences = 1024;

    /// <summary>Texts known to need nothing (an event line, a value every event repeats) are remembered, up to this many and this long.</summary>
    private const int MaxCleanTexts = 64;
    private const int MaxCleanTextLength = 256;

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>A data payload with the same property twice is not guessed at: clients differ on which one they read.</summary>
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
    // Made when first needed: a chat stream has no other lines, and a plain delta event needs none of these.
    private ArrayBufferWriter<byte>? _otherLines; // the event's processed non-data lines, as sent
    private HashSet<string>? _clean; // texts found to need nothing
    private HashSet<JsonNode>? _sequenced; // document path: texts a sequence processed
    private Dictionary<string, JsonObject>? _responsesEvents; // an open Responses sequence's identity: type, item_id, indexes
    private char[] _lineChars = [];
    private Utf8JsonWriter? _escaper;
    private bool _afterCr;
    private bool _started;

    public bool Blocked { get; private set; }

    /// <summary>True when the stream was ended because an event could not be inspected, not by a response rule.</summary>
    public bool Uninspectable { get; private set; }

    /// <summary>Consumes upstream bytes and writes what can be sent now. Returns false once the stream is blocked.</summary>
    public bool Feed(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        while (!chunk.IsEmpty && !Blocked)
        {
            if (_afterCr)
            {
                // The LF of a CRLF that was split between reads.
                _afterCr = false;
                if (chunk[0] == (byte)'\n')
                {
                    chunk = chunk[1..];
                    continue;
                }
            }

            var end = chunk.IndexOfAny((byte)'\n', (byte)'\r');
            if (end < 0)
            {
                if (Fits(chunk.Length))
                {
                    _line.Write(chunk);
                }
                else
                {
                    BlockUninspectable(output);
                }

                break;
            }

            ReadOnlySpan<byte> line;
            if (_line.WrittenCount == 0)
            {
                line = chunk[..end];
            }
            else
            {
                _line.Write(chunk[..end]);
                line = _line.WrittenSpan;
            }

            _afterCr = chunk[end] == (byte)'\r';
            chunk = chunk[(end + 1)..];
            EndLine(line, output);
            _line.ResetWrittenCount();
        }

        return !Blocked;
    }

    /// <summary>The upstream stream ended: send any partial event and release everything held back.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (!Blocked && _line.WrittenCount > 0)
        {
            EndLine(_line.WrittenSpan, output);
            _line.ResetWrittenCount();
        }

        if (Blocked)
        {
            return;
        }

        Dispatch(output);
        FlushAll(output);
    }

    /// <summary>Whether the event being read can take <paramref name="more"/> bytes (a line counts as 16 for its bookkeeping).</summary>
    private bool Fits(int more) => (long)_event.WrittenCount + _line.WrittenCount + (16L * _lines.Count) + more <= MaxEventBytes;

    private void EndLine(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        if (!_started)
        {
            // Clients drop a byte order mark at the start of the stream, and then read the first line as any other.
            _started = true;
            if (line.StartsWith("\uFEFF"u8))
            {
                line = line[3..];
            }
        }

        if (line.IsEmpty)
        {
            Dispatch(output);
        }
        else if (!Fits(_line.WrittenCount == 0 ? line.Length : 0)) // a line still in _line is counted already
        {
            BlockUninspectable(output);
        }
        else
        {
            _lines.Add((_event.WrittenCount, line.Length));
            _event.Write(line);
        }
    }

    private void Dispatch(IBufferWriter<byte> output)
    {
        if (_lines.Count == 0)
        {
            return;
        }

        if (!ProcessOtherLines())
        {
            Block(output);
        }
        else
        {
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
        }

        _lines.Clear();
        _event.ResetWrittenCount();
    }

    /// <summary>
    /// A data line: <c>data:</c> with its value (one leading space dropped), or a bare <c>data</c>, whose value is
    /// empty. A client reads no other line as data.
    /// </summary>
    private static bool IsData(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!line.StartsWith("data"u8) || (line.Length > 4 && line[4] != (byte)':'))
        {
            return false;
        }

        value = line.Length > 4 ? line[5..] : default;
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        return true;
    }

    /// <summary>
    /// Every line that is not data (event, id, retry, a comment, a field clients do not know) is processed whole
    /// before it is sent: clients ignore most of them, but the text would still reach the client. Lines known to need
    /// nothing (the same event name every event) are not scanned again. False when a response rule blocked.
    /// </summary>
    private bool ProcessOtherLines()
    {
        _otherLines?.ResetWrittenCount();
        var written = _event.WrittenSpan;
        foreach (var (start, length) in _lines)
        {
            var line = written.Slice(start, length);
            if (IsData(line, out _))
            {
                continue;
            }

            line = ValidUtf8(line); // lines were always sent as text
            if (_lineChars.Length < line.Length)
            {
                _lineChars = new char[Math.Max(line.Length, Math.Max(128, _lineChars.Length * 2))];
            }

            _otherLines ??= new ArrayBufferWriter<byte>(256);
            var chars = _lineChars.AsSpan(0, Encoding.UTF8.GetChars(line, _lineChars));
            switch (ProcessWhole(chars, out var processed))
            {
                case ResponseTextProcessor.DeltaOutcome.Blocked:
                    return false;
                case ResponseTextProcessor.DeltaOutcome.Replaced:
                    // A restored value must not end the line early.
                    _otherLines.Write(Encoding.UTF8.GetBytes(processed.ReplaceLineEndings(" ")));
                    break;
                default:
                    _otherLines.Write(line);
                    break;
            }

            _otherLines.Write(NewLine);
        }

        return true;
    }

    /// <summary>Processes a text whole, unless it is one already found to need nothing.</summary>
    private ResponseTextProcessor.DeltaOutcome ProcessWhole(ReadOnlySpan<char> text, out string processed)
    {
        if (_clean is not null && _clean.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text))
        {
            processed = string.Empty;
            return ResponseTextProcessor.DeltaOutcome.Unchanged;
        }

        var outcome = processor.ProcessWhole(text, out processed, out var isClean);
        _clean ??= new HashSet<string>(StringComparer.Ordinal);
        if (isClean && _clean.Count < MaxCleanTexts && text.Length <= MaxCleanTextLength)
        {
            _clean.Add(text.ToString());
        }

        return outcome;
    }

    /// <summary>The event's data lines joined by newlines (without copying when there is one), as SSE defines.</summary>
    private ReadOnlySpan<byte> JoinData(out bool hasData)
    {
        var written = _event.WrittenSpan;
        ReadOnlySpan<byte> single = default;
        var count = 0;
        foreach (var (start, length) in _lines)
        {
            if (!IsData(written.Slice(start, length), out var data))
            {
                continue;
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
            ResponseTextProcessor.DeltaOutcome outcome;
            string processed;
            if (text.IsWhole)
            {
                outcome = ProcessWhole(_reader.Chars(text), out processed);
            }
            else
            {
                var key = _reader.Key(text);
                if (!lookup.TryGetValue(key, out var stream))
                {
                    if (_streams.Count >= MaxOpenSequences)
                    {
                        BlockUninspectable(output);
                        return true;
                    }

                    stream = processor.CreateStream();
                    lookup[key] = stream;
                    if (key[0] == 'r')
                    {
                        RememberResponsesEvent(key.ToString(), payload);
                    }
                }

                outcome = stream.Write(_reader.Chars(text), out processed);
            }

            switch (outcome)
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

    /// <summary>
    /// The document path: any event the fast path does not take. A JSON document has its delta sequences processed
    /// as in the fast path, then every other text whole; data that is not JSON is processed as one text. Data that
    /// looks like JSON but does not parse (a property twice, nesting past the parser's depth, NaN) ends the stream:
    /// a client may still read it, escapes decoded, and a text it cannot find cannot be processed.
    /// </summary>
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
            if (LooksLikeJson(payload))
            {
                BlockUninspectable(output);
                return;
            }

            // Not JSON: nothing structured to process; text is still never released unprocessed.
            var processed = processor.ProcessWhole(Encoding.UTF8.GetString(payload));
            if (processed is null)
            {
                Block(output);
                return;
            }

            WriteUpstreamEvent(output, Encoding.UTF8.GetBytes(processed));
            return;
        }

        _sequenced?.Clear();
        var ok = node switch
        {
            JsonObject obj => ProcessSequences(obj, payload, output) && JsonResponseRewriter.Process(obj, processor, out _, _sequenced),
            JsonArray array => JsonResponseRewriter.Process(array, processor, out _),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => ProcessRootString(ref node, value),
            _ => true, // a number, true, false or null: no text
        };

        if (!ok)
        {
            Block(output);
            return;
        }

        WriteUpstreamEvent(output, JsonSerializer.SerializeToUtf8Bytes(node, JsonRewriter.Options));
    }

    /// <summary>Whether a client could take this for JSON: after JSON's whitespace, it opens an object or an array.</summary>
    private static bool LooksLikeJson(ReadOnlySpan<byte> payload)
    {
        var start = payload.IndexOfAnyExcept(" \t\r\n"u8);
        return start >= 0 && payload[start] is (byte)'{' or (byte)'[';
    }

    /// <summary>A JSON string as the whole data: processed decoded, as a client would read it.</summary>
    private bool ProcessRootString(ref JsonNode? node, JsonValue value)
    {
        var processed = processor.ProcessWhole(value.GetValue<string>());
        node = processed is null ? null : JsonValue.Create(processed);
        return processed is not null;
    }

    /// <summary>Feeds the event's delta sequences (its chat choices, Anthropic block or Responses item), releasing what ends here.</summary>
    private bool ProcessSequences(JsonObject obj, ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        if (obj["choices"] is JsonArray choices)
        {
            KeepChatEnvelope(payload);
            return ProcessChat(choices);
        }

        var type = TypeOf(obj);
        return type switch
        {
            // A block may start with text (real ones start empty): its deltas continue it.
            "content_block_start" => ProcessDelta(obj["content_block"] as JsonObject, AnthropicPrefix(obj), DeltaEventReader.AnthropicFields),
            "content_block_delta" => ProcessDelta(obj["delta"] as JsonObject, AnthropicPrefix(obj), DeltaEventReader.AnthropicFields),
            "content_block_stop" => FlushBefore(output, AnthropicPrefix(obj), key => AnthropicDelta(obj, key)),
            _ when DeltaEventReader.IsResponsesDelta(type) => ProcessResponsesDelta(obj),
            _ when DeltaEventReader.IsResponsesDone(type) => FlushBefore(output, ResponsesPrefix(obj), key => ResponsesDelta(obj, key)),
            _ => true,
        };
    }

    private static string AnthropicPrefix(JsonObject evt) => $"a{DeltaEventReader.KeyPart(evt["index"])}.";

    /// <summary>A Responses text delta on the document path: its sequence, and the identity its held-back text will need.</summary>
    private bool ProcessResponsesDelta(JsonObject evt)
    {
        var prefix = ResponsesPrefix(evt);
        if (!ProcessDelta(evt, prefix, ["delta"]))
        {
            return false;
        }

        var key = prefix + "delta";
        if (_streams.ContainsKey(key))
        {
            RememberResponsesEvent(key, evt); // only for an open sequence: the entry goes when the sequence does
        }

        return true;
    }

    private static string ResponsesPrefix(JsonObject evt) =>
        $"r{DeltaEventReader.KeyPart(evt["item_id"])}.{DeltaEventReader.KeyPart(evt["content_index"])}.";

    private bool ProcessChat(JsonArray choices)
    {
        for (var c = 0; c < choices.Count; c++)
        {
            if (choices[c] is not JsonObject choice)
            {
                continue;
            }

            var index = choice["index"] is { } i ? DeltaEventReader.KeyPart(i) : c.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var keyPrefix = $"c{index}.";
            var delta = choice["delta"] as JsonObject;
            if (!ProcessDelta(delta, keyPrefix, DeltaEventReader.ChatDeltaFields)
                || !ProcessParts(delta?["content"], keyPrefix + "content")
                || !ProcessDelta(choice, keyPrefix, ["text"])
                || !ProcessDelta(delta?["function_call"] as JsonObject, keyPrefix + "f.", ["arguments"]))
            {
                return false;
            }

            if (delta?["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls)
                {
                    if (call is JsonObject callObj && callObj["function"] is JsonObject function
                        && !ProcessDelta(function, $"{keyPrefix}t{DeltaEventReader.KeyPart(callObj["index"])}.", ["arguments"]))
                    {
                        return false;
                    }
                }
            }

            // The choice ends here: release what its sequences still hold, in this same event.
            if (choice["finish_reason"] is JsonValue finish && finish.GetValueKind() == JsonValueKind.String)
            {
                foreach (var (key, text, _) in TakeFlushed(keyPrefix))
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
                var text = WriteSequence(keyPrefix + field, value.GetValue<string>());
                if (text is null)
                {
                    return false;
                }

                container[field] = Sequenced(text);
            }
        }

        return true;
    }

    /// <summary>
    /// Chat content given as parts (<c>[{"type":"text","text":"..."}]</c>, parts within parts): each part's text, in
    /// order, continues the content's sequence, so an entity split across parts or events is still found.
    /// </summary>
    private bool ProcessParts(JsonNode? parts, string key)
    {
        switch (parts)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (obj[name] is JsonValue && JsonResponseRewriter.IsMetadata(name))
                    {
                        continue; // a part's type
                    }

                    if (!ProcessPart(obj[name], key, out var text))
                    {
                        return false;
                    }

                    if (text is not null)
                    {
                        obj[name] = Sequenced(text);
                    }
                }

                return true;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (!ProcessPart(array[i], key, out var text))
                    {
                        return false;
                    }

                    if (text is not null)
                    {
                        array[i] = Sequenced(text);
                    }
                }

                return true;
            default:
                return true;
        }
    }

    /// <summary>One value within the parts: a string goes to the sequence (its replacement comes back), anything else is walked.</summary>
    private bool ProcessPart(JsonNode? node, string key, out string? replacement)
    {
        replacement = null;
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            replacement = WriteSequence(key, value.GetValue<string>());
            return replacement is not null;
        }

        return ProcessParts(node, key);
    }

    /// <summary>Writes a delta to its sequence; null when the stream must end (a rule blocked, or too many sequences).</summary>
    private string? WriteSequence(string key, string delta)
    {
        if (!_streams.TryGetValue(key, out var stream))
        {
            if (_streams.Count >= MaxOpenSequences)
            {
                Uninspectable = true;
                return null;
            }

            stream = processor.CreateStream();
            _streams[key] = stream;
        }

        return stream.Write(delta);
    }

    /// <summary>A text a sequence has processed: the document's walk must not process it again.</summary>
    private JsonValue Sequenced(string text)
    {
        var value = JsonValue.Create(text);
        (_sequenced ??= new HashSet<JsonNode>(ReferenceEqualityComparer.Instance)).Add(value);
        return value;
    }

    /// <summary>Before this event, sends one synthetic delta event per sequence with held-back text.</summary>
    private bool FlushBefore(IBufferWriter<byte> output, string keyPrefix, Func<string, Func<string, JsonObject>> build)
    {
        foreach (var (key, text, _) in TakeFlushed(keyPrefix))
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
            var evt = ResponsesIdentity(type, done);
            evt["delta"] = text;
            return evt;
        };
    }

    /// <summary>
    /// A synthetic Responses delta event's start: <paramref name="type"/>, then the item and indexes of
    /// <paramref name="source"/> (a delta or done event of the same text). Only scalar values are copied: they are
    /// identifiers, sent as they came; anything else under these names is text the walk processes, not to be cloned raw.
    /// </summary>
    private static JsonObject ResponsesIdentity(string type, JsonObject source)
    {
        var identity = new JsonObject { ["type"] = type };
        foreach (var field in (ReadOnlySpan<string>)["item_id", "output_index", "content_index"])
        {
            if (source[field] is JsonValue value)
            {
                identity[field] = value.DeepClone();
            }
        }

        return identity;
    }

    /// <summary>
    /// Keeps what identifies an open Responses sequence (its delta event's type, item and indexes), so that text
    /// released at the end of the stream goes out as the same kind of delta, for the same item.
    /// </summary>
    private void RememberResponsesEvent(string key, ReadOnlySpan<byte> payload)
    {
        // Once per sequence, on the fast path, where the event was read but not parsed. The reader accepted it, so it
        // parses; should it not, the released text goes out with a generic identity rather than failing the stream.
        try
        {
            if (JsonNode.Parse(payload, documentOptions: NoDuplicates) is JsonObject delta)
            {
                RememberResponsesEvent(key, delta);
            }
        }
        catch (JsonException)
        {
        }
    }

    private void RememberResponsesEvent(string key, JsonObject delta)
    {
        _responsesEvents ??= new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (_responsesEvents.ContainsKey(key) || TypeOf(delta) is not { } type)
        {
            return;
        }

        _responsesEvents[key] = ResponsesIdentity(type, delta);
    }

    /// <summary>Closes the sequences under <paramref name="keyPrefix"/>: the text each still held (null: blocked), with its Responses identity if any.</summary>
    private IEnumerable<(string Key, string? Text, JsonObject? Identity)> TakeFlushed(string keyPrefix)
    {
        List<(string, string?, JsonObject?)>? flushed = null;
        foreach (var key in _streams.Keys.Where(k => k.StartsWith(keyPrefix, StringComparison.Ordinal)).ToList())
        {
            var text = _streams[key].Flush();
            _streams.Remove(key);
            JsonObject? identity = null;
            _responsesEvents?.Remove(key, out identity);
            if (text is null || text.Length > 0)
            {
                (flushed ??= []).Add((key, text, identity));
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
        foreach (var (key, text, identity) in TakeFlushed(string.Empty))
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
                // The same kind of delta, for the same item, as the sequence's own events.
                var evt = identity ?? new JsonObject { ["type"] = "response.output_text.delta" };
                evt["delta"] = text;
                WriteEvent(output, $"event: {TypeOf(evt)}", evt.ToJsonString(JsonRewriter.Options));
            }
        }

        if (chatChoices.Count > 0)
        {
            var chunk = new JsonObject { ["object"] = "chat.completion.chunk" };
            if (_lastChatEnvelope.WrittenCount > 0 && JsonNode.Parse(_lastChatEnvelope.WrittenSpan, documentOptions: NoDuplicates) is JsonObject last)
            {
                // The last chunk's identifiers (id, model, created...), not its texts: those were processed in their own event.
                foreach (var (name, value) in last)
                {
                    if (value is JsonValue && JsonResponseRewriter.IsMetadata(name))
                    {
                        chunk[name] = value.DeepClone();
                    }
                }
            }

            chunk["choices"] = chatChoices;
            WriteEvent(output, null, chunk.ToJsonString(JsonRewriter.Options));
        }
    }

    /// <summary>
    /// Puts released text where it belongs in a chat choice: delta content (a string, or a further part when the
    /// content came as parts), tool call arguments, the legacy function call's arguments, or text.
    /// </summary>
    private void AppendChatText(JsonObject choice, string field, string text)
    {
        if (field == "text")
        {
            choice["text"] = Sequenced(StringOf(choice["text"]) + text);
            return;
        }

        if (choice["delta"] is not JsonObject delta)
        {
            delta = new JsonObject();
            choice["delta"] = delta;
        }

        if (field == "f.arguments")
        {
            // The legacy function_call's arguments.
            var legacy = delta["function_call"] as JsonObject ?? new JsonObject();
            delta["function_call"] = legacy;
            legacy["arguments"] = Sequenced(StringOf(legacy["arguments"]) + text);
            return;
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

            var call = calls.OfType<JsonObject>().FirstOrDefault(c => c["index"] is JsonValue v && v.TryGetValue<int>(out var n) && n == index);
            if (call is null)
            {
                call = new JsonObject { ["index"] = index, ["function"] = new JsonObject() };
                calls.Add(call);
            }

            var function = call["function"] as JsonObject ?? new JsonObject();
            call["function"] = function;
            function["arguments"] = Sequenced(StringOf(function["arguments"]) + text);
            return;
        }

        switch (delta[field])
        {
            case JsonArray parts:
                parts.Add(new JsonObject { ["type"] = "text", ["text"] = Sequenced(text) });
                break;
            case JsonObject part:
                delta.Remove(field);
                delta[field] = new JsonArray(part, new JsonObject { ["type"] = "text", ["text"] = Sequenced(text) });
                break;
            default:
                delta[field] = Sequenced(StringOf(delta[field]) + text);
                break;
        }
    }

    private static string StringOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : string.Empty;

    private void Block(IBufferWriter<byte> output)
    {
        if (Blocked)
        {
            return;
        }

        Blocked = true;
        WriteEvent(output, errorEventName is null ? null : "event: " + errorEventName, errorEvent(Uninspectable ? null : processor.BlockedEntities ?? []));
    }

    private void BlockUninspectable(IBufferWriter<byte> output)
    {
        Uninspectable = !Blocked;
        Block(output);
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

    /// <summary>Sends the upstream's current event: its other lines (event, id, comments) as processed, then the data.</summary>
    private void WriteUpstreamEvent(IBufferWriter<byte> output, ReadOnlySpan<byte> data, bool hasData = true)
    {
        if (_otherLines is { WrittenCount: > 0 })
        {
            output.Write(_otherLines.WrittenSpan);
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

    /// <summary>
    /// One <c>data:</c> line per line of <paramref name="data"/> (ended by LF, CR or CRLF, as a client would end it),
    /// then the blank line that ends the event.
    /// </summary>
    private static void WriteData(IBufferWriter<byte> output, ReadOnlySpan<byte> data)
    {
        while (true)
        {
            var end = data.IndexOfAny((byte)'\n', (byte)'\r');
            output.Write("data: "u8);
            output.Write(end < 0 ? data : data[..end]);
            output.Write(NewLine);
            if (end < 0)
            {
                break;
            }

            var crLf = data[end] == (byte)'\r' && end + 1 < data.Length && data[end + 1] == (byte)'\n';
            data = data[(end + (crLf ? 2 : 1))..];
        }

        output.Write(NewLine);
    }
}
