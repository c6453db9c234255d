using System.Text.Json;

namespace Bulwark.Gateway.Inspection.Shapes;

/// <summary>
/// Legacy completions (<c>prompt</c>, <c>suffix</c>) and embeddings (<c>input</c>): a string or an array of strings.
/// Token-id arrays are refused: token ids cannot be inspected, so they would be a way around every rule.
/// </summary>
internal sealed class CompletionsExtractor(string shape, string pathSuffix, string field) : IRequestExtractor
{
    public static CompletionsExtractor Completions { get; } = new("openai.completions", "/completions", "prompt");

    public static CompletionsExtractor Embeddings { get; } = new("openai.embeddings", "/embeddings", "input");

    public string Shape => shape;

    public bool MatchesPath(string path) => path.EndsWith(pathSuffix, StringComparison.OrdinalIgnoreCase);

    public bool MatchesBody(JsonElement root) => field == "prompt" && root.TryGetProperty(field, out _);

    public ExtractResult Extract(JsonElement root, List<InspectedText> texts)
    {
        if (!root.TryGetProperty(field, out var value))
        {
            return ExtractResult.Fail(ExtractError.Malformed, "/" + field);
        }

        var result = ExtractStrings(value, "/" + field, texts);
        if (!result.Succeeded)
        {
            return result;
        }

        return JsonText.TryAddOptionalString(root, "suffix", "user", string.Empty, texts)
            ? ExtractResult.Ok
            : ExtractResult.Fail(ExtractError.Malformed, "/suffix");
    }

    internal static ExtractResult ExtractStrings(JsonElement value, string at, List<InspectedText> texts)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                JsonText.Add(value, "user", at, texts);
                return ExtractResult.Ok;
            case JsonValueKind.Array when JsonText.IsTokenArray(value):
                return ExtractResult.Fail(ExtractError.TokenIds, at);
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        return ExtractResult.Fail(ExtractError.Malformed, $"{at}/{i}");
                    }

                    JsonText.Add(item, "user", $"{at}/{i++}", texts);
                }

                return ExtractResult.Ok;
            default:
                return ExtractResult.Fail(ExtractError.Malformed, at);
        }
    }
}
