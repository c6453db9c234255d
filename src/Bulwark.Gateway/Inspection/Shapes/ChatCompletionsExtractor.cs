using System.Text.Json;

namespace Bulwark.Gateway.Inspection.Shapes;

/// <summary>
/// OpenAI chat completions (and every OpenAI-compatible API: DashScope compatible mode, Azure, vLLM, Ollama):
/// every message of every role, string or array <c>content</c> parts, <c>name</c>, <c>refusal</c>,
/// <c>reasoning_content</c>, and the arguments of <c>tool_calls</c> and legacy <c>function_call</c>.
/// </summary>
internal sealed class ChatCompletionsExtractor : IRequestExtractor
{
    public string Shape => "openai.chat_completions";

    public bool MatchesPath(string path) => path.EndsWith("/chat/completions", StringComparison.OrdinalIgnoreCase);

    public bool MatchesBody(JsonElement root) =>
        root.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array;

    public ExtractResult Extract(JsonElement root, List<InspectedText> texts)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return ExtractResult.Fail(ExtractError.Malformed, "/messages");
        }

        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = $"/messages/{i++}";
            var result = ExtractMessage(message, at, texts);
            if (!result.Succeeded)
            {
                return result;
            }
        }

        return ExtractResult.Ok;
    }

    internal static ExtractResult ExtractMessage(JsonElement message, string at, List<InspectedText> texts)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return ExtractResult.Fail(ExtractError.Malformed, at);
        }

        var role = JsonText.RoleOf(message);
        if (message.TryGetProperty("content", out var content))
        {
            var result = ExtractContent(content, role, at + "/content", texts);
            if (!result.Succeeded)
            {
                return result;
            }
        }

        foreach (var field in (ReadOnlySpan<string>)["name", "refusal", "reasoning_content"])
        {
            if (!JsonText.TryAddOptionalString(message, field, role, at, texts))
            {
                return ExtractResult.Fail(ExtractError.Malformed, $"{at}/{field}");
            }
        }

        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind != JsonValueKind.Null)
        {
            if (calls.ValueKind != JsonValueKind.Array)
            {
                return ExtractResult.Fail(ExtractError.Malformed, at + "/tool_calls");
            }

            var c = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var callAt = $"{at}/tool_calls/{c++}";
                if (call.ValueKind != JsonValueKind.Object
                    || (call.TryGetProperty("function", out var function) && !ExtractFunction(function, role, callAt + "/function", texts)))
                {
                    return ExtractResult.Fail(ExtractError.Malformed, callAt);
                }
            }
        }

        if (message.TryGetProperty("function_call", out var legacy) && legacy.ValueKind != JsonValueKind.Null
            && !ExtractFunction(legacy, role, at + "/function_call", texts))
        {
            return ExtractResult.Fail(ExtractError.Malformed, at + "/function_call");
        }

        return ExtractResult.Ok;
    }

    /// <summary>String content, or an array of parts whose <c>text</c> (or <c>refusal</c>) fields are read.</summary>
    internal static ExtractResult ExtractContent(JsonElement content, string? role, string at, List<InspectedText> texts)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.Null:
                return ExtractResult.Ok;
            case JsonValueKind.String:
                JsonText.Add(content, role, at, texts);
                return ExtractResult.Ok;
            case JsonValueKind.Array:
                var p = 0;
                foreach (var part in content.EnumerateArray())
                {
                    var partAt = $"{at}/{p++}";
                    if (part.ValueKind == JsonValueKind.String)
                    {
                        JsonText.Add(part, role, partAt, texts);
                        continue;
                    }

                    if (part.ValueKind != JsonValueKind.Object
                        || !JsonText.TryAddOptionalString(part, "text", role, partAt, texts)
                        || !JsonText.TryAddOptionalString(part, "refusal", role, partAt, texts))
                    {
                        return ExtractResult.Fail(ExtractError.Malformed, partAt);
                    }
                }

                return ExtractResult.Ok;
            default:
                return ExtractResult.Fail(ExtractError.Malformed, at);
        }
    }

    private static bool ExtractFunction(JsonElement function, string? role, string at, List<InspectedText> texts) =>
        function.ValueKind == JsonValueKind.Object
        && JsonText.TryAddOptionalString(function, "name", role, at, texts)
        && JsonText.TryAddOptionalString(function, "arguments", role, at, texts);
}
