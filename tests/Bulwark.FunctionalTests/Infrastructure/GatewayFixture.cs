using Bulwark.Gateway.Hosting;
using Bulwark.Testing;
using Microsoft.Extensions.Logging;

namespace Bulwark.FunctionalTests.Infrastructure;

/// <summary>
/// A real gateway and a fake upstream, both on loopback port 0, with the config written to a temp file the test
/// can edit to exercise hot reload. Dispose stops both and deletes the files.
/// </summary>
public sealed class GatewayFixture : IAsyncDisposable
{
    private GatewayFixture(FakeUpstream upstream, RunningGateway gateway, string directory, CapturedLogs logs)
    {
        Upstream = upstream;
        Gateway = gateway;
        Directory = directory;
        Logs = logs;
    }

    public FakeUpstream Upstream { get; }

    public RunningGateway Gateway { get; }

    /// <summary>Temp folder holding the config (and any secret files a test writes).</summary>
    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "bulwark.yaml");

    public CapturedLogs Logs { get; }

    public Uri ProxyAddress => Gateway.ProxyAddress;

    /// <summary>
    /// Starts a fake upstream, then a gateway on the config that <paramref name="config"/> writes given the
    /// upstream's base URL (without trailing slash) and the temp folder.
    /// </summary>
    public static async Task<GatewayFixture> StartAsync(Func<string, string, string> config, FakeUpstreamOptions? upstreamOptions = null, TimeProvider? time = null)
    {
        var upstream = await FakeUpstream.StartAsync(upstreamOptions);
        var directory = Path.Combine(Path.GetTempPath(), "bulwark-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "bulwark.yaml");
        await File.WriteAllTextAsync(path, config(upstream.BaseAddress.ToString().TrimEnd('/'), directory));
        var logs = new CapturedLogs();
        try
        {
            var gateway = await GatewayHost.StartAsync(new GatewayHostOptions(path, logging => logging.AddProvider(logs)) { Time = time });
            return new GatewayFixture(upstream, gateway, directory, logs);
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>The usual header of a test config: loopback listeners on free ports.</summary>
    public static string Listeners(string unknownHosts = "deny") =>
        $"""
        listen: 127.0.0.1:0
        admin_listen: 127.0.0.1:0
        unknown_hosts: {unknownHosts}

        """;

    /// <summary>Rewrites the config file and waits until the gateway has swapped in the new snapshot.</summary>
    public async Task RewriteConfigAsync(string yaml)
    {
        var generation = Gateway.Config.Generation;
        await File.WriteAllTextAsync(ConfigPath, yaml);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Gateway.Config.Generation == generation)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The gateway did not reload the config within 15 s.\n" + Logs.All);
            }

            await Task.Delay(50);
        }
    }

    public HttpClient CreateClient() => new() { BaseAddress = ProxyAddress };

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
