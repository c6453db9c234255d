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
    /// well inside PostgreSQL's limit).
    /// </summary>
    private const int AuditRowsPerStatement = 64;

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public virtual async Task WriteAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
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
                    var binder = new ParameterBinder(command.Parameters, r * AuditColumnCount);
                    BindAuditRow(events[offset + r], ref binder);
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

    /// <summary>The audit INSERT for <paramref name="rows"/> rows, each column's placeholder given by its parameter number (from 0).</summary>
    protected static string AuditInsertSql(int rows, Func<int, string> placeholder)
    {
        var sql = new System.Text.StringBuilder($"INSERT INTO bulwark_audit ({AuditColumns}) VALUES ");
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < AuditColumnCount; c++)
            {
                sql.Append(c == 0 ? string.Empty : ", ").Append(placeholder((r * AuditColumnCount) + c));
            }

            sql.Append(')');
        }

        return sql.Append(" ON CONFLICT (request_id) DO NOTHING").ToString();
    }

    private static DbCommand CreateAuditInsert(DbConnection connection, DbTransaction transaction, int rows)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = AuditInsertSql(rows, n => $"@p{n}");
        for (var n = 0; n < rows * AuditColumnCount; n++)
        {
            Add(command, $"@p{n}", null);
        }

        return command;
    }

    /// <summary>Where an audit row's values go: a command's parameters, or a raw SQLite statement.</summary>
    protected interface IAuditRowBinder
    {
        void Text(int column, string? value);

        void Int32(int column, int value);

        void Int64(int column, long? value);

        void Double(int column, double? value);
    }

    /// <summary>An event's columns, in <see cref="AuditColumns"/> order: the one place that maps events to rows.</summary>
    protected static void BindAuditRow<TBinder>(AuditEvent e, ref TBinder binder)
        where TBinder : struct, IAuditRowBinder
    {
        binder.Text(0, e.RequestId);
        binder.Int64(1, e.Time.ToUnixTimeMilliseconds());
        binder.Text(2, e.Consumer);
        binder.Text(3, e.Route);
        binder.Text(4, e.Model);
        binder.Text(5, e.Decision);
        binder.Text(6, e.Rules.Count == 0 ? "[]" : JsonSerializer.Serialize(e.Rules));
        binder.Text(7, e.Entities.Count == 0 ? "{}" : JsonSerializer.Serialize(e.Entities));
        binder.Text(8, e.GuardVerdict);
        binder.Double(9, e.GuardLatencyMs);
        binder.Int32(10, e.Status);
        binder.Int32(11, e.UpstreamStatus);
        binder.Int64(12, e.PromptTokens);
        binder.Int64(13, e.CompletionTokens);
        binder.Int64(14, e.TotalTokens);
        binder.Double(15, e.GatewayLatencyMs);
        binder.Double(16, e.UpstreamLatencyMs);
    }

    private readonly struct ParameterBinder(DbParameterCollection parameters, int offset) : IAuditRowBinder
    {
        public void Text(int column, string? value) => parameters[offset + column].Value = (object?)value ?? DBNull.Value;

        public void Int32(int column, int value) => parameters[offset + column].Value = value;

        public void Int64(int column, long? value) => parameters[offset + column].Value = (object?)value ?? DBNull.Value;

        public void Double(int column, double? value) => parameters[offset + column].Value = (object?)value ?? DBNull.Value;
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
