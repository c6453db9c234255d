using System.CommandLine;
using Bulwark.Cli;
using Bulwark.Cli.Commands;

var root = new RootCommand("Bulwark: an LLM security gateway, and the LLM gates of an MLSecOps pipeline.")
{
    new ServeCommand(),
    new ScanCommand(),
    new KeysCommand(),
    new AuditCommand(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // System.CommandLine exits 1 on a parse error, which CI would read as "findings": usage errors are errors (2).
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync("bulwark: " + error.Message).ConfigureAwait(false);
    }

    await Console.Error.WriteLineAsync("Run 'bulwark --help' for usage.").ConfigureAwait(false);
    return ExitCodes.Error;
}

return await parse.InvokeAsync().ConfigureAwait(false);
