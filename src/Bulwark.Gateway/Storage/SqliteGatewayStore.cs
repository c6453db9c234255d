using System.Buffers;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Audit;
using Microsoft.Data.Sqlite;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode (readers never block the writer; a crash loses no committed
/// transaction). <c>synchronous=NORMAL</c> is WAL's recommended setting: a power cut may lose the last commits, a
/// process crash loses none.
/// </summary>
internal sealed class SqliteGatewayStore(string path, TimeSpan busyTimeout) : SqlGatewayStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = Math.Max(1, (int)busyTimeout.TotalSeconds),
    }.ToString();

    public string Path => path;

    protected override int AuditRowsPerStatement => 1;

    // One statement, one parameter per batch: the rows travel as a JSON array that SQLite unpacks itself. Binding 17
    // parameters a row cost more managed work (a binder object and a UTF-8 copy per value) than the insert.
    private const string InsertAuditFromJson = $"""
        INSERT INTO bulwark_audit ({AuditColumns})
        SELECT value ->> '$.request_id', value ->> '$.time_ms', value ->> '$.consumer', value ->> '$.route', value ->> '$.model',
               value ->> '$.decision', value ->> '$.rules', value ->> '$.entities', value ->> '$.guard_verdict',
               value ->> '$.guard_latency_ms', value ->> '$.status', value ->> '$.upstream_status', value ->> '$.prompt_tokens',
               value ->> '$.completion_tokens', value ->> '$.total_tokens', value ->> '$.gateway_latency_ms', value ->> '$.upstream_latency_ms'
        FROM json_each(@rows) WHERE true
        ON CONFLICT (request_id) DO NOTHING
        """;

    protected override async Task InsertAuditAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertAuditFromJson;
        var rows = command.CreateParameter();
        rows.ParameterName = "@rows";
        rows.Value = AuditRowsJson(events);
        command.Parameters.Add(rows);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The batch as a JSON array of objects keyed by column name; rules and entities are JSON text inside it.</summary>
    private static string AuditRowsJson(IReadOnlyList<AuditEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>(events.Count * 320);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var e in events)
            {
                json.WriteStartObject();
                json.WriteString("request_id", e.RequestId);
                json.WriteNumber("time_ms", e.Time.ToUnixTimeMilliseconds());
                WriteStringOrNull(json, "consumer", e.Consumer);
                WriteStringOrNull(json, "route", e.Route);
                WriteStringOrNull(json, "model", e.Model);
                json.WriteString("decision", e.Decision);
                json.WriteString("rules", JsonSerializer.Serialize(e.Rules));
                json.WriteString("entities", JsonSerializer.Serialize(e.Entities));
                WriteStringOrNull(json, "guard_verdict", e.GuardVerdict);
                if (e.GuardLatencyMs is { } guard)
                {
                    json.WriteNumber("guard_latency_ms", guard);
                }

                json.WriteNumber("status", e.Status);
                json.WriteNumber("upstream_status", e.UpstreamStatus);
                WriteNumberOrNull(json, "prompt_tokens", e.PromptTokens);
                WriteNumberOrNull(json, "completion_tokens", e.CompletionTokens);
                WriteNumberOrNull(json, "total_tokens", e.TotalTokens);
                json.WriteNumber("gateway_latency_ms", e.GatewayLatencyMs);
                json.WriteNumber("upstream_latency_ms", e.UpstreamLatencyMs);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;" + Schema;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
