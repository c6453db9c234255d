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

    /// <summary>Processes the document in place. Returns false when a response rule blocked.</summary>
    public static bool Process(JsonNode node, ResponseTextProcessor processor, out bool changed)
    {
        changed = false;
        return Walk(node, processor, ref changed);
    }

    private static bool Walk(JsonNode? node, ResponseTextProcessor processor, ref bool changed)
    {
        switch (node)
        {
            case JsonObject obj:
                List<(string Key, string Value)>? updates = null;
                foreach (var (key, child) in obj)
                {
                    if (child is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        if (MetadataKeys.Contains(key))
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
                    else if (!Walk(child, processor, ref changed))
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
                    else if (!Walk(array[i], processor, ref changed))
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
