using System.Net;
using Bulwark.FunctionalTests.Infrastructure;
using static Bulwark.FunctionalTests.Operations.OperationsHelpers;

namespace Bulwark.FunctionalTests.Operations;

/// <summary>A consumer can be stricter than its route, never looser.</summary>
public sealed class ConsumerPolicyTests
{
    private const string Email = "someone.private@example.org";

    private static string Config(string upstream, string directory) => GatewayFixture.Listeners() + Sqlite(directory) + $$"""
        consumers:
          allow_anonymous: false
          definitions:
            - name: strict
              deny_patterns: ["(?i)\\bmerger\\b"]
              block_entities: [EMAIL_ADDRESS]
            - name: relaxed
        routes:
          - name: openai
            path_prefix: /openai
            upstream: {{upstream}}
            api_key: sk-provider
            detection:
              request:
                EMAIL_ADDRESS: { action: redact, operator: pseudonymize }
        """;

    [Fact]
    public async Task BlockEntities_BlockWhatTheRouteOnlyRedacts_ForThatConsumerOnly()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config);
        var (_, strictKey) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "strict");
        var (_, relaxedKey) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "relaxed");
        using var client = fixture.CreateClient();

        using var strict = await ChatAsync(client, strictKey, prompt: $"mail {Email} the notes");
        using var relaxed = await ChatAsync(client, relaxedKey, prompt: $"mail {Email} the notes");

        strict.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var body = await strict.Content.ReadAsStringAsync();
        body.ShouldContain("sensitive_data");
        body.ShouldContain("EMAIL_ADDRESS");
        body.ShouldNotContain(Email);
        relaxed.StatusCode.ShouldBe(HttpStatusCode.OK);
        fixture.Upstream.Requests.ShouldHaveSingleItem().Body.ShouldContain("<EMAIL_ADDRESS_1>");
    }

    [Fact]
    public async Task DenyPatterns_AddToTheRoutes_ForThatConsumerOnly()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config);
        var (_, strictKey) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "strict");
        var (_, relaxedKey) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "relaxed");
        using var client = fixture.CreateClient();

        using var strict = await ChatAsync(client, strictKey, prompt: "draft the merger announcement");
        using var relaxed = await ChatAsync(client, relaxedKey, prompt: "draft the merger announcement");

        strict.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await strict.Content.ReadAsStringAsync()).ShouldContain("consumer.deny_patterns[0]");
        relaxed.StatusCode.ShouldBe(HttpStatusCode.OK);
        fixture.Upstream.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ConsumerPattern_ThatDoesNotCompile_NamesTheConsumer()
    {
        var error = await Should.ThrowAsync<Bulwark.Gateway.Configuration.ConfigException>(() => GatewayFixture.StartAsync((up, dir) =>
            Config(up, dir).Replace(@"(?i)\\bmerger\\b", "(unclosed", StringComparison.Ordinal)));

        error.Message.ShouldContain("consumers.definitions[0].deny_patterns[0]: consumer 'strict': pattern '(unclosed' does not compile");
    }
}
