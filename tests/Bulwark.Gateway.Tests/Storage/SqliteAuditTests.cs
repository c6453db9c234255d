using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Storage;
using Bulwark.Gateway.Tests.Operations;

namespace Bulwark.Gateway.Tests.Storage;

public sealed class SqliteAuditTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("bulwark-sqlite-");
    private SqliteGatewayStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteGatewayStore(Path.Combine(_directory.FullName, "bulwark.db"), TimeSpan.FromSeconds(5));
        await _store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task WriteAsync_EveryFieldRoundTrips_NullsIncluded_AndAReplayedBatchAddsNothing()
    {
        var full = AuditJsonTests.EveryField;
        var sparse = new AuditEvent
        {
            Time = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_124),
            RequestId = "req-2",
            Decision = "blocked",
            Status = 403,
        };

        await _store.WriteAsync([full, sparse], CancellationToken.None);
        await _store.WriteAsync([full, sparse], CancellationToken.None); // a replay: idempotent per request id

        var stored = await _store.QueryAuditAsync(new AuditQuery(Limit: 10), CancellationToken.None);
        stored.Count.ShouldBe(2);
        var first = stored[0];
        first.RequestId.ShouldBe(full.RequestId);
        first.Time.ShouldBe(full.Time);
        (first.Consumer, first.Route, first.Model, first.Decision, first.GuardVerdict).ShouldBe(("billing", "openai", "gpt-4o-mini", "redacted", "allow"));
        first.Rules.ShouldBe(full.Rules);
        first.Entities.OrderBy(e => e.Key).ShouldBe(full.Entities.OrderBy(e => e.Key));
        (first.GuardLatencyMs, first.Status, first.UpstreamStatus).ShouldBe((12.5, 200, 200));
        (first.PromptTokens, first.CompletionTokens, first.TotalTokens).ShouldBe((31L, 7L, 38L));
        (first.GatewayLatencyMs, first.UpstreamLatencyMs).ShouldBe((3.25, 2.0));

        var second = stored[1];
        (second.RequestId, second.Decision, second.Status).ShouldBe(("req-2", "blocked", 403));
        (second.Consumer, second.Route, second.Model, second.GuardVerdict, second.GuardLatencyMs).ShouldBe((null, null, null, null, null));
        (second.PromptTokens, second.CompletionTokens, second.TotalTokens).ShouldBe((null, null, null));
        second.Rules.ShouldBeEmpty();
        second.Entities.ShouldBeEmpty();
    }
}
