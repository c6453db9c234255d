using System.Data.Common;
using Npgsql;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// The shared store for several replicas. Every gateway process holds its own pooled <see cref="NpgsqlDataSource"/>;
/// counters and keys live in the database, so a budget or a revocation is one fact for all of them.
/// </summary>
internal sealed class PostgresGatewayStore : SqlGatewayStore
{
    // Serialises schema creation when several replicas start at once (CREATE TABLE IF NOT EXISTS can race).
    private const long SchemaLockId = 0x42756C7761726BL;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresGatewayStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Timeout"))
        {
            builder.Timeout = 5; // connect timeout: an unreachable database spools audit events rather than stalling
        }

        if (!builder.ContainsKey("Command Timeout"))
        {
            builder.CommandTimeout = 10;
        }

        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_advisory_xact_lock({SchemaLockId});" + Schema;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
