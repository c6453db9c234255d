using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Scanning;

/// <summary>
/// Applies a <see cref="ResponseTextProcessor"/> to every text in a JSON document: every string value, except the
/// fields that are identifiers or enumerations and never carry model text. Walking every string rather than a list
/// of known fields means a response shape the gateway does not know still has its text processed.
/// </summary>
internal static class JsonResponseRewriter
{
    private static readonly HashSet<string> MetadataKeys = new(StringComparer.Ordinal)
    {
        "id", "object", "model", "role", "type", "finish_reason", "stop_reason", "system_fingerprint", "service_tier",
        "tool_call_id", "call_id", "item_id", "status", "request_id", "created", "logprobs", "event",
    };

    private static readonly int LongestMetadataKey = MetadataKeys.Max(k => k.Length);

    internal enum Outcome
    {
        Unchanged,
        Changed,
        Blocked,
        NotJson,
    }

    /// <summary>
    /// Processes a JSON body as UTF-8, without building a document: the texts are the same (every string value but the
    /// metadata fields', in document order; a string at the top level too), and the body is sent byte for byte unless
    /// a text changed, when only the changed strings are replaced. <see cref="Outcome.NotJson"/>: the body does not
    /// read as JSON, and nothing was processed.
    /// </summary>
    public static Outcome Process(ArraySegment<byte> body, ResponseTextProcessor processor, out ArraySegment<byte> result)
    {
        result = body;
        var texts = new List<(int Start, int Length, string Text)>();
        try
        {
            // First read it all: a body that turns out not to be JSON must have had nothing processed yet.
            var reader = new Utf8JsonReader(body);
            var metadataValue = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        metadataValue = IsMetadataKey(ref reader);
                        break;
                    case JsonTokenType.String:
                        if (!metadataValue)
                        {
                            texts.Add(((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2, reader.GetString()!));
                        }

                        metadataValue = false;
                        break;
                    default:
                        metadataValue = false;
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Outcome.NotJson; // invalid JSON, or a string that is not valid UTF-8
        }

        ArrayBufferWriter<byte>? output = null;
        Utf8JsonWriter? escaper = null;
        var copied = 0;
        foreach (var (start, length, text) in texts)
        {
            var processed = processor.ProcessWhole(text);
            if (processed is null)
            {
                return Outcome.Blocked;
            }

            if (ReferenceEquals(processed, text) || processed == text)
            {
                continue;
            }

            output ??= new ArrayBufferWriter<byte>(body.Count + 256);
            escaper ??= new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JsonRewriter.Options.Encoder, SkipValidation = true });
            output.Write(body.AsSpan(copied, start - copied));
            escaper.Reset(output);
            escaper.WriteStringValue(processed);
            escaper.Flush();
            copied = start + length;
        }

        if (output is null)
        {
            return Outcome.Unchanged;
        }

        output.Write(body.AsSpan(copied));
        result = output.WrittenSpan.ToArray();
        return Outcome.Changed;
    }

    private static bool IsMetadataKey(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return IsMetadata(reader.ValueSpan);
        }

        // An escape (\u0069) takes up to six bytes for one char: longer escaped names are no metadata name.
        if (reader.ValueSpan.Length > LongestMetadataKey * 6)
        {
            return false;
        }

        Span<byte> name = stackalloc byte[reader.ValueSpan.Length];
        return IsMetadata(name[..reader.CopyString(name)]);
    }

    private static readonly byte[][] MetadataNames = [.. MetadataKeys.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Whether a string under this property name is an identifier or enumeration, left as it is.</summary>
    public static bool IsMetadata(string name) => MetadataKeys.Contains(name);

    /// <summary>Whether a string under this (unescaped UTF-8) property name is an identifier or enumeration, left as it is.</summary>
    public static bool IsMetadata(ReadOnlySpan<byte> name)
    {
        // Asked for every string of every streamed delta event: a length test rejects most names at once.
        foreach (var candidate in MetadataNames)
        {
            if (candidate.Length == name.Length && name.SequenceEqual(candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Processes the document in place. Returns false when a response rule blocked. Values in <paramref name="done"/>
    /// (texts a delta sequence has already processed) are left as they are.
    /// </summary>
    public static bool Process(JsonNode node, ResponseTextProcessor processor, out bool changed, IReadOnlySet<JsonNode>? done = null)
    {
        changed = false;
        return Walk(node, processor, done, ref changed);
    }

    private static bool Walk(JsonNode? node, ResponseTextProcessor processor, IReadOnlySet<JsonNode>? done, ref bool changed)
    {
        switch (node)
        {
            case JsonObject obj:
                List<(string Key, string Value)>? updates = null;
                foreach (var (key, child) in obj)
                {
                    if (child is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        if (IsMetadata(key) || done?.Contains(value) == true)
                        {
                            continue;
                        }

                        var text = value.GetValue<string>();
                        var processed = processor.ProcessWhole(text);
                        if (processed is null)
                        {
                            return false;
                        }

                        if (!ReferenceEquals(processed, text) && processed != text)
                        {
                            (updates ??= []).Add((key, processed));
                        }
                    }
                    else if (!Walk(child, processor, done, ref changed))
                    {
                        return false;
                    }
                }

                if (updates is not null)
                {
                    foreach (var (key, value) in updates)
                    {
                        obj[key] = JsonValue.Create(value);
                    }

                    changed = true;
                }

                return true;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        if (done?.Contains(value) == true)
                        {
                            continue;
                        }

                        var text = value.GetValue<string>();
                        var processed = processor.ProcessWhole(text);
                        if (processed is null)
                        {
                            return false;
                        }

                        if (processed != text)
                        {
                            array[i] = JsonValue.Create(processed);
                            changed = true;
                        }
                    }
                    else if (!Walk(array[i], processor, done, ref changed))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }
}
