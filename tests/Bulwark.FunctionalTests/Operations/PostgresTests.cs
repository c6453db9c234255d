using System.Diagnostics;
using System.Net;
using Bulwark.FunctionalTests.Infrastructure;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Bulwark.FunctionalTests.Operations.OperationsHelpers;

namespace Bulwark.FunctionalTests.Operations;

[Collection(PostgresCollection.Name)]
public sealed class PostgresTests(PostgresCluster cluster)
{
    private static string Config(string upstream, string directory, string dsn, string consumers) => GatewayFixture.Listeners() + $"""
        storage:
          kind: postgres
          connection_string: "{dsn}"
        audit:
          flush_interval_ms: 50
          spool_dir: {Path.Combine(directory, "spool")}
        {consumers}
        routes:
          - name: openai
            path_prefix: /openai
            upstream: {upstream}
        """;

    [Fact]
    public async Task ClusterStoppedWhileRequestsFlow_EveryRequestIsAuditedAfterRestart()
    {
        if (!cluster.Running)
        {
            await cluster.StartAsync();
        }

        var dsn = await cluster.CreateDatabaseAsync();
        await using var fixture = await GatewayFixture.StartAsync((up, dir) => Config(up, dir, dsn, string.Empty));
        await using var store = new PostgresGatewayStore(dsn);
        using var client = fixture.CreateClient();
        var writer = fixture.Gateway.Services.GetRequiredService<AuditWriter>();

        const int before = 5, during = 30, after = 5;
        for (var i = 0; i < before; i++)
        {
            (await ChatAsync(client, null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await WaitForAuditAsync(store, before);

        await cluster.StopAsync();
        try
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, during).Select(_ => ChatAsync(client, null)));
            responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK); // audit never blocks the request path
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (writer.Spooled < during && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            writer.Spooled.ShouldBe(during);
        }
        finally
        {
            await cluster.StartAsync();
        }

        for (var i = 0; i < after; i++)
        {
            (await ChatAsync(client, null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var events = await WaitForAuditAsync(store, before + during + after, TimeSpan.FromSeconds(60));
        events.Count.ShouldBe(before + during + after);
        events.Select(e => e.RequestId).Distinct().Count().ShouldBe(before + during + after);
    }

    [Fact]
    public async Task TwoGateways_OneDatabase_ShareBudgetKeysAndRevocation()
    {
        if (!cluster.Running)
        {
            await cluster.StartAsync();
        }

        var dsn = await cluster.CreateDatabaseAsync();
        const string consumers = """
            consumers:
              definitions:
                - name: shared
                  limits: { tokens_per_day: 100 }
            """;
        await using var a = await GatewayFixture.StartAsync((up, dir) => Config(up, dir, dsn, consumers), time: FixedClock.MidMinute());
        await using var b = await GatewayFixture.StartAsync((up, dir) => Config(up, dir, dsn, consumers), time: FixedClock.MidMinute());
        a.Upstream.Script = (_, _) => WithUsage(1, 20);
        b.Upstream.Script = (_, _) => WithUsage(1, 20);
        var (_, key) = await CreateKeyAsync(a.Gateway.AdminAddress, "shared"); // created on A...
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();
        (await ChatAsync(clientB, key, maxTokens: 20)).StatusCode.ShouldBe(HttpStatusCode.OK); // ...accepted by B

        // A concurrent burst split across both gateways: one budget.
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => ChatAsync(i % 2 == 0 ? clientA : clientB, key, maxTokens: 20)));
        var admitted = 1 + responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests).ShouldBeGreaterThan(0);
        while ((await ChatAsync(admitted % 2 == 0 ? clientA : clientB, key, maxTokens: 20)).StatusCode == HttpStatusCode.OK)
        {
            admitted++;
            admitted.ShouldBeLessThanOrEqualTo(6);
        }

        await using var store = new PostgresGatewayStore(dsn);
        var day = Bulwark.Gateway.Limits.LimitWindows.Current(Bulwark.Gateway.Limits.LimitWindow.Day, FixedClock.MidMinute().Now).Start;
        var used = await SettledCounterAsync(store, "c:shared:tpd", day, admitted * 21L);
        used.ShouldBe(admitted * 21L);
        used.ShouldBeGreaterThanOrEqualTo(100);
        used.ShouldBeLessThan(100 + 21);
        (a.Upstream.Requests.Count + b.Upstream.Requests.Count).ShouldBe(admitted);

        // Revoked through A: B refuses the key within seconds.
        await RevocationThroughASeenByBAsync(a.Gateway.AdminAddress, clientB);
    }

    /// <summary>
    /// A reservation is settled just after its response reaches the client: read the counter until it reaches the
    /// expected value or a deadline passes, and return what it holds then.
    /// </summary>
    private static async Task<long> SettledCounterAsync(PostgresGatewayStore store, string counter, long window, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long value;
        while ((value = await store.ReadCounterAsync(counter, window, CancellationToken.None)) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return value;
    }

    [Fact]
    public async Task TwoGatewayProcesses_OneDatabase_EnforceOneBudgetAndOneRevocation()
    {
        if (!cluster.Running)
        {
            await cluster.StartAsync();
        }

        var dsn = await cluster.CreateDatabaseAsync();
        await using var upstream = await Bulwark.Testing.FakeUpstream.StartAsync();
        upstream.Script = (_, _) => WithUsage(1, 20);
        var directory = Directory.CreateTempSubdirectory("bulwark-2proc-");
        var (proxyA, adminA, proxyB, adminB) = (ForwardingTests.FreePort(), ForwardingTests.FreePort(), ForwardingTests.FreePort(), ForwardingTests.FreePort());
        string ConfigFor(int proxy, int admin, string name)
        {
            var path = Path.Combine(directory.FullName, name + ".yaml");
            File.WriteAllText(path, $$"""
                listen: 127.0.0.1:{{proxy}}
                admin_listen: 127.0.0.1:{{admin}}
                storage:
                  kind: postgres
                  connection_string: "{{dsn}}"
                audit:
                  flush_interval_ms: 50
                  spool_dir: {{Path.Combine(directory.FullName, name + "-spool")}}
                consumers:
                  definitions:
                    - name: shared
                      limits: { tokens_per_day: 100 }
                routes:
                  - name: openai
                    path_prefix: /openai
                    upstream: {{upstream.BaseAddress.ToString().TrimEnd('/')}}
                """);
            return path;
        }

        using var a = ForwardingTests.StartCli(["serve", "--config", ConfigFor(proxyA, adminA, "a")]);
        using var b = ForwardingTests.StartCli(["serve", "--config", ConfigFor(proxyB, adminB, "b")]);
        try
        {
            var adminUriA = new Uri($"http://127.0.0.1:{adminA}/");
            await WaitReadyAsync(adminUriA);
            await WaitReadyAsync(new Uri($"http://127.0.0.1:{adminB}/"));
            using var clientA = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxyA}/") };
            using var clientB = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxyB}/") };

            // A key created through process A is accepted by process B.
            var (_, key) = await CreateKeyAsync(adminUriA, "shared");
            (await ChatAsync(clientB, key, maxTokens: 20)).StatusCode.ShouldBe(HttpStatusCode.OK);

            // A concurrent burst split across both processes spends one budget.
            var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => ChatAsync(i % 2 == 0 ? clientA : clientB, key, maxTokens: 20)));
            var admitted = 1 + responses.Count(r => r.StatusCode == HttpStatusCode.OK);
            responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests).ShouldBeGreaterThan(0);
            while ((await ChatAsync(admitted % 2 == 0 ? clientA : clientB, key, maxTokens: 20)).StatusCode == HttpStatusCode.OK)
            {
                admitted++;
                admitted.ShouldBeLessThanOrEqualTo(6);
            }

            upstream.Requests.Count.ShouldBe(admitted);
            await using (var store = new PostgresGatewayStore(dsn))
            {
                var day = Bulwark.Gateway.Limits.LimitWindows.Current(Bulwark.Gateway.Limits.LimitWindow.Day, DateTimeOffset.UtcNow).Start;
                var used = await SettledCounterAsync(store, "c:shared:tpd", day, admitted * 21L);
                used.ShouldBe(admitted * 21L);
                used.ShouldBeGreaterThanOrEqualTo(100);
                used.ShouldBeLessThan(100 + 21); // one budget across both processes, overrun by less than one request
            }

            // Revoked through A: B refuses the key within seconds.
            await RevocationThroughASeenByBAsync(adminUriA, clientB);
        }
        finally
        {
            a.Kill(entireProcessTree: true);
            b.Kill(entireProcessTree: true);
            await a.WaitForExitAsync();
            await b.WaitForExitAsync();
            directory.Delete(recursive: true);
        }
    }

    /// <summary>A key created and then revoked through A's admin API: B, which has it cached, refuses it within 10 s.</summary>
    private static async Task RevocationThroughASeenByBAsync(Uri adminA, HttpClient clientB)
    {
        var (id, key) = await CreateKeyAsync(adminA, "other");
        (await ChatAsync(clientB, key)).StatusCode.ShouldBe(HttpStatusCode.OK); // B has it cached now
        using var admin = new HttpClient { BaseAddress = adminA };
        (await admin.DeleteAsync($"/admin/keys/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var watch = Stopwatch.StartNew();
        while ((await ChatAsync(clientB, key)).StatusCode == HttpStatusCode.OK)
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
            await Task.Delay(100);
        }

        (await ChatAsync(clientB, key)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }
}
