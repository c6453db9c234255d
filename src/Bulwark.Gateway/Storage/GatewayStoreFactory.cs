using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Storage;

/// <summary>Opens the store the config names. The store is chosen at start; changing it needs a restart.</summary>
internal static class GatewayStoreFactory
{
    public static IGatewayStore Create(StorageSettings settings) => settings.Kind switch
    {
        StorageKind.Postgres => new PostgresGatewayStore(settings.ConnectionString!.GetValue()),
        _ => new SqliteGatewayStore(settings.Path!, TimeSpan.FromSeconds(5)),
    };
}
