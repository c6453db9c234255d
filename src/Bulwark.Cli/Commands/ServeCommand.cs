using System.CommandLine;
using Bulwark.Gateway.Hosting;

namespace Bulwark.Cli.Commands;

/// <summary><c>bulwark serve [--config FILE]</c>: runs the gateway until stopped (Ctrl+C or SIGTERM).</summary>
internal sealed class ServeCommand : Command
{
    private readonly Option<FileInfo?> _config = new("--config", "-c")
    {
        Description = "The YAML config file. Without it, the embedded default config is served.",
    };

    public ServeCommand()
        : base("serve", "Run the Bulwark gateway.")
    {
        Options.Add(_config);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var config = parse.GetValue(_config);
        if (config is not null && !config.Exists)
        {
            await Console.Error.WriteLineAsync($"bulwark: config file {config.FullName} does not exist").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        RunningGateway gateway;
        try
        {
            gateway = await GatewayHost.StartAsync(new GatewayHostOptions(config?.FullName), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Gateway.Configuration.ConfigException or IOException)
        {
            await Console.Error.WriteLineAsync("bulwark: " + e.Message).ConfigureAwait(false);
            return ExitCodes.Error;
        }

        await using (gateway.ConfigureAwait(false))
        {
            try
            {
                await gateway.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return ExitCodes.Ok;
    }
}
