using System.Net;
using System.Text.Json;
using Bulwark.FunctionalTests.Infrastructure;
using static Bulwark.FunctionalTests.Operations.OperationsHelpers;

namespace Bulwark.FunctionalTests.Operations;

public sealed class ConsumerAndLimitTests
{
    private static Func<string, string, string> Config(string consumers, string routeLimits = "") => (upstream, directory) =>
        GatewayFixture.Listeners() + Sqlite(directory) + consumers + $"""

        routes:
          - name: openai
            path_prefix: /openai
            upstream: {upstream}
            api_key: sk-provider
        {routeLimits}
          - name: other
            path_prefix: /other
            upstream: {upstream}
        """;

    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task GatewayKey_IdentifiesConsumer_IsNeverForwarded_AndRevocationRefusesIt()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config("consumers:\n  allow_anonymous: false\n"));
        var (id, key) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "billing");
        using var client = fixture.CreateClient();

        (await ChatAsync(client, key)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var forwarded = fixture.Upstream.Requests.Single();
        forwarded.Header("authorization").ShouldBe("Bearer sk-provider");
        string.Join('\n', forwarded.Headers.Values).ShouldNotContain(key);

        using var wrong = await ChatAsync(client, "bwk_not-a-real-key");
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ErrorCodeAsync(wrong)).ShouldBe("invalid_gateway_key");
        using var none = await ChatAsync(client, null);
        none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ErrorCodeAsync(none)).ShouldBe("missing_gateway_key");

        using var admin = new HttpClient { BaseAddress = fixture.Gateway.AdminAddress };
        var listed = await admin.GetStringAsync("/admin/keys");
        listed.ShouldContain(id);
        listed.ShouldNotContain(key);
        (await admin.DeleteAsync($"/admin/keys/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var revoked = await ChatAsync(client, key);
        revoked.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ErrorCodeAsync(revoked)).ShouldBe("revoked_gateway_key");
    }

    [Fact]
    public async Task SourceCidrAndTrustedHeader_IdentifyConsumersWithoutKeys()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config("""
            consumers:
              allow_anonymous: false
              trusted_identity_header: x-bulwark-consumer
              trusted_header_sources: [127.0.0.1/32]
              cidrs:
                - cidr: 127.0.0.0/8
                  consumer: sidecar-app
            audit:
              flush_interval_ms: 50
            """.Replace("audit:\n  flush_interval_ms: 50\n", string.Empty, StringComparison.Ordinal)));
        using var client = fixture.CreateClient();
        (await ChatAsync(client, null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        client.DefaultRequestHeaders.Add("x-bulwark-consumer", "header-app");
        (await ChatAsync(client, null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        fixture.Upstream.Requests[1].Header("x-bulwark-consumer").ShouldBeNull();

        await using var store = OpenSqlite(fixture);
        var events = await WaitForAuditAsync(store, 2);
        events.Select(e => e.Consumer).ShouldBe(["sidecar-app", "header-app"], ignoreOrder: true);
    }

    [Fact]
    public async Task TrustedHeader_FromUntrustedSource_IsRefused()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config("""
            consumers:
              trusted_identity_header: x-bulwark-consumer
              trusted_header_sources: [10.9.9.9/32]
            """));
        using var client = fixture.CreateClient();
        client.DefaultRequestHeaders.Add("x-bulwark-consumer", "admin");
        using var response = await ChatAsync(client, null);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ErrorCodeAsync(response)).ShouldBe("untrusted_identity_header");
        fixture.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task ConsumerAllowLists_RefuseOtherRoutesAndModels()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config("""
            consumers:
              definitions:
                - name: narrow
                  routes: [openai]
                  models: [gpt-4o-mini]
            """));
        var (_, key) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "narrow");
        using var client = fixture.CreateClient();

        (await ChatAsync(client, key)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var model = await ChatAsync(client, key, model: "gpt-4o");
        model.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ErrorCodeAsync(model)).ShouldBe("model_not_allowed");
        using var route = await ChatAsync(client, key, prefix: "/other/v1");
        route.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ErrorCodeAsync(route)).ShouldBe("route_not_allowed");
        fixture.Upstream.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ConsumerRequestsPerMinute_ConcurrentBurst_AdmitsExactlyTheLimit()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config("""
            consumers:
              definitions:
                - name: bursty
                  limits: { requests_per_minute: 5 }
            """), time: FixedClock.MidMinute());
        var (_, key) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "bursty");
        using var client = fixture.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => ChatAsync(client, key)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(5);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        refused.Count.ShouldBe(11);
        foreach (var r in refused)
        {
            r.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(30)); // the fixed clock is at :30
            (await ErrorCodeAsync(r)).ShouldBe("rate_limit_exceeded");
            (await r.Content.ReadAsStringAsync()).ShouldContain("limit.consumer.requests_per_minute");
        }

        fixture.Upstream.Requests.Count.ShouldBe(5);
    }

    [Fact]
    public async Task RouteRequestsPerMinute_IsSharedByAllConsumers()
    {
        await using var fixture = await GatewayFixture.StartAsync(
            Config("consumers:\n  allow_anonymous: true\n", "    limits: { requests_per_minute: 3 }"), time: FixedClock.MidMinute());
        var (_, a) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "a");
        var (_, b) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "b");
        using var client = fixture.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => ChatAsync(client, i % 2 == 0 ? a : b)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(3);
        (await ErrorCodeAsync(responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests))).ShouldBe("rate_limit_exceeded");
        (await ChatAsync(client, a, prefix: "/other/v1")).StatusCode.ShouldBe(HttpStatusCode.OK); // other routes unaffected
    }

    [Fact]
    public async Task TokensPerMinute_CountsRealUsage()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config("""
            consumers:
              definitions:
                - name: t
                  limits: { tokens_per_minute: 30 }
            """), time: FixedClock.MidMinute());
        fixture.Upstream.Script = (_, _) => WithUsage(1, 20);
        var (_, key) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "t");
        using var client = fixture.CreateClient();

        (await ChatAsync(client, key, maxTokens: 20)).StatusCode.ShouldBe(HttpStatusCode.OK); // 0 < 30: admitted, 21 used
        (await ChatAsync(client, key, maxTokens: 20)).StatusCode.ShouldBe(HttpStatusCode.OK); // 21 < 30: admitted, 42 used
        using var third = await ChatAsync(client, key, maxTokens: 20);
        third.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await third.Content.ReadAsStringAsync()).ShouldContain("limit.consumer.tokens_per_minute");
    }

    [Fact]
    public async Task DailyBudget_ConcurrentLargeRequests_OverrunByAtMostOneRequest()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config("""
            consumers:
              definitions:
                - name: spender
                  limits: { tokens_per_day: 200 }
            """), time: FixedClock.MidMinute());
        fixture.Upstream.Script = (_, _) => WithUsage(1, 20); // 21 tokens; the estimate is 7 (prompt) + 20 (max_tokens)
        var (_, key) = await CreateKeyAsync(fixture.Gateway.AdminAddress, "spender");
        using var client = fixture.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => ChatAsync(client, key, maxTokens: 20)));

        var admitted = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        (admitted + refused.Count).ShouldBe(30);
        (admitted * 27).ShouldBeGreaterThanOrEqualTo(200);      // refused only once reservations reached the budget...
        (admitted * 21).ShouldBeLessThan(200 + 21);             // ...and overrun by less than one request
        (await ErrorCodeAsync(refused[0])).ShouldBe("insufficient_quota");
        refused[0].Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromHours(11.5) - TimeSpan.FromSeconds(30)); // to midnight UTC

        await using var store = OpenSqlite(fixture);
        var day = Bulwark.Gateway.Limits.LimitWindows.Current(Bulwark.Gateway.Limits.LimitWindow.Day, FixedClock.MidMinute().Now).Start;

        // A reservation is settled just after its response reaches the client, and before its audit event is queued:
        // once all 30 requests are audited, all are settled.
        await WaitForAuditAsync(store, 30);
        (await store.ReadCounterAsync("c:spender:tpd", day, CancellationToken.None)).ShouldBe(admitted * 21L); // settled to real usage

        // Settled below the budget (estimates ran high): sequential requests use the rest, then are refused.
        var more = 0;
        while ((await ChatAsync(client, key, maxTokens: 20)).StatusCode == HttpStatusCode.OK)
        {
            (++more).ShouldBeLessThanOrEqualTo(2);
        }

        await WaitForAuditAsync(store, 30 + more + 1);
        var used = await store.ReadCounterAsync("c:spender:tpd", day, CancellationToken.None);
        used.ShouldBe((admitted + more) * 21L);
        used.ShouldBeGreaterThanOrEqualTo(200);
        used.ShouldBeLessThan(200 + 21);
    }

    [Fact]
    public async Task MonthlyBudget_DefaultLimitsApplyToAnonymousToo()
    {
        await using var fixture = await GatewayFixture.StartAsync(Config("""
            consumers:
              allow_anonymous: true
              default_limits: { tokens_per_month: 50 }
            """), time: FixedClock.MidMinute());
        fixture.Upstream.Script = (_, _) => WithUsage(1, 20);
        using var client = fixture.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            (await ChatAsync(client, null, maxTokens: 20)).StatusCode.ShouldBe(HttpStatusCode.OK); // 0, 21, 42 < 50
        }

        using var refused = await ChatAsync(client, null, maxTokens: 20);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("limit.consumer.tokens_per_month");
        refused.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThan(TimeSpan.FromDays(15)); // 1 July
    }
}
