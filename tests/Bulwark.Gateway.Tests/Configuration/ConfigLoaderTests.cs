using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private static ConfigLoadResult Load(string yaml) => ConfigLoader.Load(yaml, "test.yaml", TimeProvider.System);

    [Fact]
    public void Load_SeveralProblems_ReportsEveryOneWithFileAndPath()
    {
        var result = Load("""
            listen: nonsense
            unknown_hosts: maybe
            routes:
              - name: a
                provider: gemini
                hosts: ["*bad*"]
                deny_patterns: ["(open"]
              - name: a
                path_prefix: /x
                upstream: ftp://example.com
            """);

        result.Succeeded.ShouldBeFalse();
        var all = result.Describe();
        all.ShouldContain("test.yaml: listen:");
        all.ShouldContain("test.yaml: unknown_hosts:");
        all.ShouldContain("routes[0].provider");
        all.ShouldContain("routes[0].hosts[0]");
        all.ShouldContain("routes[0].deny_patterns[0]: route 'a': pattern '(open' does not compile");
        all.ShouldContain("routes[1].upstream");
    }

    [Fact]
    public void Load_UnknownField_FailsNamingLineAndField()
    {
        var result = Load("""
            routes:
              - name: a
                path_prefix: /x
                upstream: https://example.com
                deny_patern: ["typo"]
            """);

        result.Succeeded.ShouldBeFalse();
        result.Describe().ShouldContain("line 5");
        result.Describe().ShouldContain("deny_patern");
    }

    [Fact]
    public void Load_SeedPluginConfig_BecomesARouteNamedLlmproxy()
    {
        var result = Load("""
            pluginConfig:
              "hosts":
              - dashscope.aliyuncs.com
              "api_key": "sk-literal"
              "allow_patterns": []
              "deny_patterns": [".*账号.*"]
              "intelligent_guard":
                "host": "dashscope.aliyuncs.com"
                "port": 80
                "path": "/compatible-mode/v1/chat/completions"
                "model": "qwen-turbo"
                "api_key": "sk-guard"
            """);

        result.Errors.ShouldBeEmpty();
        var route = result.Config!.Routes.ShouldHaveSingleItem();
        route.Name.ShouldBe("llmproxy");
        route.Upstream.ShouldBe(new Uri("https://dashscope.aliyuncs.com"));
        route.Keys.Next()!.Value.Value.ShouldBe("sk-literal");
        route.DenyPatterns.ShouldHaveSingleItem().Linear.ShouldBeTrue();
        route.AllowPatterns.ShouldBeEmpty();
        route.Guard!.Endpoint.ShouldBe(new Uri("http://dashscope.aliyuncs.com:80/compatible-mode/v1/chat/completions"));
        route.Guard.Model.ShouldBe("qwen-turbo");
    }

    [Fact]
    public void Load_EnvironmentSecret_MissingVariable_NamesTheVariableNotAValue()
    {
        var result = Load("""
            routes:
              - name: a
                path_prefix: /x
                upstream: https://example.com
                api_key: ${BULWARK_TEST_SURELY_UNSET_VAR}
            """);

        result.Describe().ShouldContain("environment variable BULWARK_TEST_SURELY_UNSET_VAR is not set");
    }

    [Fact]
    public void Load_OptionalEnvironmentSecret_Unset_InjectsNoKey()
    {
        var result = Load("""
            routes:
              - name: a
                path_prefix: /x
                upstream: https://example.com
                api_key: ${BULWARK_TEST_SURELY_UNSET_VAR:-}
            """);

        result.Errors.ShouldBeEmpty();
        result.Config!.Routes[0].Keys.Count.ShouldBe(0);
        result.Config.Routes[0].Keys.Next().ShouldBeNull();
    }

    [Fact]
    public void Load_SecretDescriptions_NeverContainTheValue()
    {
        Environment.SetEnvironmentVariable("BULWARK_TEST_KEY", "sk-from-env-123456");
        var result = Load("""
            routes:
              - name: a
                path_prefix: /x
                upstream: https://example.com
                api_keys: [sk-literal-abcdef, "${BULWARK_TEST_KEY}"]
            """);

        var description = result.Config!.Routes[0].Keys.ToString();
        description.ShouldNotContain("sk-literal-abcdef");
        description.ShouldNotContain("sk-from-env-123456");
        description.ShouldContain("env:BULWARK_TEST_KEY");
    }

    [Fact]
    public void Load_BacktrackingOnlyPattern_CompilesWithTimeoutInsteadOfFailing()
    {
        var result = Load("""
            routes:
              - name: a
                path_prefix: /x
                upstream: https://example.com
                deny_patterns: ["(\\w+)\\s\\1", "(?<=secret )code"]
            """);

        result.Errors.ShouldBeEmpty();
        result.Config!.Routes[0].DenyPatterns.ShouldAllBe(p => !p.Linear && p.Regex.MatchTimeout > TimeSpan.Zero);
    }

    [Fact]
    public void Load_SameListenAndAdminPort_IsRefused()
    {
        Load("listen: 127.0.0.1:9000\nadmin_listen: 127.0.0.1:9000\n").Describe().ShouldContain("admin_listen: must use a different port");
    }

    [Fact]
    public void Load_RouteWithoutHostsOrPrefix_IsRefused()
    {
        Load("routes:\n  - name: lost\n    upstream: https://example.com\n").Describe().ShouldContain("route 'lost' matches nothing");
    }

    [Fact]
    public void Load_DetectionRuleErrors_NameThePathAndTheChoices()
    {
        var result = Load("""
            routes:
              - name: a
                path_prefix: /x
                upstream: https://example.com
                detection:
                  request:
                    EMAIL_ADDRESS: { action: hide }
                    PHONE_NUMBER: { action: redact, operator: scramble }
                    CREDIT_CARD: { action: block, threshold: 7 }
            """);

        var all = result.Describe();
        all.ShouldContain("routes[0].detection.request.EMAIL_ADDRESS.action: 'hide' is not an action");
        all.ShouldContain("routes[0].detection.request.PHONE_NUMBER.operator: 'scramble' is not an operator");
        all.ShouldContain("routes[0].detection.request.CREDIT_CARD.threshold");
    }

    [Theory]
    [InlineData("detection: {}", false)]
    [InlineData("detection: { response: { PROMPT_INJECTION: { action: log } } }", false)]
    [InlineData("detection: { response: { PROMPT_INJECTION: { action: block } } }", true)]
    public void Detection_ResponseEngine_RunsTheInjectionDetectorOnlyWhenAResponseRuleActsOnIt(string detection, bool scansInjection)
    {
        var result = Load($"""
            routes:
              - name: a
                path_prefix: /x
                upstream: https://example.com
                {detection}
            """);

        var route = result.Config!.Routes.ShouldHaveSingleItem().Detection!;
        route.Engine.Detectors.SelectMany(d => d.Entities).ShouldContain(Bulwark.Detection.EntityTypes.PromptInjection); // requests: always
        route.ResponseEngine.Detectors.SelectMany(d => d.Entities).Contains(Bulwark.Detection.EntityTypes.PromptInjection).ShouldBe(scansInjection);
        route.ResponseEngine.Detectors.SelectMany(d => d.Entities).ShouldContain(Bulwark.Detection.EntityTypes.EmailAddress);
    }

    [Fact]
    public void EmbeddedDefault_Loads()
    {
        var result = ConfigLoader.LoadEmbeddedDefault(TimeProvider.System);

        result.Errors.ShouldBeEmpty();
        result.Config!.Routes.Select(r => r.Name).ShouldBe(["openai", "openai-gateway"]);
        result.Config.UnknownHosts.ShouldBe(UnknownHostsPolicy.Deny);
    }

    [Fact]
    public void Examples_AllLoad()
    {
        foreach (var name in (string[])["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AZURE_OPENAI_KEY", "DASHSCOPE_API_KEY"])
        {
            Environment.SetEnvironmentVariable(name, "sk-example-value");
        }

        var examples = Path.Combine(RepositoryRoot(), "examples");
        var files = Directory.GetFiles(examples, "*.yaml");
        files.ShouldNotBeEmpty();
        foreach (var file in files)
        {
            var result = ConfigLoader.LoadFile(file, TimeProvider.System);
            result.Errors.ShouldBeEmpty($"{file} does not load");
        }
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root (with Bulwark.slnx) was not found above the test output.");
    }
}
