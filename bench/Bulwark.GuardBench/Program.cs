using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bulwark.Gateway.Hosting;
using Bulwark.Testing;
using Microsoft.Extensions.Logging;

// The latency the guard adds, and what `parallel: true` saves. A fake upstream that answers in UPSTREAM_MS and a fake
// judge that answers in JUDGE_MS, both on loopback; one request at a time (latency, not throughput), the guard cache
// off so every request calls the judge.
//   dotnet run -c Release --project bench/Bulwark.GuardBench -- [requests=200] [judge_ms=50] [upstream_ms=100]
var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var judgeMs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
var upstreamMs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;

await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { Record = false });
upstream.Script = (_, _) => new ScriptedResponse { Delay = TimeSpan.FromMilliseconds(upstreamMs) };
await using var judge = await FakeJudge.StartAsync();
judge.Reply = _ => JudgeReply.Allow() with { Delay = TimeSpan.FromMilliseconds(judgeMs) };

var directory = Directory.CreateTempSubdirectory("bulwark-guardbench-");
var config = Path.Combine(directory.FullName, "bulwark.yaml");
var baseUrl = upstream.BaseAddress.ToString().TrimEnd('/');
string Route(string name, string guard) =>
    $"""
      - name: {name}
        path_prefix: /{name}
        upstream: {baseUrl}
        api_key: sk-bench
    {guard}
    """;
string Guard(bool parallel) =>
    $"""
        intelligent_guard:
          url: {judge.Url}
          model: judge
          timeout_ms: 5000
          cache_size: 0
          parallel: {(parallel ? "true" : "false")}
    """;
await File.WriteAllTextAsync(config, "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\nroutes:\n"
    + Route("noguard", string.Empty) + "\n" + Route("sequential", Guard(false)) + "\n" + Route("parallel", Guard(true)) + "\n");

await using var gateway = await GatewayHost.StartAsync(new GatewayHostOptions(config, logging => logging.SetMinimumLevel(LogLevel.Warning)));
using var client = new HttpClient { BaseAddress = gateway.ProxyAddress };
const string Body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is the capital of France?"}]}""";

Console.WriteLine($"requests={requests} judge_ms={judgeMs} upstream_ms={upstreamMs} cores={Environment.ProcessorCount}");
Console.WriteLine("mode        p50_ms   p95_ms   mean_ms");
foreach (var mode in new[] { "noguard", "sequential", "parallel" })
{
    var path = $"/{mode}/v1/chat/completions";
    for (var i = 0; i < 10; i++)
    {
        await SendAsync(path);
    }

    var samples = new double[requests];
    for (var i = 0; i < requests; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await SendAsync(path);
        samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    Array.Sort(samples);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{mode,-10} {samples[requests / 2],7:F1}  {samples[(int)(requests * 0.95)],7:F1}  {samples.Average(),7:F1}"));
}

directory.Delete(recursive: true);

async Task SendAsync(string path)
{
    using var content = new StringContent(Body, Encoding.UTF8, "application/json");
    using var response = await client.PostAsync(path, content);
    await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
    }
}
