using System.CommandLine;
using System.Text.Json;
using Bulwark.Gateway.Consumers;

namespace Bulwark.Cli.Commands;

/// <summary><c>bulwark keys create|list|revoke</c>: gateway keys, straight in the store the config names.</summary>
internal sealed class KeysCommand : Command
{
    public KeysCommand()
        : base("keys", "Create, list and revoke gateway keys (consumers' credentials).")
    {
        var config = StoreAccess.ConfigOption();
        var consumer = new Option<string>("--consumer") { Description = "The consumer the key identifies.", Required = true };
        var description = new Option<string?>("--description") { Description = "A note for humans, e.g. the app or owner." };
        var create = new Command("create", "Create a key. It is printed once, on stdout; store it now.") { config, consumer, description };
        create.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreAccess.OpenAsync(parse.GetValue(config), ct).ConfigureAwait(false);
            if (store is null)
            {
                return ExitCodes.Error;
            }

            var name = parse.GetValue(consumer)!;
            if (KeyManagement.ValidateConsumerName(name) is { } error)
            {
                await Console.Error.WriteLineAsync("bulwark: --consumer: " + error).ConfigureAwait(false);
                return ExitCodes.Error;
            }

            var (key, record) = await KeyManagement.CreateAsync(store, name, parse.GetValue(description), TimeProvider.System, ct).ConfigureAwait(false);
            var answer = KeyManagement.Describe(record);
            answer["key"] = key;
            Console.WriteLine(JsonSerializer.Serialize(answer));
            return ExitCodes.Ok;
        });

        var list = new Command("list", "List keys as JSON lines (never the keys themselves).") { config };
        list.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreAccess.OpenAsync(parse.GetValue(config), ct).ConfigureAwait(false);
            if (store is null)
            {
                return ExitCodes.Error;
            }

            foreach (var key in await store.ListKeysAsync(ct).ConfigureAwait(false))
            {
                Console.WriteLine(JsonSerializer.Serialize(KeyManagement.Describe(key)));
            }

            return ExitCodes.Ok;
        });

        var id = new Argument<string>("id") { Description = "The key's id (key_...), as listed." };
        var revoke = new Command("revoke", "Revoke a key; every gateway refuses it within seconds.") { config, id };
        revoke.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreAccess.OpenAsync(parse.GetValue(config), ct).ConfigureAwait(false);
            if (store is null)
            {
                return ExitCodes.Error;
            }

            var keyId = parse.GetValue(id)!;
            if (!await store.RevokeKeyAsync(keyId, TimeProvider.System.GetUtcNow(), ct).ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"bulwark: no active key {keyId}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            Console.WriteLine(JsonSerializer.Serialize(new { id = keyId, revoked = true }));
            return ExitCodes.Ok;
        });

        Subcommands.Add(create);
        Subcommands.Add(list);
        Subcommands.Add(revoke);
    }
}
