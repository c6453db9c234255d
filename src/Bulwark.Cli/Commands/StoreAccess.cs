using System.CommandLine;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;

namespace Bulwark.Cli.Commands;

/// <summary>Opens the store a config file names, for the verbs that manage keys and read the audit trail.</summary>
internal static class StoreAccess
{
    public static async Task<IGatewayStore?> OpenAsync(FileInfo? config, CancellationToken cancellationToken)
    {
        var result = config is null ? ConfigLoader.LoadEmbeddedDefault(TimeProvider.System) : ConfigLoader.LoadFile(config.FullName, TimeProvider.System);
        if (!result.Succeeded)
        {
            await Console.Error.WriteLineAsync("bulwark: the configuration is invalid:" + Environment.NewLine + result.Describe()).ConfigureAwait(false);
            return null;
        }

        var store = GatewayStoreFactory.Create(result.Config!.Storage);
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    public static Option<FileInfo?> ConfigOption() => new("--config", "-c")
    {
        Description = "The gateway's YAML config file; its storage block names the database.",
    };
}
