using System.ClientModel;
using Bulwark.FunctionalTests.Infrastructure;
using Bulwark.Testing;
using OpenAI;
using OpenAI.Chat;

namespace Bulwark.FunctionalTests;

public sealed class KeyInjectionTests
{
    private const string GatewayKey = "sk-gateway-0123456789abcdef";
    private const string ClientKey = "sk-client-should-never-leave";

    internal static ChatClient ChatClientFor(GatewayFixture fixture, string prefix = "openai/v1", string key = ClientKey) =>
        new("gpt-4o-mini", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(fixture.ProxyAddress, prefix) });

    private static string RouteConfig(string upstream, string keys) =>
        GatewayFixture.Listeners() + $"""
        routes:
          - name: openai
            path_prefix: /openai
            upstream: {upstream}
        {keys}
        """;

    [Fact]
    public async Task ChatCompletion_ThroughGateway_InjectsRouteKeyAndDropsClientKey()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => RouteConfig(up, $"    api_key: {GatewayKey}"));

        var completion = await ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("Say hello")]);

        completion.Value.Content[0].Text.ShouldBe(FakeUpstream.DefaultAnswer);
        var received = fixture.Upstream.Requests.ShouldHaveSingleItem();
        received.PathAndQuery.ShouldBe("/v1/chat/completions");
        received.Header("authorization").ShouldBe("Bearer " + GatewayKey);
        string.Join('\n', received.Headers.Values).ShouldNotContain(ClientKey);
    }

    [Fact]
    public async Task StreamingChatCompletion_ThroughGateway_RelaysEveryEvent()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => RouteConfig(up, $"    api_key: {GatewayKey}"));

        var text = new System.Text.StringBuilder();
        var updates = 0;
        await foreach (var update in ChatClientFor(fixture).CompleteChatStreamingAsync([new UserChatMessage("Say hello")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        text.ToString().ShouldBe(FakeUpstream.DefaultAnswer);
        updates.ShouldBe(51); // 50 content events and the final usage event
        fixture.Upstream.Requests.ShouldHaveSingleItem().Header("authorization").ShouldBe("Bearer " + GatewayKey);
    }

    [Theory]
    [InlineData("azure", "api-key", "")]
    [InlineData("anthropic", "x-api-key", "")]
    [InlineData("dashscope", "authorization", "Bearer ")]
    public async Task Provider_DecidesTheKeyHeader(string provider, string header, string prefix)
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners() + $"""
            routes:
              - name: p
                provider: {provider}
                path_prefix: /p
                upstream: {up}
                api_key: {GatewayKey}
            """);
        using var client = fixture.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/p/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ClientKey);
        request.Headers.TryAddWithoutValidation("x-api-key", ClientKey);
        request.Headers.TryAddWithoutValidation("api-key", ClientKey);

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        var received = fixture.Upstream.Requests.ShouldHaveSingleItem();
        received.Header(header).ShouldBe(prefix + GatewayKey);
        string.Join('\n', received.Headers.Values).ShouldNotContain(ClientKey);
    }

    [Fact]
    public async Task SeveralKeys_UpstreamRefusesOne_RetriesOnceOnTheNextKey()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => RouteConfig(up, "    api_keys: [sk-key-one, sk-key-two]"));
        fixture.Upstream.Script = (request, _) =>
            request.Header("authorization") == "Bearer sk-key-one" ? new ScriptedResponse(401, """{"error":{"message":"bad key"}}""") : null;

        // Whichever key round-robin picks first, every call succeeds: a refusal on key one moves to key two.
        for (var i = 0; i < 4; i++)
        {
            var completion = await ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("hi")]);
            completion.Value.Content[0].Text.ShouldBe(FakeUpstream.DefaultAnswer);
        }

        var keysSeen = fixture.Upstream.Requests.Select(r => r.Header("authorization")).ToList();
        keysSeen.ShouldContain("Bearer sk-key-one"); // tried once...
        keysSeen.Count(k => k == "Bearer sk-key-one").ShouldBe(1); // ...then cooled down and skipped
        keysSeen.Count(k => k == "Bearer sk-key-two").ShouldBe(4);
    }

    [Fact]
    public async Task KeyRotation_ByConfigEdit_AppliesWithoutRestart()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => RouteConfig(up, "    api_key: sk-old-key"));
        var upstream = fixture.Upstream.BaseAddress.ToString().TrimEnd('/');
        await ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("hi")]);

        await fixture.RewriteConfigAsync(RouteConfig(upstream, "    api_key: sk-new-key"));
        await ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("hi")]);

        fixture.Upstream.Requests.Select(r => r.Header("authorization")).ShouldBe(["Bearer sk-old-key", "Bearer sk-new-key"]);
    }

    [Fact]
    public async Task KeyRotation_ByFileSecret_AppliesWithoutRestart()
    {
        string? keyFile = null;
        await using var fixture = await GatewayFixture.StartAsync((up, dir) =>
        {
            keyFile = Path.Combine(dir, "openai.key");
            File.WriteAllText(keyFile, "sk-file-key-one\n");
            return RouteConfig(up, $"    api_key: file:{keyFile}");
        });
        await ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("hi")]);

        await File.WriteAllTextAsync(keyFile!, "sk-file-key-two-rotated\n");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (fixture.Upstream.Requests[^1].Header("authorization") != "Bearer sk-file-key-two-rotated" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            await ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("hi")]);
        }

        fixture.Upstream.Requests[0].Header("authorization").ShouldBe("Bearer sk-file-key-one");
        fixture.Upstream.Requests[^1].Header("authorization").ShouldBe("Bearer sk-file-key-two-rotated");
        fixture.Gateway.Config.Generation.ShouldBe(1); // the config itself never reloaded
    }

    [Fact]
    public async Task BrokenConfigEdit_KeepsServingTheLastGoodConfig()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => RouteConfig(up, "    api_key: sk-good-key"));
        var before = fixture.Gateway.Config.Generation;

        await File.WriteAllTextAsync(fixture.ConfigPath, GatewayFixture.Listeners() + """
            routes:
              - name: openai
                path_prefix: /openai
                upstream: not a url
                deny_patterns: ["(unclosed"]
            """);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!fixture.Logs.All.Contains("rejected", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        fixture.Logs.All.ShouldContain("routes[0].upstream");
        fixture.Logs.All.ShouldContain("routes[0].deny_patterns[0]"); // every error is reported, not just the first
        fixture.Gateway.Config.Generation.ShouldBe(before);
        var completion = await ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("hi")]);
        completion.Value.Content[0].Text.ShouldBe(FakeUpstream.DefaultAnswer);
        fixture.Upstream.Requests[^1].Header("authorization").ShouldBe("Bearer sk-good-key");
    }
}
