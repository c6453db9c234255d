// Audit write throughput: how many audit events per second a store takes, written the way the gateway's
// AuditWriter writes them (batches of batch_size in one transaction each, from one writer loop).
//
//   dotnet run -c Release --project bench/Bulwark.AuditBench -- sqlite [events] [batch]
//   dotnet run -c Release --project bench/Bulwark.AuditBench -- postgres "Host=...;Username=...;Database=..." [events] [batch]
using System.Diagnostics;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Storage;

if (args.Length == 0 || args[0] is not ("sqlite" or "postgres"))
{
    Console.Error.WriteLine("usage: sqlite [events] [batch] | postgres CONNECTION_STRING [events] [batch]");
    return 2;
}

var rest = args[0] == "postgres" ? args.Skip(2).ToArray() : args.Skip(1).ToArray();
var total = rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
var batchSize = rest.Length > 1 ? int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : 256;
var directory = Path.Combine(Path.GetTempPath(), "bulwark-auditbench-" + Guid.NewGuid().ToString("N")[..8]);
IGatewayStore store = args[0] == "postgres"
    ? new PostgresGatewayStore(args[1])
    : new SqliteGatewayStore(Path.Combine(directory, "bench.db"), TimeSpan.FromSeconds(30));
await using (store)
{
    await store.InitializeAsync(CancellationToken.None);
    var run = Guid.NewGuid().ToString("N")[..8];
    var now = DateTimeOffset.UtcNow;
    AuditEvent Make(int i) => new()
    {
        Time = now.AddMilliseconds(i),
        RequestId = $"{run}-{i:D9}",
        Consumer = "bench-" + (i % 20),
        Route = "openai",
        Model = "gpt-4o-mini",
        Decision = i % 10 == 0 ? "blocked" : "allowed",
        Rules = i % 10 == 0 ? ["deny_patterns[0]"] : [],
        Entities = i % 7 == 0 ? new Dictionary<string, int> { ["EMAIL"] = 1 } : new Dictionary<string, int>(),
        Status = 200,
        UpstreamStatus = 200,
        PromptTokens = 120,
        CompletionTokens = 80,
        TotalTokens = 200,
        GatewayLatencyMs = 312.5,
        UpstreamLatencyMs = 300.1,
    };

    // Warm-up, then the measured run.
    await store.WriteAsync(Enumerable.Range(-batchSize, batchSize).Select(i => Make(i) with { RequestId = $"{run}-warm{i}" }).ToList(), CancellationToken.None);
    var watch = Stopwatch.StartNew();
    for (var start = 0; start < total; start += batchSize)
    {
        var batch = new List<AuditEvent>(batchSize);
        for (var i = start; i < Math.Min(total, start + batchSize); i++)
        {
            batch.Add(Make(i));
        }

        await store.WriteAsync(batch, CancellationToken.None);
    }

    watch.Stop();
    Console.WriteLine($"{args[0]}: {total} events in batches of {batchSize}: {watch.Elapsed.TotalSeconds:F2} s, {total / watch.Elapsed.TotalSeconds:F0} events/s");
}

try
{
    Directory.Delete(directory, recursive: true);
}
catch (DirectoryNotFoundException)
{
}

return 0;
