using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bulwark.FunctionalTests.Infrastructure;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Storage;
using Bulwark.Testing;

namespace Bulwark.FunctionalTests.Operations;

/// <summary>A clock whose wall time is fixed (mid-minute, so minute windows never roll over mid-test); timestamps stay real.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public static FixedClock MidMinute() => new(new DateTimeOffset(2030, 6, 15, 12, 30, 30, TimeSpan.Zero));

    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class OperationsHelpers
{
    public const string Prompt = "Say hello to Zanzibar-7781";

    /// <summary>A chat completion body answered with the given usage.</summary>
    public static ScriptedResponse WithUsage(long prompt, long completion) => new(200, JsonSerializer.Serialize(new
    {
        id = "chatcmpl-fake",
        @object = "chat.completion",
        created = 1700000000,
        model = "fake-model",
        choices = new[] { new { index = 0, message = new { role = "assistant", content = "ok" }, finish_reason = "stop" } },
        usage = new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion },
    }));

    public static async Task<HttpResponseMessage> ChatAsync(HttpClient client, string? key, string prefix = "/openai/v1", string model = "gpt-4o-mini", int? maxTokens = null, string prompt = Prompt, bool stream = false)
    {
        var body = new Dictionary<string, object> { ["model"] = model, ["messages"] = new[] { new { role = "user", content = prompt } } };
        if (maxTokens is { } max)
        {
            body["max_tokens"] = max;
        }

        if (stream)
        {
            body["stream"] = true;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, prefix + "/chat/completions")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Creates a gateway key through the admin API and returns (id, key).</summary>
    public static async Task<(string Id, string Key)> CreateKeyAsync(Uri admin, string consumer)
    {
        using var client = new HttpClient { BaseAddress = admin };
        using var response = await client.PostAsJsonAsync("/admin/keys", new { consumer, description = "test" });
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("key").GetString()!);
    }

    /// <summary>Waits until the store holds at least <paramref name="count"/> audit events.</summary>
    public static async Task<IReadOnlyList<AuditEvent>> WaitForAuditAsync(IGatewayStore store, int count, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        IReadOnlyList<AuditEvent> events = [];
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                events = await store.QueryAuditAsync(new AuditQuery(Limit: 100_000), CancellationToken.None);
                if (events.Count >= count)
                {
                    return events;
                }
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The audit store held {events.Count} event(s), not {count}, after the deadline.");
    }

    public static string Sqlite(string directory) => $"""
        storage:
          kind: sqlite
          path: {Path.Combine(directory, "bulwark.db")}
        audit:
          flush_interval_ms: 50

        """;

    public static SqliteGatewayStore OpenSqlite(GatewayFixture fixture) => new(Path.Combine(fixture.Directory, "bulwark.db"), TimeSpan.FromSeconds(5));

    /// <summary>
    /// Waits until a gateway process answers /readyz on its admin listener (60 s at most). Given the gateway's process,
    /// fails at once if it exits first, with its exit code and whatever it printed in <paramref name="output"/> (a port
    /// taken, a config refused).
    /// </summary>
    public static async Task WaitReadyAsync(Uri admin, System.Diagnostics.Process? gateway = null, StringBuilder? output = null)
    {
        using var http = new HttpClient { BaseAddress = admin };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (gateway is { HasExited: true })
            {
                var printed = "(output not kept)";
                if (output is not null)
                {
                    lock (output)
                    {
                        printed = output.ToString();
                    }
                }

                throw new InvalidOperationException($"The gateway exited with code {gateway.ExitCode} before it was ready at {admin}. It printed:\n{printed}");
            }

            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"gateway at {admin} did not become ready");
            await Task.Delay(200);
        }
    }
}
