using System.Text.Json;

namespace Bulwark.Gateway.Inspection.Shapes;

/// <summary>
/// OpenAI Responses API: <c>instructions</c> (as the system role) and <c>input</c>, a string or a list of items:
/// messages (string or part content), function call arguments and function call outputs. Items of other types
/// have their text-bearing fields read.
/// </summary>
internal sealed class ResponsesExtractor : IRequestExtractor
{
    public string Shape => "openai.responses";

    public bool MatchesPath(string path) => path.EndsWith("/responses", StringComparison.OrdinalIgnoreCase);

    public bool MatchesBody(JsonElement root) =>
        root.TryGetProperty("instructions", out _)
        || (root.TryGetProperty("input", out var input) && input.ValueKind is JsonValueKind.String or JsonValueKind.Array);

    public ExtractResult Extract(JsonElement root, List<InspectedText> texts)
    {
        if (!JsonText.TryAddOptionalString(root, "instructions", "system", string.Empty, texts))
        {
            return ExtractResult.Fail(ExtractError.Malformed, "/instructions");
        }

        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            return ExtractResult.Ok;
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            JsonText.Add(input, "user", "/input", texts);
            return ExtractResult.Ok;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            return ExtractResult.Fail(ExtractError.Malformed, "/input");
        }

        var i = 0;
        foreach (var item in input.EnumerateArray())
        {
            var at = $"/input/{i++}";
            if (item.ValueKind == JsonValueKind.String)
            {
                JsonText.Add(item, "user", at, texts);
                continue;
            }

            if (item.ValueKind != JsonValueKind.Object)
            {
                return ExtractResult.Fail(ExtractError.Malformed, at);
            }

            var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "message";
            var result = type switch
            {
                "message" => ChatCompletionsExtractor.ExtractMessage(item, at, texts),
                "function_call" or "custom_tool_call" => Fields(item, "assistant", at, texts, "arguments", "input"),
                "function_call_output" or "custom_tool_call_output" => Output(item, at, texts),
                _ => Other(item, at, texts),
            };
            if (!result.Succeeded)
            {
                return result;
            }
        }

        return ExtractResult.Ok;
    }

    private static ExtractResult Fields(JsonElement item, string role, string at, List<InspectedText> texts, params ReadOnlySpan<string> fields)
    {
        foreach (var field in fields)
        {
            if (!JsonText.TryAddOptionalString(item, field, role, at, texts))
            {
                return ExtractResult.Fail(ExtractError.Malformed, $"{at}/{field}");
            }
        }

        return ExtractResult.Ok;
    }

    private static ExtractResult Output(JsonElement item, string at, List<InspectedText> texts) =>
        item.TryGetProperty("output", out var output)
            ? ChatCompletionsExtractor.ExtractContent(output, "tool", at + "/output", texts)
            : ExtractResult.Ok;

    private static ExtractResult Other(JsonElement item, string at, List<InspectedText> texts)
    {
        // Item types added to the API after this code was written still reach the model: read their text-bearing
        // fields rather than skipping them.
        var role = JsonText.RoleOf(item);
        foreach (var field in (ReadOnlySpan<string>)["content", "text", "output", "arguments", "summary"])
        {
            if (item.TryGetProperty(field, out var value))
            {
                JsonText.AddAllStrings(value, role, $"{at}/{field}", texts);
            }
        }

        return ExtractResult.Ok;
    }
}
