using System.Buffers;
using System.Text.Json;

namespace Bulwark.Gateway.Limits;

/// <summary>
/// The pre-check's estimate of what a request will cost, and the request rewrite that makes streamed usage
/// countable.
/// </summary>
internal static class TokenEstimate
{
    /// <summary>
    /// Prompt: one token per four characters of inspected text, rounded up (close for English, low for CJK).
    /// Completion: the request's own cap (<c>max_tokens</c>, <c>max_completion_tokens</c>, <c>max_output_tokens</c>)
    /// or the configured default.
    /// </summary>
    public static long Estimate(JsonElement? root, long textChars, int defaultCompletionTokens)
    {
        var prompt = (textChars + 3) / 4;
        long completion = defaultCompletionTokens;
        if (root is { ValueKind: JsonValueKind.Object } body)
        {
            foreach (var name in (ReadOnlySpan<string>)["max_completion_tokens", "max_tokens", "max_output_tokens"])
            {
                if (body.TryGetProperty(name, out var cap) && cap.ValueKind == JsonValueKind.Number && cap.TryGetInt64(out var value) && value >= 0)
                {
                    completion = value;
                    break;
                }
            }
        }

        return prompt + completion;
    }

    /// <summary>
    /// For a streamed chat completion that did not ask for usage, the same body with
    /// <c>stream_options.include_usage: true</c>, so the upstream reports usage in its final event (the client sees
    /// one extra chunk with empty <c>choices</c>, which OpenAI's SDKs expect). Null when nothing needs to change.
    /// </summary>
    public static byte[]? RequestStreamUsage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("stream", out var stream) || stream.ValueKind != JsonValueKind.True)
        {
            return null;
        }

        var hasOptions = root.TryGetProperty("stream_options", out var options);
        if (hasOptions && (options.ValueKind != JsonValueKind.Object
            || (options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True)))
        {
            return null; // already asked for, or a shape we do not rewrite
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("stream_options"))
                {
                    continue;
                }

                property.WriteTo(writer);
            }

            writer.WriteStartObject("stream_options");
            if (hasOptions)
            {
                foreach (var property in options.EnumerateObject())
                {
                    if (!property.NameEquals("include_usage"))
                    {
                        property.WriteTo(writer);
                    }
                }
            }

            writer.WriteBoolean("include_usage", true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
