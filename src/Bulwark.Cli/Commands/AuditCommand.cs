using System.CommandLine;
using Bulwark.Gateway.Admin;
using Bulwark.Gateway.Audit;

namespace Bulwark.Cli.Commands;

/// <summary><c>bulwark audit query</c>: audit events as JSONL on stdout, filtered by time, consumer, route and decision.</summary>
internal sealed class AuditCommand : Command
{
    public AuditCommand()
        : base("audit", "Read the audit trail.")
    {
        var config = StoreAccess.ConfigOption();
        var from = new Option<string?>("--from") { Description = "Events at or after this time (ISO 8601)." };
        var to = new Option<string?>("--to") { Description = "Events before this time (ISO 8601)." };
        var consumer = new Option<string?>("--consumer") { Description = "Only this consumer." };
        var route = new Option<string?>("--route") { Description = "Only this route." };
        var decision = new Option<string?>("--decision") { Description = "allowed, blocked, redacted, passthrough or error." };
        var limit = new Option<string?>("--limit") { Description = "At most this many events (default 1000)." };
        var query = new Command("query", "Print matching events as JSON lines (oldest first).") { config, from, to, consumer, route, decision, limit };
        query.SetAction(async (parse, ct) =>
        {
            if (!OperationsApi.TryParseQuery(parse.GetValue(from), parse.GetValue(to), parse.GetValue(consumer), parse.GetValue(route), parse.GetValue(decision), parse.GetValue(limit), out var filter, out var error))
            {
                await Console.Error.WriteLineAsync("bulwark: " + error).ConfigureAwait(false);
                return ExitCodes.Error;
            }

            await using var store = await StoreAccess.OpenAsync(parse.GetValue(config), ct).ConfigureAwait(false);
            if (store is null)
            {
                return ExitCodes.Error;
            }

            foreach (var e in await store.QueryAuditAsync(filter!, ct).ConfigureAwait(false))
            {
                Console.WriteLine(AuditJson.ToLine(e));
            }

            return ExitCodes.Ok;
        });
        Subcommands.Add(query);
    }
}
