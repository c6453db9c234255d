using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Bulwark.Gateway.Scanning;

/// <summary>
/// Finds the delta texts of one common streamed event in its UTF-8 JSON without building a document: a chat chunk
/// (<c>choices[i].delta.content</c>, <c>reasoning_content</c>, <c>reasoning</c>, <c>refusal</c>,
/// <c>choices[i].text</c>, <c>tool_calls[j].function.arguments</c>), an Anthropic <c>content_block_delta</c>
/// (<c>delta.text</c>, <c>partial_json</c>, <c>thinking</c>) or one of the Responses API's text deltas. Each text comes with the key of its delta
/// sequence and where its string token stands, so the caller can splice a processed text in place. Every other
/// string of the event that is not an identifier or enumeration (<see cref="JsonResponseRewriter.IsMetadata"/>) comes
/// after them as a whole text, to be processed on its own, as the document path's walk processes it.
/// </summary>
/// <remarks>
/// It answers only when it is sure it sees what <see cref="SseTransformer"/>'s document path would process, in the
/// same order: any event it is not sure about (not a known shape, a finish reason or a stop that flushes, a
/// duplicate or escaped property name, chat content given as parts, an object with very many properties, an index
/// that is not a number, a string that does not decode, invalid JSON or UTF-8, a bare CR) is left to the document
/// path. Text it cannot locate is never sent unprocessed.
/// </remarks>
internal sealed class DeltaEventReader
{
    /// <summary>The texts of a chat delta that are delta sequences, in the order both paths process them.</summary>
    internal static readonly string[] ChatDeltaFields = ["content", "reasoning_content", "reasoning", "refusal"];

    /// <summary>The texts of an Anthropic <c>content_block_delta</c>'s delta that are delta sequences.</summary>
    internal static readonly string[] AnthropicFields = ["text", "partial_json", "thinking"];

    /// <summary>
    /// The Responses API's streamed texts: <c>response.{name}.delta</c> events carry a piece in <c>delta</c>, and
    /// <c>response.{name}.done</c> ends the sequence.
    /// </summary>
    private static readonly string[] ResponsesTexts =
    [
        "output_text", "refusal", "function_call_arguments", "reasoning_text", "reasoning_summary_text", "custom_tool_call_input",
        "mcp_call_arguments", "code_interpreter_call_code", "audio.transcript",
    ];

    private static readonly HashSet<string> ResponsesDeltaTypes = [.. ResponsesTexts.Select(t => $"response.{t}.delta")];
    private static readonly HashSet<string> ResponsesDoneTypes = [.. ResponsesTexts.Select(t => $"response.{t}.done")];
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> ResponsesDeltaLookup = ResponsesDeltaTypes.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly byte[][] ChatDeltaNames = [.. ChatDeltaFields.Select(Encoding.UTF8.GetBytes)];
    private static readonly byte[][] AnthropicNames = [.. AnthropicFields.Select(Encoding.UTF8.GetBytes)];

    /// <summary>
    /// Past this many properties in one object the event goes to the document path, whose duplicate check does not
    /// grow with the square of their number as this one's does. Real events have a dozen at most.
    /// </summary>
    private const int MaxPropertiesPerObject = 64;

    // Property names of the open objects, for the duplicate check: (start, length) in the payload; and where each
    // open object's names begin in that list.
    private readonly List<(int Start, int Length)> _names = [];
    private readonly List<int> _objectStarts = [];
    private readonly List<Frame> _frames = [];
    private readonly List<Choice> _choices = [];
    private readonly List<Token> _chatDeltas = []; // one per ChatDeltaFields a choice
    private readonly List<Call> _calls = [];
    private readonly List<Text> _texts = [];
    private readonly List<Token> _strings = []; // every string that is not metadata, in document order
    private readonly List<bool> _used = []; // per string: taken as a delta text
    private char[] _chars = new char[256];
    private int _charCount;

    private Token _type;
    private Token _rootIndex;
    private Token _rootDeltaText;
    private Token _itemId;
    private Token _contentIndex;
    private readonly Token[] _anthropic = new Token[3];
    private bool _choicesArray;

    private enum Frame
    {
        Root,
        Choices,
        Choice,
        ChoiceDelta,
        ToolCalls,
        ToolCall,
        Function,
        RootDelta,
        Other,
    }

    /// <summary>The event's delta texts in the order the document path processes them.</summary>
    public IReadOnlyList<Text> Texts => _texts;

    /// <summary>True when the event is a chat chunk (its envelope is kept for the final synthetic chunk).</summary>
    public bool IsChat { get; private set; }

    /// <summary>Reads <paramref name="payload"/>; false when the event must take the document path.</summary>
    public bool TryRead(ReadOnlySpan<byte> payload)
    {
        Reset();
        if (payload.Contains((byte)'\r') || !Utf8.IsValid(payload))
        {
            return false;
        }

        try
        {
            return Scan(payload) && Collect(payload);
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A string that does not decode (a lone surrogate escape): the document path reports it as it always did.
            return false;
        }
    }

    /// <summary>The decoded text of <paramref name="text"/>.</summary>
    public ReadOnlySpan<char> Chars(in Text text) => _chars.AsSpan(text.CharStart, text.CharLength);

    /// <summary>The key of <paramref name="text"/>'s delta sequence, e.g. <c>c0.content</c> or <c>c0.t1.arguments</c>.</summary>
    public ReadOnlySpan<char> Key(in Text text) => _chars.AsSpan(text.KeyStart, text.KeyLength);

    private void Reset()
    {
        _names.Clear();
        _objectStarts.Clear();
        _frames.Clear();
        _choices.Clear();
        _chatDeltas.Clear();
        _calls.Clear();
        _texts.Clear();
        _strings.Clear();
        _used.Clear();
        _charCount = 0;
        _type = default;
        _rootIndex = default;
        _rootDeltaText = default;
        _itemId = default;
        _contentIndex = default;
        Array.Clear(_anthropic);
        _choicesArray = false;
        IsChat = false;
    }

    /// <summary>One pass over the tokens: notes where the texts and keys are; false on anything it does not take.</summary>
    private bool Scan(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        ReadOnlySpan<byte> property = default;
        while (reader.Read())
        {
            var parent = _frames.Count == 0 ? (Frame?)null : _frames[^1];
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    if (reader.ValueIsEscaped || _names.Count - _objectStarts[^1] >= MaxPropertiesPerObject || IsDuplicate(payload, reader.ValueSpan))
                    {
                        return false;
                    }

                    property = reader.ValueSpan;
                    _names.Add(((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length));
                    continue;
                case JsonTokenType.StartObject:
                    if (IsContentParts(parent, property) || IsLegacyFunctionCall(parent, property))
                    {
                        return false;
                    }

                    var frame = parent switch
                    {
                        null => Frame.Root,
                        Frame.Root when property.SequenceEqual("delta"u8) => Frame.RootDelta,
                        Frame.Choices => Frame.Choice,
                        Frame.Choice when property.SequenceEqual("delta"u8) => Frame.ChoiceDelta,
                        Frame.ToolCalls => Frame.ToolCall,
                        Frame.ToolCall when property.SequenceEqual("function"u8) => Frame.Function,
                        _ => Frame.Other,
                    };
                    OnElement(parent, isObject: true);
                    Open(frame, isObject: true);
                    break;
                case JsonTokenType.StartArray:
                    if (parent is null || IsContentParts(parent, property))
                    {
                        return false;
                    }

                    var array = parent switch
                    {
                        Frame.Root when property.SequenceEqual("choices"u8) => Frame.Choices,
                        Frame.ChoiceDelta when property.SequenceEqual("tool_calls"u8) => Frame.ToolCalls,
                        _ => Frame.Other,
                    };
                    _choicesArray |= array == Frame.Choices;
                    OnElement(parent, isObject: false);
                    Open(array, isObject: false);
                    break;
                case JsonTokenType.EndObject:
                    _names.RemoveRange(_objectStarts[^1], _names.Count - _objectStarts[^1]);
                    _objectStarts.RemoveAt(_objectStarts.Count - 1);
                    _frames.RemoveAt(_frames.Count - 1);
                    break;
                case JsonTokenType.EndArray:
                    _frames.RemoveAt(_frames.Count - 1);
                    break;
                default:
                    if (parent is null)
                    {
                        return false; // a bare value, not an object
                    }

                    OnElement(parent, isObject: false);
                    if (!OnValue(parent.Value, property, ref reader))
                    {
                        return false;
                    }

                    break;
            }

            property = default;
        }

        return true;
    }

    /// <summary>Chat content as parts rather than a string: the document path feeds each part's text to the content's sequence.</summary>
    private static bool IsContentParts(Frame? parent, ReadOnlySpan<byte> property) =>
        parent == Frame.ChoiceDelta && property.SequenceEqual("content"u8);

    /// <summary>
    /// The legacy <c>delta.function_call</c> (before tool calls): its arguments are a delta sequence that the document
    /// path joins; rare enough not to need the fast path.
    /// </summary>
    private static bool IsLegacyFunctionCall(Frame? parent, ReadOnlySpan<byte> property) =>
        parent == Frame.ChoiceDelta && property.SequenceEqual("function_call"u8);

    private void Open(Frame frame, bool isObject)
    {
        _frames.Add(frame);
        if (isObject)
        {
            _objectStarts.Add(_names.Count);
        }
    }

    /// <summary>An element of the choices or tool-calls array begins: it gets its position, object or not.</summary>
    private void OnElement(Frame? parent, bool isObject)
    {
        if (parent == Frame.Choices)
        {
            _choices.Add(new Choice { IsObject = isObject });
            for (var f = 0; f < ChatDeltaFields.Length; f++)
            {
                _chatDeltas.Add(default);
            }
        }
        else if (parent == Frame.ToolCalls)
        {
            _calls.Add(new Call(_choices.Count - 1));
        }
    }

    private bool OnValue(Frame parent, ReadOnlySpan<byte> property, ref Utf8JsonReader reader)
    {
        var token = Token.From(ref reader);
        if (token.Kind == JsonTokenType.String && (property.IsEmpty || !JsonResponseRewriter.IsMetadata(property)))
        {
            token = token with { Slot = _strings.Count + 1 };
            _strings.Add(token);
            _used.Add(false);
        }

        switch (parent)
        {
            case Frame.Root:
                if (property.SequenceEqual("type"u8))
                {
                    _type = token;
                }
                else if (property.SequenceEqual("index"u8))
                {
                    _rootIndex = token;
                }
                else if (property.SequenceEqual("delta"u8))
                {
                    _rootDeltaText = token;
                }
                else if (property.SequenceEqual("item_id"u8))
                {
                    _itemId = token;
                }
                else if (property.SequenceEqual("content_index"u8))
                {
                    _contentIndex = token;
                }

                return true;
            case Frame.Choice:
                if (property.SequenceEqual("index"u8))
                {
                    _choices[^1] = _choices[^1] with { Index = token };
                }
                else if (property.SequenceEqual("text"u8))
                {
                    _choices[^1] = _choices[^1] with { Text = token };
                }
                else if (property.SequenceEqual("finish_reason"u8) && token.Kind == JsonTokenType.String)
                {
                    return false; // the choice ends here: the document path releases what its sequences hold
                }

                return true;
            case Frame.ChoiceDelta:
                var field = IndexOf(property, ChatDeltaNames);
                if (field >= 0)
                {
                    _chatDeltas[_chatDeltas.Count - ChatDeltaFields.Length + field] = token;
                }

                return true;
            case Frame.ToolCall when property.SequenceEqual("index"u8):
                _calls[^1] = _calls[^1] with { Index = token };
                return true;
            case Frame.Function when property.SequenceEqual("arguments"u8):
                _calls[^1] = _calls[^1] with { Arguments = token };
                return true;
            case Frame.RootDelta:
                var a = IndexOf(property, AnthropicNames);
                if (a >= 0)
                {
                    _anthropic[a] = token;
                }

                return true;
            default:
                return true;
        }
    }

    private static int IndexOf(ReadOnlySpan<byte> property, byte[][] names)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (property.SequenceEqual(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether the innermost open object already has this (unescaped) property name.</summary>
    private bool IsDuplicate(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> name)
    {
        for (var i = _objectStarts[^1]; i < _names.Count; i++)
        {
            var (start, length) = _names[i];
            if (payload.Slice(start, length).SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Decides the shape and lists its texts with their keys, in the document path's order.</summary>
    private bool Collect(ReadOnlySpan<byte> payload)
    {
        if (_choicesArray)
        {
            IsChat = true;
            var call = 0;
            for (var c = 0; c < _choices.Count; c++)
            {
                var choice = _choices[c];
                if (!choice.IsObject)
                {
                    continue;
                }

                // "c{index}." where index is the choice's own, or its position when it has none.
                var prefixStart = _charCount;
                Append('c');
                if (!AppendKeyPart(payload, choice.Index, fallbackPosition: c))
                {
                    return false;
                }

                Append('.');
                var prefix = (prefixStart, _charCount - prefixStart);
                for (var f = 0; f < ChatDeltaFields.Length; f++)
                {
                    Add(payload, _chatDeltas[(c * ChatDeltaFields.Length) + f], prefix, default, ChatDeltaFields[f]);
                }

                Add(payload, choice.Text, prefix, default, "text");
                for (; call < _calls.Count && _calls[call].Choice == c; call++)
                {
                    var toolCall = _calls[call];
                    if (toolCall.Arguments.Kind != JsonTokenType.String)
                    {
                        continue;
                    }

                    // "c{index}.t{call index}.arguments"; a call without an index gets an empty one, as before.
                    var partStart = _charCount;
                    Append('t');
                    if (!AppendKeyPart(payload, toolCall.Index, fallbackPosition: -1))
                    {
                        return false;
                    }

                    Append('.');
                    Add(payload, toolCall.Arguments, prefix, (partStart, _charCount - partStart), "arguments");
                }
            }

            AddWholeTexts(payload);
            return true;
        }

        if (_type.Kind != JsonTokenType.String || _type.Escaped)
        {
            return false;
        }

        var type = payload.Slice(_type.Start + 1, _type.Length);
        if (type.SequenceEqual("content_block_delta"u8))
        {
            var prefixStart = _charCount;
            Append('a');
            if (!AppendKeyPart(payload, _rootIndex, fallbackPosition: -1))
            {
                return false;
            }

            Append('.');
            var prefix = (prefixStart, _charCount - prefixStart);
            for (var f = 0; f < AnthropicFields.Length; f++)
            {
                Add(payload, _anthropic[f], prefix, default, AnthropicFields[f]);
            }

            AddWholeTexts(payload);
            return true;
        }

        if (IsResponsesDelta(type))
        {
            var prefixStart = _charCount;
            Append('r');
            if (!AppendKeyPart(payload, _itemId, fallbackPosition: -1))
            {
                return false;
            }

            Append('.');
            if (!AppendKeyPart(payload, _contentIndex, fallbackPosition: -1))
            {
                return false;
            }

            Append('.');
            Add(payload, _rootDeltaText, (prefixStart, _charCount - prefixStart), default, "delta");
            AddWholeTexts(payload);
            return true;
        }

        return false;
    }

    /// <summary>Whether an event type is a piece of one of the Responses API's streamed texts.</summary>
    internal static bool IsResponsesDelta(string? type) => type is not null && ResponsesDeltaTypes.Contains(type);

    /// <summary>Whether an event type ends one of the Responses API's streamed texts.</summary>
    internal static bool IsResponsesDone(string? type) => type is not null && ResponsesDoneTypes.Contains(type);

    private static bool IsResponsesDelta(ReadOnlySpan<byte> type)
    {
        Span<char> chars = stackalloc char[64];
        return type.Length <= chars.Length && Encoding.UTF8.TryGetChars(type, chars, out var written) && ResponsesDeltaLookup.Contains(chars[..written]);
    }

    /// <summary>
    /// Lists a string token as a text under key prefix + part + field, decoding it. Tokens that are not strings are
    /// skipped, as the document path skips them.
    /// </summary>
    private void Add(ReadOnlySpan<byte> payload, Token token, (int Start, int Length) prefix, (int Start, int Length) part, string field)
    {
        if (token.Kind != JsonTokenType.String)
        {
            return;
        }

        var keyStart = _charCount;
        Append(prefix);
        Append(part);
        Append(field);
        if (token.Slot > 0)
        {
            _used[token.Slot - 1] = true;
        }

        AddText(payload, token, keyStart, _charCount - keyStart, whole: false);
    }

    /// <summary>The strings no delta sequence took, in document order: each is processed whole.</summary>
    private void AddWholeTexts(ReadOnlySpan<byte> payload)
    {
        for (var i = 0; i < _strings.Count; i++)
        {
            if (!_used[i])
            {
                AddText(payload, _strings[i], 0, 0, whole: true);
            }
        }
    }

    /// <summary>Decodes a string token into the char buffer and lists it.</summary>
    private void AddText(ReadOnlySpan<byte> payload, Token token, int keyStart, int keyLength, bool whole)
    {
        var raw = payload.Slice(token.Start, token.Length + 2);
        var charStart = _charCount;
        int length;
        if (token.Escaped)
        {
            var reader = new Utf8JsonReader(raw);
            reader.Read();
            Reserve(token.Length);
            length = reader.CopyString(_chars.AsSpan(_charCount));
        }
        else
        {
            var inner = raw[1..^1];
            Reserve(Encoding.UTF8.GetMaxCharCount(inner.Length));
            length = Encoding.UTF8.GetChars(inner, _chars.AsSpan(_charCount));
        }

        _charCount += length;
        _texts.Add(new Text(token.Start, token.Length + 2, keyStart, keyLength, charStart, length, whole));
    }

    /// <summary>
    /// Appends an index or id as the document path prints it in a key: a number as written, an unescaped string as
    /// is, nothing when absent or null (or the element's position, for a chat choice). Anything else: not taken.
    /// </summary>
    private bool AppendKeyPart(ReadOnlySpan<byte> payload, Token token, int fallbackPosition)
    {
        switch (token.Kind)
        {
            case JsonTokenType.None or JsonTokenType.Null:
                if (fallbackPosition >= 0)
                {
                    Reserve(11);
                    fallbackPosition.TryFormat(_chars.AsSpan(_charCount), out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
                    _charCount += written;
                }

                return true;
            case JsonTokenType.Number when IsPlainInteger(payload.Slice(token.Start, token.Length)):
                AppendUtf8(payload.Slice(token.Start, token.Length));
                return true;
            case JsonTokenType.String when !token.Escaped && fallbackPosition < 0
                && !double.TryParse(payload.Slice(token.Start + 1, token.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                AppendUtf8(payload.Slice(token.Start + 1, token.Length));
                return true;
            default:
                return false; // another spelling of a number (0.0, 1e0, -0, "0"): the document path writes it as KeyPart does
        }
    }

    /// <summary>Digits only, no leading zero, exactly a double: already written as <see cref="KeyPart"/> writes it.</summary>
    private static bool IsPlainInteger(ReadOnlySpan<byte> number) =>
        number.Length <= 15 && !number.ContainsAnyExceptInRange((byte)'0', (byte)'9') && (number.Length == 1 || number[0] != (byte)'0');

    /// <summary>
    /// An index or id as it stands in a sequence key. Clients compare indexes as numbers (<c>0</c>, <c>0.0</c>,
    /// <c>-0</c> and <c>"0"</c> are one choice to them), so a number, or a string that reads as one, takes one
    /// canonical form: two spellings must not split what the client joins. Other strings stand as they are.
    /// </summary>
    internal static string KeyPart(JsonNode? node)
    {
        var text = node?.ToString() ?? string.Empty;
        if (node is not JsonValue || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return text;
        }

        return number == 0 ? "0" : number.ToString("R", CultureInfo.InvariantCulture);
    }

    private void AppendUtf8(ReadOnlySpan<byte> utf8)
    {
        Reserve(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        _charCount += Encoding.UTF8.GetChars(utf8, _chars.AsSpan(_charCount));
    }

    private void Append(char c)
    {
        Reserve(1);
        _chars[_charCount++] = c;
    }

    private void Append(string text)
    {
        Reserve(text.Length);
        text.CopyTo(_chars.AsSpan(_charCount));
        _charCount += text.Length;
    }

    /// <summary>Appends chars already in the buffer (a key prefix).</summary>
    private void Append((int Start, int Length) earlier)
    {
        Reserve(earlier.Length);
        Array.Copy(_chars, earlier.Start, _chars, _charCount, earlier.Length);
        _charCount += earlier.Length;
    }

    private void Reserve(int more)
    {
        if (_charCount + more > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_charCount + more, _chars.Length * 2));
        }
    }

    /// <summary>
    /// A text: its string token in the payload (quotes included), its sequence key and its decoded chars. A whole text
    /// belongs to no sequence (its key is empty) and is processed on its own.
    /// </summary>
    internal readonly record struct Text(int TokenStart, int TokenLength, int KeyStart, int KeyLength, int CharStart, int CharLength, bool IsWhole);

    /// <summary>
    /// A scalar token: kind, start (the opening quote of a string), raw length (inside the quotes), and for a string
    /// that is not metadata its 1-based place among the event's strings.
    /// </summary>
    private readonly record struct Token(JsonTokenType Kind, int Start, int Length, bool Escaped, int Slot = 0)
    {
        public static Token From(ref Utf8JsonReader reader) =>
            new(reader.TokenType, (int)reader.TokenStartIndex, reader.ValueSpan.Length, reader.ValueIsEscaped);
    }

    private readonly record struct Choice
    {
        public bool IsObject { get; init; }

        public Token Index { get; init; }

        public Token Text { get; init; }
    }

    private readonly record struct Call(int Choice)
    {
        public Token Index { get; init; }

        public Token Arguments { get; init; }
    }
}
