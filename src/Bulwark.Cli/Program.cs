using System.CommandLine;
using Bulwark.Cli.Commands;

var root = new RootCommand("Bulwark: an LLM security gateway, and the LLM gates of an MLSecOps pipeline.")
{
    new ServeCommand(),
    new KeysCommand(),
    new AuditCommand(),
};

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
