using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Tests.Configuration;

public sealed class RouteTableTests
{
    private static readonly GatewayConfig Config = ConfigLoader.Load("""
        routes:
          - name: exact
            hosts: [api.openai.com]
          - name: wildcard
            hosts: ["*.openai.azure.com"]
            upstream: https://mycompany.openai.azure.com
          - name: port-only
            hosts: ["llm.internal:8443"]
            upstream: https://llm.internal:8443
          - name: prefix
            path_prefix: /anthropic/
            upstream: https://api.anthropic.com/base
          - name: both
            hosts: [gateway.corp]
            path_prefix: /qwen
            upstream: https://dashscope.aliyuncs.com/compatible-mode
        """, "t.yaml", TimeProvider.System).Config!;

    [Theory]
    [InlineData("api.openai.com", null, "/v1/chat/completions", "exact", "/v1/chat/completions")]
    [InlineData("api.openai.com", 8080, "/v1/models", "exact", "/v1/models")]
    [InlineData("eastus.openai.azure.com", null, "/x", "wildcard", "/x")]
    [InlineData("llm.internal", 8443, "/v1", "port-only", "/v1")]
    [InlineData("localhost", 8080, "/anthropic/v1/messages", "prefix", "/v1/messages")]
    [InlineData("localhost", 8080, "/anthropic", "prefix", "/")]
    [InlineData("gateway.corp", null, "/qwen/v1/chat/completions", "both", "/v1/chat/completions")]
    public void Resolve_MatchingRequest_PicksRouteAndStripsPrefix(string host, int? port, string path, string route, string forwardPath)
    {
        var match = RouteTable.Resolve(Config, host, port, path);

        match.ShouldNotBeNull();
        match.Value.Route.Name.ShouldBe(route);
        match.Value.ForwardPath.ShouldBe(forwardPath);
    }

    [Theory]
    [InlineData("openai.azure.com", null, "/x")] // a wildcard does not match the bare suffix
    [InlineData("evil-openai.azure.com.attacker.net", null, "/x")]
    [InlineData("llm.internal", 9999, "/v1")] // wrong port
    [InlineData("localhost", 8080, "/anthropicx/v1")] // prefix on a segment boundary only
    [InlineData("other.corp", null, "/qwen/v1")] // both criteria must hold
    [InlineData("api.openai.com.evil.net", null, "/v1")]
    public void Resolve_NonMatchingRequest_ReturnsNull(string host, int? port, string path)
    {
        RouteTable.Resolve(Config, host, port, path).ShouldBeNull();
    }

    [Fact]
    public void DefaultUpstream_IsHttpsToTheExactHost()
    {
        Config.Routes[0].Upstream.ShouldBe(new Uri("https://api.openai.com"));
    }
}
