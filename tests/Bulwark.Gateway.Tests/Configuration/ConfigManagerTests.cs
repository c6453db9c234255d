using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Gateway.Tests.Configuration;

public sealed class ConfigManagerTests
{
    [Fact]
    public async Task WritesToOtherFilesBesideTheConfig_DoNotReloadIt()
    {
        // Regression: the watcher watched the whole folder, so the gateway's own log file beside the config made
        // every request re-read the config.
        var directory = Directory.CreateTempSubdirectory("bulwark-cm-");
        try
        {
            var config = Path.Combine(directory.FullName, "bulwark.yaml");
            await File.WriteAllTextAsync(config, "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n");
            using var manager = new ConfigManager(config, TimeProvider.System, NullLogger<ConfigManager>.Instance);
            var reloads = 0;
            manager.Reloaded += _ => Interlocked.Increment(ref reloads);

            var readsBefore = manager.FileReads;
            var neighbour = Path.Combine(directory.FullName, "gateway.log");
            for (var i = 0; i < 50; i++)
            {
                await File.AppendAllTextAsync(neighbour, "a log line\n");
                await Task.Delay(5);
            }

            await Task.Delay(300); // let any debounced reload run
            (manager.FileReads - readsBefore).ShouldBeLessThan(5); // a poll may fall in this window; 50 events must not read

            // A real change to the config itself is still seen, proving the watcher is alive.
            await File.WriteAllTextAsync(config, "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\nunknown_hosts: passthrough\n");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref reloads) == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            reloads.ShouldBe(1);
            manager.Current.UnknownHosts.ShouldBe(UnknownHostsPolicy.Passthrough);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
