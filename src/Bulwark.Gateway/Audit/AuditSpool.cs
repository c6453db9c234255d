using System.Buffers;
using System.Text.Json;

namespace Bulwark.Gateway.Audit;

/// <summary>The JSON form of audit events: the spool file and JSONL exports.</summary>
internal static class AuditJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static string ToLine(AuditEvent e) => JsonSerializer.Serialize(e, Options);

    /// <summary>
    /// The event as one UTF-8 JSON line ending in a newline, in a per-thread buffer valid until the thread's next call.
    /// Written field by field (every request journals one): the same bytes as <see cref="ToLine"/>, without the
    /// serializer's per-call state.
    /// </summary>
    public static ReadOnlySpan<byte> ToUtf8Line(AuditEvent e)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder });
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("time"u8, e.Time);
        writer.WriteString("request_id"u8, e.RequestId);
        WriteIfSet(writer, "consumer"u8, e.Consumer);
        WriteIfSet(writer, "route"u8, e.Route);
        WriteIfSet(writer, "model"u8, e.Model);
        writer.WriteString("decision"u8, e.Decision);
        writer.WriteStartArray("rules"u8);
        foreach (var rule in e.Rules)
        {
            writer.WriteStringValue(rule);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("entities"u8);
        foreach (var (entity, count) in e.Entities)
        {
            writer.WriteNumber(entity, count);
        }

        writer.WriteEndObject();
        WriteIfSet(writer, "guard_verdict"u8, e.GuardVerdict);
        WriteIfSet(writer, "guard_latency_ms"u8, e.GuardLatencyMs);
        writer.WriteNumber("status"u8, e.Status);
        writer.WriteNumber("upstream_status"u8, e.UpstreamStatus);
        WriteIfSet(writer, "prompt_tokens"u8, e.PromptTokens);
        WriteIfSet(writer, "completion_tokens"u8, e.CompletionTokens);
        WriteIfSet(writer, "total_tokens"u8, e.TotalTokens);
        writer.WriteNumber("gateway_latency_ms"u8, e.GatewayLatencyMs);
        writer.WriteNumber("upstream_latency_ms"u8, e.UpstreamLatencyMs);
        writer.WriteEndObject();
        writer.Flush();
        buffer.Write("\n"u8);
        return buffer.WrittenSpan;
    }

    private static void WriteIfSet(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    public static AuditEvent? FromLine(string line) => JsonSerializer.Deserialize<AuditEvent>(line, Options);
}

/// <summary>
/// The local append-only file where audit events wait while the store is unavailable. Every append is flushed to
/// disk before it returns, so a crash after spooling loses nothing; a replay that is interrupted is simply run
/// again (the store ignores events it already has).
/// </summary>
internal sealed class AuditSpool(string directory)
{
    public const string FileName = "audit-spool.jsonl";

    private readonly Lock _gate = new();

    public string FilePath { get; } = Path.Combine(directory, FileName);

    public bool HasEvents
    {
        get
        {
            var file = new FileInfo(FilePath);
            return (file.Exists && file.Length > 0) || File.Exists(FilePath + ".replaying");
        }
    }

    public void Append(IReadOnlyList<AuditEvent> events)
    {
        var lines = new ArrayBufferWriter<byte>(events.Count * 512);
        foreach (var e in events)
        {
            lines.Write(AuditJson.ToUtf8Line(e)); // the journal's line, byte for byte
        }

        lock (_gate)
        {
            Directory.CreateDirectory(directory);
            using var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(lines.WrittenSpan);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Hands every spooled event to <paramref name="write"/> in batches, then empties the spool. If a write fails,
    /// the spool is left whole and the exception propagates. Lines that do not parse (a torn final line after a
    /// power cut) are skipped and counted.
    /// </summary>
    public async Task<(int Replayed, int Unreadable)> ReplayAsync(Func<IReadOnlyList<AuditEvent>, Task> write, int batchSize)
    {
        string[] lines;
        lock (_gate)
        {
            if (!File.Exists(FilePath) && !File.Exists(FilePath + ".replaying"))
            {
                return (0, 0);
            }

            // Take the file aside so appends made during the replay go to a fresh spool.
            var replaying = FilePath + ".replaying";
            if (!File.Exists(replaying))
            {
                File.Move(FilePath, replaying);
            }
            else
            {
                // An earlier replay failed part-way: its file goes first, then what was spooled since.
                if (File.Exists(FilePath))
                {
                    File.AppendAllText(replaying, File.ReadAllText(FilePath));
                    File.Delete(FilePath);
                }
            }

            lines = File.ReadAllLines(replaying);
        }

        var batch = new List<AuditEvent>(batchSize);
        int replayed = 0, unreadable = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                continue;
            }

            AuditEvent? e = null;
            try
            {
                e = AuditJson.FromLine(line);
            }
            catch (JsonException)
            {
            }

            if (e is null)
            {
                unreadable++;
                continue;
            }

            batch.Add(e);
            if (batch.Count == batchSize)
            {
                await write(batch).ConfigureAwait(false);
                replayed += batch.Count;
                batch = new List<AuditEvent>(batchSize);
            }
        }

        if (batch.Count > 0)
        {
            await write(batch).ConfigureAwait(false);
            replayed += batch.Count;
        }

        lock (_gate)
        {
            File.Delete(FilePath + ".replaying");
        }

        return (replayed, unreadable);
    }
}
