using System.Net;
using System.Text;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Storage;
using Bulwark.Testing;
using static Bulwark.FunctionalTests.Operations.OperationsHelpers;

namespace Bulwark.FunctionalTests.Operations;

/// <summary>A gateway process killed with events still queued in memory: the journal keeps them.</summary>
public sealed class AuditCrashTests
{
    [Theory]
    [InlineData(true, 25)]
    [InlineData(false, 0)] // the control: without the journal the same crash loses them, so the test can tell
    public async Task GatewayKilledBeforeFlushing_RestartRecordsEveryRequest(bool journal, int expectedAfterRestart)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var directory = Directory.CreateTempSubdirectory("bulwark-crash-");
        var (proxy, admin) = (ForwardingTests.FreePort(), ForwardingTests.FreePort());
        var database = Path.Combine(directory.FullName, "bulwark.db");
        var config = Path.Combine(directory.FullName, "bulwark.yaml");
        await File.WriteAllTextAsync(config, Config(proxy, admin, upstream, database, journal));
        try
        {
            var requestIds = new List<string>();
            var output = new StringBuilder();
            using (var gateway = ForwardingTests.StartCli(["serve", "--config", config], output))
            {
                await WaitReadyAsync(new Uri($"http://127.0.0.1:{admin}/"), gateway, output);
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxy}/") };
                for (var i = 0; i < 25; i++)
                {
                    using var response = await ChatAsync(client, key: null);
                    response.StatusCode.ShouldBe(HttpStatusCode.OK);
                    requestIds.Add(response.Headers.GetValues("x-request-id").Single());
                }

                // The journal writes within a few milliseconds of a request finishing (AuditJournal.WriteInterval);
                // the last request's event gets that long, with room for a slow machine, before the kill.
                await Task.Delay(50);
                gateway.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no drain
                await gateway.WaitForExitAsync();
            }

            await using (var store = new SqliteGatewayStore(database, TimeSpan.FromSeconds(5)))
            {
                (await store.QueryAuditAsync(new AuditQuery(Limit: 1000), CancellationToken.None)).ShouldBeEmpty(); // nothing was flushed
            }

            // The restart listens on fresh ports: the killed process's ports were just released, and any outgoing
            // connection on the machine may take one as its local port meanwhile. What is tested is the journal.
            (proxy, admin) = (ForwardingTests.FreePort(), ForwardingTests.FreePort());
            await File.WriteAllTextAsync(config, Config(proxy, admin, upstream, database, journal));
            output.Clear();
            using (var restarted = ForwardingTests.StartCli(["serve", "--config", config], output))
            {
                try
                {
                    await WaitReadyAsync(new Uri($"http://127.0.0.1:{admin}/"), restarted, output);
                    await using var store = new SqliteGatewayStore(database, TimeSpan.FromSeconds(5));
                    var deadline = DateTime.UtcNow.AddSeconds(expectedAfterRestart > 0 ? 20 : 2);
                    IReadOnlyList<AuditEvent> events;
                    while ((events = await store.QueryAuditAsync(new AuditQuery(Limit: 1000), CancellationToken.None)).Count < expectedAfterRestart
                        && DateTime.UtcNow < deadline)
                    {
                        await Task.Delay(100);
                    }

                    events.Count.ShouldBe(expectedAfterRestart);
                    if (expectedAfterRestart > 0)
                    {
                        events.Select(e => e.RequestId).Order(StringComparer.Ordinal).ShouldBe(requestIds.Order(StringComparer.Ordinal));
                    }
                }
                finally
                {
                    restarted.Kill(entireProcessTree: true);
                    await restarted.WaitForExitAsync();
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Config(int proxy, int admin, FakeUpstream upstream, string database, bool journal) => $"""
        listen: 127.0.0.1:{proxy}
        admin_listen: 127.0.0.1:{admin}
        storage:
          kind: sqlite
          path: {database}
        audit:
          flush_interval_ms: 60000
          journal: {(journal ? "true" : "false")}
        routes:
          - name: openai
            path_prefix: /openai
            upstream: {upstream.BaseAddress.ToString().TrimEnd('/')}
        """;
}
