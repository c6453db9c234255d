using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Consumers;

namespace Bulwark.Gateway.Tests.Operations;

public sealed class OperationsConfigTests
{
    private const string Route = """
        routes:
          - name: openai
            path_prefix: /openai
            upstream: https://api.openai.com
        """;

    [Fact]
    public void NoBlocks_DefaultsToSqliteBesideTheConfigAndAnonymousAllowed()
    {
        var result = ConfigLoader.Load(Route, "/etc/bulwark/bulwark.yaml", TimeProvider.System);
        result.Succeeded.ShouldBeTrue(result.Describe());
        result.Config!.Storage.Kind.ShouldBe(StorageKind.Sqlite);
        result.Config.Consumers.Configured.ShouldBeFalse();
        result.Config.Consumers.AllowAnonymous.ShouldBeTrue();
        result.Config.Audit.RetentionDays.ShouldBe(90);
    }

    [Fact]
    public void ConsumersBlock_DefaultsToRefusingAnonymous()
    {
        var result = ConfigLoader.Load("consumers: {}\n" + Route, "test.yaml", TimeProvider.System);
        result.Config!.Consumers.AllowAnonymous.ShouldBeFalse();
    }

    [Fact]
    public void EveryMistake_IsReportedWithItsPathAndFix()
    {
        var yaml = """
            storage: { kind: postgres }
            audit: { retention_days: 0, batch_size: 0, flush_interval_ms: 1 }
            consumers:
              trusted_identity_header: authorization
              cidrs: [{ cidr: not-a-cidr, consumer: x }]
              definitions:
                - name: a
                  routes: [nope]
                  limits: { tokens_per_day: 0 }
            """ + "\n" + Route + "\n    limits: { requests_per_minute: -1 }\n";
        var result = ConfigLoader.Load(yaml, "test.yaml", TimeProvider.System);
        result.Succeeded.ShouldBeFalse();
        var errors = result.Describe();
        errors.ShouldContain("storage.connection_string: is required for kind: postgres");
        errors.ShouldContain("audit.retention_days");
        errors.ShouldContain("audit.batch_size");
        errors.ShouldContain("audit.flush_interval_ms");
        errors.ShouldContain("consumers.trusted_identity_header");
        errors.ShouldContain("consumers.trusted_header_sources: is required");
        errors.ShouldContain("consumers.cidrs[0].cidr");
        errors.ShouldContain("consumers.definitions[0].routes: 'nope' is not a route name");
        errors.ShouldContain("consumers.definitions[0].limits.tokens_per_day");
        errors.ShouldContain("routes[0].limits.requests_per_minute");
    }

    [Fact]
    public void GatewayKeys_AreRandomHashedAndComparedByHash()
    {
        var (key, record) = GatewayKeys.Create("app", null, DateTimeOffset.UnixEpoch);
        var (other, _) = GatewayKeys.Create("app", null, DateTimeOffset.UnixEpoch);
        key.ShouldStartWith("bwk_");
        key.Length.ShouldBe(4 + 43);
        key.ShouldNotBe(other);
        record.Hash.ShouldBe(GatewayKeys.Hash(key));
        record.Hash.ShouldNotContain(key[4..]);
        GatewayKeys.HashesEqual(record.Hash, GatewayKeys.Hash(key)).ShouldBeTrue();
        GatewayKeys.HashesEqual(record.Hash, GatewayKeys.Hash(other)).ShouldBeFalse();
        key.ShouldStartWith(record.Prefix);
    }
}
