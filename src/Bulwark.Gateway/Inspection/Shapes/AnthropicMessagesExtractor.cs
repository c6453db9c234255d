using System.Text.Json;

namespace Bulwark.Gateway.Inspection.Shapes;

/// <summary>
/// Anthropic Messages API: <c>system</c> (string or text blocks) and <c>messages</c> whose content is a string or
/// blocks: <c>text</c>, <c>thinking</c>, <c>tool_use.input</c> (every string in it), <c>tool_result.content</c> and
/// plain-text <c>document</c> sources.
/// </summary>
internal sealed class AnthropicMessagesExtractor : IRequestExtractor
{
    public string Shape => "anthropic.messages";

    public bool MatchesPath(string path) => path.EndsWith("/messages", StringComparison.OrdinalIgnoreCase);

    public bool MatchesBody(JsonElement root) =>
        root.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array;

    public ExtractResult Extract(JsonElement root, List<InspectedText> texts)
    {
        if (root.TryGetProperty("system", out var system))
        {
            var result = ExtractBlocks(system, "system", "/system", texts);
            if (!result.Succeeded)
            {
                return result;
            }
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return ExtractResult.Fail(ExtractError.Malformed, "/messages");
        }

        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = $"/messages/{i++}";
            if (message.ValueKind != JsonValueKind.Object)
            {
                return ExtractResult.Fail(ExtractError.Malformed, at);
            }

            if (message.TryGetProperty("content", out var content))
            {
                var result = ExtractBlocks(content, JsonText.RoleOf(message), at + "/content", texts);
                if (!result.Succeeded)
                {
                    return result;
                }
            }
        }

        return ExtractResult.Ok;
    }

    private static ExtractResult ExtractBlocks(JsonElement content, string? role, string at, List<InspectedText> texts)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.Null:
                return ExtractResult.Ok;
            case JsonValueKind.String:
                JsonText.Add(content, role, at, texts);
                return ExtractResult.Ok;
            case JsonValueKind.Array:
                break;
            default:
                return ExtractResult.Fail(ExtractError.Malformed, at);
        }

        var b = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockAt = $"{at}/{b++}";
            if (block.ValueKind != JsonValueKind.Object)
            {
                return ExtractResult.Fail(ExtractError.Malformed, blockAt);
            }

            if (!JsonText.TryAddOptionalString(block, "text", role, blockAt, texts)
                || !JsonText.TryAddOptionalString(block, "thinking", role, blockAt, texts))
            {
                return ExtractResult.Fail(ExtractError.Malformed, blockAt);
            }

            if (block.TryGetProperty("input", out var input))
            {
                JsonText.AddAllStrings(input, role, blockAt + "/input", texts);
            }

            if (block.TryGetProperty("content", out var nested))
            {
                var result = ExtractBlocks(nested, role, blockAt + "/content", texts);
                if (!result.Succeeded)
                {
                    return result;
                }
            }

            if (block.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.Object
                && source.TryGetProperty("type", out var sourceType) && sourceType.ValueKind == JsonValueKind.String
                && sourceType.GetString() == "text"
                && !JsonText.TryAddOptionalString(source, "data", role, blockAt + "/source", texts))
            {
                return ExtractResult.Fail(ExtractError.Malformed, blockAt + "/source");
            }
        }

        return ExtractResult.Ok;
    }
}
