using System.Data.Common;
using System.Text.Json;
using Bulwark.Gateway.Audit;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// The store over ADO.NET. SQLite (3.35+) and PostgreSQL share one SQL dialect for everything the gateway does:
/// <c>INSERT ... ON CONFLICT ... DO UPDATE ... WHERE ... RETURNING</c> makes a limit check and its increment one
/// atomic statement, and <c>ON CONFLICT DO NOTHING</c> makes audit replays idempotent. Times are Unix milliseconds.
/// </summary>
internal abstract class SqlGatewayStore : IGatewayStore
{
    protected const string Schema = """
        CREATE TABLE IF NOT EXISTS bulwark_audit (
            request_id TEXT PRIMARY KEY,
            time_ms BIGINT NOT NULL,
            consumer TEXT NULL,
            route TEXT NULL,
            model TEXT NULL,
            decision TEXT NOT NULL,
            rules TEXT NOT NULL,
            entities TEXT NOT NULL,
            guard_verdict TEXT NULL,
            guard_latency_ms DOUBLE PRECISION NULL,
            status INTEGER NOT NULL,
            upstream_status INTEGER NOT NULL,
            prompt_tokens BIGINT NULL,
            completion_tokens BIGINT NULL,
            total_tokens BIGINT NULL,
            gateway_latency_ms DOUBLE PRECISION NOT NULL,
            upstream_latency_ms DOUBLE PRECISION NOT NULL);
        CREATE INDEX IF NOT EXISTS bulwark_audit_time ON bulwark_audit (time_ms);
        CREATE TABLE IF NOT EXISTS bulwark_keys (
            id TEXT PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            consumer TEXT NOT NULL,
            description TEXT NULL,
            created_ms BIGINT NOT NULL,
            revoked_ms BIGINT NULL);
        CREATE TABLE IF NOT EXISTS bulwark_counters (
            counter_key TEXT NOT NULL,
            window_start BIGINT NOT NULL,
            used BIGINT NOT NULL,
            PRIMARY KEY (counter_key, window_start));
        """;

    private const string AuditColumns = "request_id, time_ms, consumer, route, model, decision, rules, entities, guard_verdict, guard_latency_ms, status, upstream_status, prompt_tokens, completion_tokens, total_tokens, gateway_latency_ms, upstream_latency_ms";

    private const int AuditColumnCount = 17;

    /// <summary>
    /// Rows per audit INSERT. Over a network many rows per statement save round trips (64 rows: 1088 parameters,
    /// well inside PostgreSQL's limit); in-process SQLite is fastest with one row per statement (Microsoft.Data.Sqlite
    /// binds parameters by name, which grows quadratically with the parameter count).
    /// </summary>
    protected virtual int AuditRowsPerStatement => 64;

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public async Task WriteAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Multi-row INSERTs (one round trip per AuditRowsPerStatement events), and one prepared command per statement
        // size reused for every chunk of the batch: only the parameter values change, so the SQL is parsed once.
        DbCommand? command = null;
        var preparedRows = 0;
        try
        {
            for (var offset = 0; offset < events.Count; offset += AuditRowsPerStatement)
            {
                var rows = Math.Min(AuditRowsPerStatement, events.Count - offset);
                if (command is null || rows != preparedRows)
                {
                    if (command is not null)
                    {
                        await command.DisposeAsync().ConfigureAwait(false);
                    }

                    command = CreateAuditInsert(connection, transaction, rows);
                    preparedRows = rows;
                }

                for (var r = 0; r < rows; r++)
                {
                    BindAuditRow(command, r, events[offset + r]);
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand CreateAuditInsert(DbConnection connection, DbTransaction transaction, int rows)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new System.Text.StringBuilder($"INSERT INTO bulwark_audit ({AuditColumns}) VALUES ");
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < AuditColumnCount; c++)
            {
                sql.Append(c == 0 ? "@p" : ", @p").Append(r * AuditColumnCount + c);
                // Prefixed names: unprefixed ones make SQLite's binder try every prefix for every parameter.
                Add(command, $"@p{(r * AuditColumnCount) + c}", null);
            }

            sql.Append(')');
        }

        command.CommandText = sql.Append(" ON CONFLICT (request_id) DO NOTHING").ToString();
        return command;
    }

    private static void BindAuditRow(DbCommand command, int row, AuditEvent e)
    {
        var p = row * AuditColumnCount;
        var parameters = command.Parameters;
        parameters[p].Value = e.RequestId;
        parameters[p + 1].Value = e.Time.ToUnixTimeMilliseconds();
        parameters[p + 2].Value = (object?)e.Consumer ?? DBNull.Value;
        parameters[p + 3].Value = (object?)e.Route ?? DBNull.Value;
        parameters[p + 4].Value = (object?)e.Model ?? DBNull.Value;
        parameters[p + 5].Value = (object?)e.Decision ?? DBNull.Value;
        parameters[p + 6].Value = JsonSerializer.Serialize(e.Rules);
        parameters[p + 7].Value = JsonSerializer.Serialize(e.Entities);
        parameters[p + 8].Value = (object?)e.GuardVerdict ?? DBNull.Value;
        parameters[p + 9].Value = (object?)e.GuardLatencyMs ?? DBNull.Value;
        parameters[p + 10].Value = e.Status;
        parameters[p + 11].Value = (object?)e.UpstreamStatus ?? DBNull.Value;
        parameters[p + 12].Value = (object?)e.PromptTokens ?? DBNull.Value;
        parameters[p + 13].Value = (object?)e.CompletionTokens ?? DBNull.Value;
        parameters[p + 14].Value = (object?)e.TotalTokens ?? DBNull.Value;
        parameters[p + 15].Value = e.GatewayLatencyMs;
        parameters[p + 16].Value = (object?)e.UpstreamLatencyMs ?? DBNull.Value;
    }

    public async Task<IReadOnlyList<AuditEvent>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.From is { } from)
        {
            where.Add("time_ms >= @from");
            Add(command, "from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            where.Add("time_ms < @to");
            Add(command, "to", to.ToUnixTimeMilliseconds());
        }

        if (query.Consumer is { } consumer)
        {
            where.Add("consumer = @consumer");
            Add(command, "consumer", consumer);
        }

        if (query.Route is { } route)
        {
            where.Add("route = @route");
            Add(command, "route", route);
        }

        if (query.Decision is { } decision)
        {
            where.Add("decision = @decision");
            Add(command, "decision", decision);
        }

        Add(command, "limit", (long)query.Limit);
        command.CommandText = $"SELECT {AuditColumns} FROM bulwark_audit"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)
            + " ORDER BY time_ms, request_id LIMIT @limit";

        var events = new List<AuditEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new AuditEvent
            {
                RequestId = reader.GetString(0),
                Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                Consumer = NullableString(reader, 2),
                Route = NullableString(reader, 3),
                Model = NullableString(reader, 4),
                Decision = reader.GetString(5),
                Rules = JsonSerializer.Deserialize<List<string>>(reader.GetString(6)) ?? [],
                Entities = JsonSerializer.Deserialize<Dictionary<string, int>>(reader.GetString(7)) ?? [],
                GuardVerdict = NullableString(reader, 8),
                GuardLatencyMs = reader.IsDBNull(9) ? null : reader.GetDouble(9),
                Status = reader.GetInt32(10),
                UpstreamStatus = reader.GetInt32(11),
                PromptTokens = reader.IsDBNull(12) ? null : reader.GetInt64(12),
                CompletionTokens = reader.IsDBNull(13) ? null : reader.GetInt64(13),
                TotalTokens = reader.IsDBNull(14) ? null : reader.GetInt64(14),
                GatewayLatencyMs = reader.GetDouble(15),
                UpstreamLatencyMs = reader.GetDouble(16),
            });
        }

        return events;
    }

    public Task<int> DeleteAuditBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM bulwark_audit WHERE time_ms < @cutoff", cancellationToken, ("cutoff", cutoff.ToUnixTimeMilliseconds()));

    public Task InsertKeyAsync(GatewayKeyRecord key, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO bulwark_keys (id, hash, prefix, consumer, description, created_ms, revoked_ms) VALUES (@id, @hash, @prefix, @consumer, @description, @created, NULL)",
            cancellationToken,
            ("id", key.Id), ("hash", key.Hash), ("prefix", key.Prefix), ("consumer", key.Consumer), ("description", key.Description), ("created", key.Created.ToUnixTimeMilliseconds()));

    public async Task<GatewayKeyRecord?> FindKeyByHashAsync(string hash, CancellationToken cancellationToken)
    {
        var keys = await ReadKeysAsync("WHERE hash = @hash", cancellationToken, ("hash", hash)).ConfigureAwait(false);
        return keys.Count == 0 ? null : keys[0];
    }

    public Task<IReadOnlyList<GatewayKeyRecord>> ListKeysAsync(CancellationToken cancellationToken) => ReadKeysAsync("ORDER BY created_ms, id", cancellationToken);

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset when, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE bulwark_keys SET revoked_ms = @when WHERE id = @id AND revoked_ms IS NULL", cancellationToken,
            ("when", when.ToUnixTimeMilliseconds()), ("id", id)).ConfigureAwait(false) == 1;

    public async Task<long?> TryIncrementAsync(string counter, long window, long amount, long limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // The WHERE of DO UPDATE makes check-and-add one atomic step: concurrent requests, here or in another
        // replica, serialise on the counter's row. A fresh row starts at zero, which is below any positive limit.
        command.CommandText = """
            INSERT INTO bulwark_counters (counter_key, window_start, used) VALUES (@counter, @window, @amount)
            ON CONFLICT (counter_key, window_start) DO UPDATE SET used = bulwark_counters.used + excluded.used
            WHERE bulwark_counters.used < @limit
            RETURNING used
            """;
        Add(command, "counter", counter);
        Add(command, "window", window);
        Add(command, "amount", amount);
        Add(command, "limit", limit);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is null or DBNull ? null : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task AddAsync(string counter, long window, long delta, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            INSERT INTO bulwark_counters (counter_key, window_start, used) VALUES (@counter, @window, @delta)
            ON CONFLICT (counter_key, window_start) DO UPDATE SET used = bulwark_counters.used + excluded.used
            """,
            cancellationToken, ("counter", counter), ("window", window), ("delta", delta));

    public async Task<long> ReadCounterAsync(string counter, long window, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT used FROM bulwark_counters WHERE counter_key = @counter AND window_start = @window";
        Add(command, "counter", counter);
        Add(command, "window", window);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is null or DBNull ? 0 : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<int> DeleteCountersBeforeAsync(long window, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM bulwark_counters WHERE window_start < @window", cancellationToken, ("window", window));

    protected async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<GatewayKeyRecord>> ReadKeysAsync(string tail, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, hash, prefix, consumer, description, created_ms, revoked_ms FROM bulwark_keys " + tail;
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }

        var keys = new List<GatewayKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new GatewayKeyRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), NullableString(reader, 4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return keys;
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
