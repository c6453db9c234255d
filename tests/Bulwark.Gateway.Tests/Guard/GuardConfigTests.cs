using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guard;

namespace Bulwark.Gateway.Tests.Guard;

public sealed class GuardConfigTests
{
    private static ConfigLoadResult Load(string guard) => ConfigLoader.Load(
        $"""
        routes:
          - name: r
            path_prefix: /r
            upstream: https://api.openai.com
            intelligent_guard:
        {guard}
        """,
        "test.yaml",
        TimeProvider.System);

    [Fact]
    public void Defaults_FailClosed_Enforce_Sequential_JsonMode()
    {
        var result = Load("      url: http://127.0.0.1:8000/v1/chat/completions");

        result.Succeeded.ShouldBeTrue(result.Describe());
        var guard = result.Config!.Routes[0].Guard!;
        guard.OnError.ShouldBe(GuardFailMode.Deny);
        guard.Mode.ShouldBe(GuardMode.Enforce);
        guard.Parallel.ShouldBeFalse();
        guard.JsonMode.ShouldBeTrue();
        guard.Policy.ShouldBe(GuardPrompt.DefaultPolicy);
        guard.Timeout.ShouldBe(TimeSpan.FromMilliseconds(GuardConfig.DefaultTimeoutMs));
    }

    [Fact]
    public void SeedPluginFields_BuildTheUrl()
    {
        var result = Load("      host: guard.internal\n      port: 8000\n      path: v1/chat/completions\n      model: qwen2.5-7b");

        result.Succeeded.ShouldBeTrue(result.Describe());
        result.Config!.Routes[0].Guard!.Endpoint.ShouldBe(new Uri("http://guard.internal:8000/v1/chat/completions"));
    }

    [Fact]
    public void FullBlock_IsRead()
    {
        var result = Load("""
                  url: https://judge.example/v1/chat/completions
                  prompt: Deny anything about Project Nightingale.
                  timeout_ms: 800
                  on_error: allow
                  mode: monitor
                  roles: [user, tool]
                  directions: [request]
                  json_mode: false
                  cache_size: 50
                  cache_ttl_seconds: 30
                  max_concurrency: 4
                  queue_timeout_ms: 100
                  circuit_breaker: { failure_threshold: 3, break_ms: 5000 }
                  parallel: true
            """);

        result.Succeeded.ShouldBeTrue(result.Describe());
        var guard = result.Config!.Routes[0].Guard!;
        guard.Policy.ShouldBe("Deny anything about Project Nightingale.");
        guard.OnError.ShouldBe(GuardFailMode.Allow);
        guard.Mode.ShouldBe(GuardMode.Monitor);
        guard.Roles.Includes("tool").ShouldBeTrue();
        guard.Roles.Includes("system").ShouldBeFalse();
        guard.JsonMode.ShouldBeFalse();
        guard.CacheSize.ShouldBe(50);
        guard.MaxConcurrency.ShouldBe(4);
        guard.QueueTimeout.ShouldBe(TimeSpan.FromMilliseconds(100));
        guard.BreakerFailureThreshold.ShouldBe(3);
        guard.BreakDuration.ShouldBe(TimeSpan.FromSeconds(5));
        guard.Parallel.ShouldBeTrue();
    }

    [Fact]
    public void BadValues_AreAllReported_WithTheFix()
    {
        var result = Load("""
                  url: ftp://judge
                  on_error: maybe
                  mode: audit
                  timeout_ms: 0
                  directions: [response, sideways]
                  max_concurrency: -1
                  circuit_breaker: { failure_threshold: 0 }
            """);

        result.Succeeded.ShouldBeFalse();
        var errors = result.Describe();
        errors.ShouldContain("routes[0].intelligent_guard.url: 'ftp://judge' is not an http(s) URL");
        errors.ShouldContain("routes[0].intelligent_guard.on_error: 'maybe' is not valid; use 'deny'");
        errors.ShouldContain("routes[0].intelligent_guard.mode: 'audit' is not valid; use 'enforce'");
        errors.ShouldContain("routes[0].intelligent_guard.timeout_ms: must be a positive number");
        errors.ShouldContain("routes[0].intelligent_guard.directions[0]: judging responses is not available yet");
        errors.ShouldContain("routes[0].intelligent_guard.directions[1]: 'sideways' is not a direction");
        errors.ShouldContain("routes[0].intelligent_guard.max_concurrency: must be a positive number");
        errors.ShouldContain("routes[0].intelligent_guard.circuit_breaker.failure_threshold: must be a positive number");
    }

    [Fact]
    public void MissingEndpoint_NamesTheFields() =>
        Load("      model: m").Describe().ShouldContain("routes[0].intelligent_guard: needs url");
}

public sealed class GuardExampleTests
{
    [Fact]
    public void ExamplesGuardYaml_Loads()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "examples", "guard.yaml");
        var yaml = File.ReadAllText(path).Replace("${OPENAI_API_KEY}", "sk-example", StringComparison.Ordinal);

        var result = ConfigLoader.Load(yaml, path, TimeProvider.System);

        result.Succeeded.ShouldBeTrue(result.Describe());
        result.Config!.Routes.Count(r => r.Guard is not null).ShouldBe(2);
        result.Config.Routes[1].Guard!.Endpoint.ShouldBe(new Uri("http://ollama.internal:11434/v1/chat/completions"));
    }
}
