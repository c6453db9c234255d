using Bulwark.Testing;

// The fake upstream as a process, for the load benchmark: fake-upstream [port] [stream-events]
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
var events = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50;
await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { Port = port, StreamEvents = events, Record = false });
Console.WriteLine($"fake upstream listening on {upstream.BaseAddress}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
