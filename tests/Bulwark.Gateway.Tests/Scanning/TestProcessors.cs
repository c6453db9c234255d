using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Pipeline;
using Bulwark.Gateway.Scanning;

namespace Bulwark.Gateway.Tests.Scanning;

/// <summary>A response processor for one OpenAI route whose <c>detection:</c> block is the given YAML.</summary>
internal static class TestProcessors
{
    public static ResponseTextProcessor For(string detection, GatewayRequestFeature feature)
    {
        var result = ConfigLoader.Load(
            $"""
            routes:
              - name: openai
                path_prefix: /openai
                upstream: https://api.openai.com
                detection: {detection}
            """,
            "test.yaml",
            TimeProvider.System);
        var route = result.Config?.Routes[0] ?? throw new InvalidOperationException(result.Describe());
        return ResponseTextProcessor.Create(route, feature) ?? throw new InvalidOperationException("nothing to process");
    }
}
