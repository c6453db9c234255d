using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Inspection.Shapes;

namespace Bulwark.Gateway.Inspection;

/// <summary>
/// The one place that lists the API shapes the gateway can inspect. A shape is chosen by the upstream path first
/// (the upstream decides by path what it reads), and only when the path names no known shape by what the body
/// looks like. A body that matches no shape is refused unless the route allows unknown shapes.
/// </summary>
internal static class RequestShapes
{
    private static readonly ChatCompletionsExtractor Chat = new();
    private static readonly ResponsesExtractor Responses = new();
    private static readonly AnthropicMessagesExtractor Anthropic = new();
    private static readonly DashScopeExtractor DashScope = new();

    // Order matters: "/chat/completions" also ends with "/completions".
    private static readonly IRequestExtractor[] ByPath =
    [
        Chat,
        CompletionsExtractor.Completions,
        CompletionsExtractor.Embeddings,
        Responses,
        DashScope,
        Anthropic,
    ];

    public static IRequestExtractor? Find(string path, JsonElement root, Provider provider)
    {
        foreach (var extractor in ByPath)
        {
            if (extractor.MatchesPath(path))
            {
                // "/messages" is Anthropic's; on other providers it is e.g. OpenAI's threads API, shaped like chat.
                return extractor == Anthropic && provider != Provider.Anthropic ? Chat : extractor;
            }
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (DashScope.MatchesBody(root))
        {
            return DashScope;
        }

        if (Chat.MatchesBody(root))
        {
            return provider == Provider.Anthropic ? Anthropic : Chat;
        }

        if (CompletionsExtractor.Completions.MatchesBody(root))
        {
            return CompletionsExtractor.Completions;
        }

        return Responses.MatchesBody(root) ? Responses : null;
    }
}
