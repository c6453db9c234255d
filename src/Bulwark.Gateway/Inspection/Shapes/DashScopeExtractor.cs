using System.Text.Json;

namespace Bulwark.Gateway.Inspection.Shapes;

/// <summary>
/// DashScope's native generation API (<c>/api/v1/services/aigc/...</c>): <c>input.messages</c> (string content or
/// multimodal parts with <c>text</c>), <c>input.prompt</c> and the legacy <c>input.history</c> turns.
/// </summary>
internal sealed class DashScopeExtractor : IRequestExtractor
{
    public string Shape => "dashscope.generation";

    public bool MatchesPath(string path) => path.Contains("/services/aigc/", StringComparison.OrdinalIgnoreCase);

    public bool MatchesBody(JsonElement root) =>
        root.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Object;

    public ExtractResult Extract(JsonElement root, List<InspectedText> texts)
    {
        if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
        {
            return ExtractResult.Fail(ExtractError.Malformed, "/input");
        }

        if (!JsonText.TryAddOptionalString(input, "prompt", "user", "/input", texts))
        {
            return ExtractResult.Fail(ExtractError.Malformed, "/input/prompt");
        }

        if (input.TryGetProperty("messages", out var messages) && messages.ValueKind != JsonValueKind.Null)
        {
            if (messages.ValueKind != JsonValueKind.Array)
            {
                return ExtractResult.Fail(ExtractError.Malformed, "/input/messages");
            }

            var i = 0;
            foreach (var message in messages.EnumerateArray())
            {
                var result = ChatCompletionsExtractor.ExtractMessage(message, $"/input/messages/{i++}", texts);
                if (!result.Succeeded)
                {
                    return result;
                }
            }
        }

        if (input.TryGetProperty("history", out var history) && history.ValueKind == JsonValueKind.Array)
        {
            var h = 0;
            foreach (var turn in history.EnumerateArray())
            {
                var at = $"/input/history/{h++}";
                if (turn.ValueKind != JsonValueKind.Object
                    || !JsonText.TryAddOptionalString(turn, "user", "user", at, texts)
                    || !JsonText.TryAddOptionalString(turn, "bot", "assistant", at, texts))
                {
                    return ExtractResult.Fail(ExtractError.Malformed, at);
                }
            }
        }

        return ExtractResult.Ok;
    }
}
