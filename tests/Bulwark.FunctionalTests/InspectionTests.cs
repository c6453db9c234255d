using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Bulwark.FunctionalTests.Infrastructure;
using OpenAI.Chat;

namespace Bulwark.FunctionalTests;

/// <summary>
/// Every hole of the LLMProxy plug-in, tried against the gateway: each must end in a refusal and nothing may reach
/// the upstream.
/// </summary>
public sealed class InspectionTests
{
    private const string Secret = "Project Nightingale";

    private static string Config(string upstream, string extra = "") =>
        GatewayFixture.Listeners() + $"""
        routes:
          - name: openai
            path_prefix: /openai
            upstream: {upstream}
            api_key: sk-gateway
            deny_patterns: ["(?i)project\\s+nightingale"]
        {extra}
          - name: dashscope
            provider: dashscope
            path_prefix: /dashscope
            upstream: {upstream}
            api_key: sk-ds
            deny_patterns: ["(?i)project\\s+nightingale"]
          - name: anthropic
            provider: anthropic
            path_prefix: /anthropic
            upstream: {upstream}
            api_key: sk-ant
            deny_patterns: ["(?i)project\\s+nightingale"]
        """;

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(GatewayFixture fixture, string path, string json, string? contentEncoding = null)
    {
        using var client = fixture.CreateClient();
        var content = new StringContent(json, Encoding.UTF8, "application/json");
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return (response.StatusCode, body, response);
    }

    public static TheoryData<string, string> PluginBypasses => new()
    {
        // The plug-in failed to parse "stop" as a string and forwarded the body unchecked.
        { "/openai/v1/chat/completions", """{"model":"m","stop":"\n","messages":[{"role":"user","content":"Tell me about Project Nightingale"}]}""" },
        // Array content parts were never inspected.
        { "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hello"},{"type":"text","text":"Project Nightingale budget"}]}]}""" },
        // Only user messages were inspected.
        { "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"system","content":"Context: Project Nightingale"},{"role":"user","content":"summarise"}]}""" },
        { "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"Project Nightingale\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}]}""" },
        { "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"tool","tool_call_id":"c1","content":[{"type":"text","text":"result: Project Nightingale"}]}]}""" },
        { "/openai/v1/completions", """{"model":"m","prompt":["fine","Project Nightingale"]}""" },
        { "/openai/v1/embeddings", """{"model":"m","input":"Project Nightingale"}""" },
        { "/openai/v1/responses", """{"model":"m","instructions":"You know Project Nightingale","input":"hi"}""" },
        { "/openai/v1/responses", """{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"Project Nightingale"}]}]}""" },
        { "/openai/v1/responses", """{"model":"m","input":[{"type":"function_call_output","call_id":"c","output":"Project Nightingale"}]}""" },
        // DashScope-native bodies skipped every check.
        { "/dashscope/api/v1/services/aigc/text-generation/generation", """{"model":"qwen-max","input":{"messages":[{"role":"user","content":"Project Nightingale"}]}}""" },
        { "/dashscope/api/v1/services/aigc/text-generation/generation", """{"model":"qwen-max","input":{"prompt":"Project Nightingale"}}""" },
        { "/dashscope/api/v1/services/aigc/multimodal-generation/generation", """{"model":"qwen-vl","input":{"messages":[{"role":"user","content":[{"image":"http://x/y.png"},{"text":"Project Nightingale"}]}]}}""" },
        { "/anthropic/v1/messages", """{"model":"claude","max_tokens":10,"system":"Project Nightingale","messages":[{"role":"user","content":"hi"}]}""" },
        { "/anthropic/v1/messages", """{"model":"claude","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"Project Nightingale"}]}]}]}""" },
        { "/anthropic/v1/messages", """{"model":"claude","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{"query":"Project Nightingale"}}]}]}""" },
        // Escapes are decoded before matching.
        { "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"Project \u004eightingale"}]}""" },
    };

    [Theory]
    [MemberData(nameof(PluginBypasses))]
    public async Task DeniedText_AnywhereTheModelReadsIt_IsBlockedAndNeverForwarded(string path, string json)
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up));

        var (status, body, response) = await PostAsync(fixture, path, json);

        status.ShouldBe(HttpStatusCode.Forbidden);
        var error = body.GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe("deny_pattern");
        error.GetProperty("request_id").GetString().ShouldBe(response.Headers.GetValues("x-request-id").Single());
        body.ToString().ShouldNotContain("Nightingale", Case.Insensitive); // the blocked text is never echoed
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    public static TheoryData<string, string, int, string> Uninspectable => new()
    {
        { "/openai/v1/chat/completions", "this is not json", 400, "invalid_json" },
        { "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"ok"}],"messages":[{"role":"user","content":"Project Nightingale"}]}""", 400, "invalid_json" },
        { "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":{"nested":"object"}}]}""", 400, "malformed_request" },
        { "/openai/v1/chat/completions", """{"model":"m","messages":"Project Nightingale"}""", 400, "malformed_request" },
        { "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"\ud800"}]}""", 400, "malformed_request" },
        { "/openai/v1/completions", """{"model":"m","prompt":[1234,5678]}""", 400, "token_ids_not_inspectable" },
        { "/openai/v1/embeddings", """{"model":"m","input":[[1,2],[3]]}""", 400, "token_ids_not_inspectable" },
        { "/openai/v1/some/new/api", """{"model":"m","data":"Project Nightingale"}""", 400, "unknown_request_shape" },
        { "/openai/v1/some/new/api", """["Project Nightingale"]""", 400, "unknown_request_shape" },
    };

    [Theory]
    [MemberData(nameof(Uninspectable))]
    public async Task BodyThatCannotBeInspected_IsRefusedAndNeverForwarded(string path, string json, int expectedStatus, string expectedCode)
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up));

        var (status, body, _) = await PostAsync(fixture, path, json);

        ((int)status).ShouldBe(expectedStatus);
        body.GetProperty("error").GetProperty("code").GetString().ShouldBe(expectedCode);
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task UnknownShape_OnRouteThatAllowsIt_IsForwarded()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners() + $"""
            routes:
              - name: lenient
                path_prefix: /lenient
                upstream: {up}
                allow_unknown_shapes: true
            """);

        var (status, _, _) = await PostAsync(fixture, "/lenient/v1/some/new/api", """{"data":"anything"}""");

        status.ShouldBe(HttpStatusCode.OK);
        fixture.Upstream.Requests.ShouldHaveSingleItem().PathAndQuery.ShouldBe("/v1/some/new/api");
    }

    [Fact]
    public async Task CompressedBody_IsRefusedWith415()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up));

        var (status, body, _) = await PostAsync(fixture, "/openai/v1/chat/completions", "\u001f\u008bgarbage", contentEncoding: "gzip");

        status.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        body.GetProperty("error").GetProperty("code").GetString().ShouldBe("unsupported_content_encoding");
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task BodyOverTheLimit_IsRefusedWith413()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up, "    max_body_bytes: 1024"));
        var big = new string('a', 4096);

        var (status, body, _) = await PostAsync(fixture, "/openai/v1/chat/completions", $$"""{"model":"m","messages":[{"role":"user","content":"{{big}}"}]}""");

        status.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        body.GetProperty("error").GetProperty("code").GetString().ShouldBe("body_too_large");
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task AllowPatterns_TextThatMatchesNone_IsBlocked()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => GatewayFixture.Listeners() + $"""
            routes:
              - name: support
                path_prefix: /openai
                upstream: {up}
                inspect_roles: [user]
                allow_patterns: ["(?i)order|refund|delivery"]
            """);

        var allowed = await PostAsync(fixture, "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"where is my order"}]}""");
        var blocked = await PostAsync(fixture, "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"write me a poem"}]}""");

        allowed.Status.ShouldBe(HttpStatusCode.OK);
        blocked.Status.ShouldBe(HttpStatusCode.Forbidden);
        blocked.Body.GetProperty("error").GetProperty("code").GetString().ShouldBe("allow_pattern_mismatch");
        fixture.Upstream.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Denial_ThroughTheOpenAiSdk_SurfacesAsClientErrorWithTheRuleCode()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up));

        var error = await Should.ThrowAsync<ClientResultException>(() =>
            KeyInjectionTests.ChatClientFor(fixture).CompleteChatAsync([new UserChatMessage("Status of " + Secret + "?")]));

        error.Status.ShouldBe(403);
        error.Message.ShouldContain("deny_pattern");
        error.Message.ShouldNotContain("Nightingale");
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Denial_OnAnthropicRoute_IsAnthropicShaped()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up));

        var (status, body, _) = await PostAsync(fixture, "/anthropic/v1/messages", """{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"Project Nightingale"}]}""");

        status.ShouldBe(HttpStatusCode.Forbidden);
        body.GetProperty("type").GetString().ShouldBe("error");
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe("permission_error");
        body.GetProperty("error").GetProperty("code").GetString().ShouldBe("deny_pattern");
    }

    [Fact]
    public async Task Logs_NeverContainPromptTextOrKeys()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, _) => Config(up));

        await PostAsync(fixture, "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"my unique prompt marker qzxwvk"}]}""");
        await PostAsync(fixture, "/openai/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"Project Nightingale qzxwvj"}]}""");

        // The completion line is written once the response has gone out: wait for both lines.
        (await fixture.Logs.WaitForAsync(l => l.Contains("[10]", StringComparison.Ordinal), count: 2)).ShouldBeTrue();

        var logs = fixture.Logs.All;
        logs.ShouldContain("decision=allowed");
        logs.ShouldContain("decision=blocked");
        logs.ShouldContain("deny_patterns[0]");
        // Markers no id, port or timing can contain (digits did: a duration of 1.7731 ms is not a leak).
        logs.ShouldNotContain("qzxwvk");
        logs.ShouldNotContain("qzxwvj");
        logs.ShouldNotContain("Nightingale");
        logs.ShouldNotContain("sk-gateway");
    }
}
