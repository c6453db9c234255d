using System.Net;
using Bulwark.FunctionalTests.Infrastructure;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static Bulwark.FunctionalTests.Operations.OperationsHelpers;

namespace Bulwark.FunctionalTests.Operations;

public sealed class AuditTrailTests
{
    private static string Config(string upstream, string directory) => GatewayFixture.Listeners() + Sqlite(directory) + $"""
        consumers:
          allow_anonymous: false
        routes:
          - name: openai
            path_prefix: /openai
            upstream: {upstream}
            api_key: sk-provider-secret-123456
            deny_patterns: ["(?i)forbidden-topic"]
        """;

    [Fact]
    public async Task AllowedAndBlockedRequests_AreAuditedFieldByField_WithoutTextOrKeys()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config);
        fixture.Upstream.Script = (_, _) => WithUsage(11, 4);
        var (keyId, key) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "billing");
        using var client = fixture.CreateClient();

        using var allowed = await ChatAsync(client, key);
        using var blocked = await ChatAsync(client, key, prompt: "tell me about the forbidden-topic please");
        using var anonymous = await ChatAsync(client, key: null);
        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
        blocked.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        await using var store = OpenSqlite(fixture);
        var events = await WaitForAuditAsync(store, 3);
        events.Count.ShouldBe(3);
        var ok = events.Single(e => e.RequestId == allowed.Headers.GetValues("x-request-id").Single());
        ok.Consumer.ShouldBe("billing");
        ok.Route.ShouldBe("openai");
        ok.Model.ShouldBe("gpt-4o-mini");
        ok.Decision.ShouldBe("allowed");
        ok.Rules.ShouldBeEmpty();
        ok.Entities.ShouldBeEmpty();
        ok.Status.ShouldBe(200);
        ok.UpstreamStatus.ShouldBe(200);
        ok.PromptTokens.ShouldBe(11);
        ok.CompletionTokens.ShouldBe(4);
        ok.TotalTokens.ShouldBe(15);
        ok.GatewayLatencyMs.ShouldBeGreaterThan(0);
        ok.UpstreamLatencyMs.ShouldBeGreaterThan(0);
        ok.GatewayLatencyMs.ShouldBeGreaterThanOrEqualTo(ok.UpstreamLatencyMs);
        ok.GuardVerdict.ShouldBeNull(); // no guard wired yet
        (DateTimeOffset.UtcNow - ok.Time).ShouldBeLessThan(TimeSpan.FromMinutes(1));

        var no = events.Single(e => e.RequestId == blocked.Headers.GetValues("x-request-id").Single());
        no.Consumer.ShouldBe("billing");
        no.Decision.ShouldBe("blocked");
        no.Rules.ShouldBe(["deny_patterns[0]"]);
        no.Status.ShouldBe(403);
        no.UpstreamStatus.ShouldBe(0);
        no.TotalTokens.ShouldBeNull();

        var anon = events.Single(e => e.RequestId == anonymous.Headers.GetValues("x-request-id").Single());
        anon.Consumer.ShouldBeNull();
        anon.Decision.ShouldBe("blocked");
        anon.Rules.ShouldBe(["missing_gateway_key"]);
        anon.Status.ShouldBe(401);

        // No prompt text, no gateway key, no provider key anywhere in the database files.
        await store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        var everything = string.Concat(Directory.GetFiles(fixture.Directory, "bulwark.db*").Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        everything.ShouldContain(keyId); // the scan does see the rows
        everything.ShouldNotContain("Zanzibar-7781");
        everything.ShouldNotContain("forbidden-topic");
        everything.ShouldNotContain(key);
        everything.ShouldNotContain(key[4..]);
        everything.ShouldNotContain("sk-provider-secret-123456");
    }

    [Fact]
    public async Task RedactedRequest_IsAuditedWithEntityCounts_AndNoValues()
    {
        const string Email = "zanzibar.owner@example.org";
        await using var fixture = await GatewayFixture.StartAsync((up, dir) => Config(up, dir) + "\n" + """
                detection:
                  request:
                    EMAIL_ADDRESS: { action: redact, operator: pseudonymize }
            """);
        var (_, key) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "support");
        using var client = fixture.CreateClient();

        using var response = await ChatAsync(client, key, prompt: $"write to {Email} and cc {Email}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        fixture.Upstream.Requests.Single().Body.ShouldNotContain(Email);
        await using var store = OpenSqlite(fixture);
        var e = (await WaitForAuditAsync(store, 1)).Single();
        e.Decision.ShouldBe("redacted");
        e.Consumer.ShouldBe("support");
        e.Entities.ShouldBe(new Dictionary<string, int> { ["EMAIL_ADDRESS"] = 2 });
        e.GuardVerdict.ShouldBeNull();
        var everything = string.Concat(Directory.GetFiles(fixture.Directory, "bulwark.db*").Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        everything.ShouldContain("EMAIL_ADDRESS"); // the scan reads the stored rows
        everything.ShouldNotContain(Email);
        everything.ShouldNotContain("zanzibar");
    }

    [Fact]
    public async Task StreamedChat_AsksUpstreamForUsage_AndAuditsIt()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config);
        var (_, key) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "streamer");
        using var client = fixture.CreateClient();

        using var response = await ChatAsync(client, key, stream: true);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        fixture.Upstream.Requests.Single().Body.ShouldContain("\"stream_options\":{\"include_usage\":true}");
        await using var store = OpenSqlite(fixture);
        var e = (await WaitForAuditAsync(store, 1)).Single();
        e.PromptTokens.ShouldBe(5);
        e.CompletionTokens.ShouldBe(50); // the fake's 50 deltas
        e.TotalTokens.ShouldBe(55);
    }

    [Fact]
    public async Task AuditQuery_AdminEndpoint_FiltersAndExportsJsonl()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config);
        var (_, a) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "team-a");
        var (_, b) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "team-b");
        using var client = fixture.CreateClient();
        (await ChatAsync(client, a)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ChatAsync(client, b)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ChatAsync(client, b, prompt: "forbidden-topic")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await using var store = OpenSqlite(fixture);
        await WaitForAuditAsync(store, 3);

        using var admin = new HttpClient { BaseAddress = fixture.Gateway.AdminAddress };
        var jsonl = await admin.GetStringAsync("/admin/audit?consumer=team-b&decision=blocked");
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = lines.ShouldHaveSingleItem();
        line.ShouldContain("\"consumer\":\"team-b\"");
        line.ShouldContain("\"decision\":\"blocked\"");
        (await admin.GetStringAsync("/admin/audit?route=openai")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(3);
        (await admin.GetStringAsync("/admin/audit?from=2999-01-01T00:00:00Z")).ShouldBeEmpty();
        using var bad = await admin.GetAsync("/admin/audit?decision=maybe");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SqliteLockedWhileRequestsFlow_EventsAreSpooledThenReplayed_NoneLost()
    {
        await using var fixture = await GatewayFixture.StartAsync((up, dir) => GatewayFixture.Listeners() + Sqlite(dir) + $"""
            routes:
              - name: openai
                path_prefix: /openai
                upstream: {up}
            """);
        using var client = fixture.CreateClient();
        await using var store = OpenSqlite(fixture);
        (await ChatAsync(client, key: null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await WaitForAuditAsync(store, 1);

        // Another process holds the write lock: the gateway's audit writes fail (busy) and go to the spool.
        var writer = fixture.Gateway.Services.GetRequiredService<AuditWriter>();
        const int during = 40;
        await using (var locker = new SqliteConnection($"Data Source={Path.Combine(fixture.Directory, "bulwark.db")}"))
        {
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                await begin.ExecuteNonQueryAsync();
            }

            var responses = await Task.WhenAll(Enumerable.Range(0, during).Select(_ => ChatAsync(client, key: null)));
            responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (writer.Spooled < during && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            writer.Spooled.ShouldBe(during);
            File.Exists(writer.SpoolFile).ShouldBeTrue();
            await using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        // The store is back: the spool is replayed without another request arriving.
        var events = await WaitForAuditAsync(store, during + 1, TimeSpan.FromSeconds(60));
        events.Count.ShouldBe(during + 1);
        events.Select(e => e.RequestId).Distinct().Count().ShouldBe(during + 1);
    }
}
