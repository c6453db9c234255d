using System.Buffers;
using System.Text.Json;
using Bulwark.Gateway.Buffers;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Logging;

/// <summary>
/// Structured logs as JSON lines on a stream (stdout), written off the request path in batches. The console logger
/// writes each line through a 256-character auto-flushing writer, several system calls a line; on the request path
/// that cost more than the proxying. Here the caller formats a line into a per-thread buffer and appends it to a
/// shared batch under a short lock; a writer thread wakes every <see cref="FlushInterval"/> and writes whatever the
/// batch holds in one call. Nothing on the request path wakes a thread or waits for the output. When the batch is full
/// (the output cannot keep up) lines are dropped, never the request blocked, and the number dropped is reported in
/// the next batch written. Dispose writes what is left.
/// </summary>
/// <remarks>
/// Line shape, compatible with the framework's JSON console formatter:
/// <c>{"Timestamp":"...","EventId":10,"LogLevel":"Information","Category":"...","Message":"...","State":{...}}</c>.
/// </remarks>
internal sealed class JsonLinesLoggerProvider : ILoggerProvider
{
    /// <summary>How long a line waits, at most, before it is written.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(50);

    private const int InitialBatchBytes = 256 * 1024;
    private const int MaxBatchBytes = 16 * 1024 * 1024;

    private readonly Stream _output;
    private readonly Lock _gate = new();
    private readonly SwapBuffer _batch = new(InitialBatchBytes, MaxBatchBytes);
    private readonly ManualResetEventSlim _stopping = new();
    private readonly Thread _writer;
    private long _dropped;
    private int _disposed;

    public JsonLinesLoggerProvider(Stream output)
    {
        _output = output;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "bulwark-log-writer" };
        _writer.Start();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    private void Append(ReadOnlySpan<byte> line)
    {
        lock (_gate)
        {
            if (!_batch.TryAppend(line))
            {
                _dropped++;
            }
        }
    }

    private void WriteLoop()
    {
        while (true)
        {
            var stopping = _stopping.Wait(FlushInterval);
            WritePending();
            if (stopping)
            {
                return;
            }
        }
    }

    /// <summary>Takes the batch under the lock, then writes it outside the lock.</summary>
    private void WritePending()
    {
        ArraySegment<byte> full;
        long dropped;
        lock (_gate)
        {
            if (_batch.Length == 0 && _dropped == 0)
            {
                return;
            }

            full = _batch.Take();
            dropped = _dropped;
            _dropped = 0;
        }

        try
        {
            _output.Write(full);
            if (dropped > 0)
            {
                _output.Write(System.Text.Encoding.UTF8.GetBytes(
                    $"{{\"Timestamp\":\"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"EventId\":90,\"LogLevel\":\"Warning\",\"Category\":\"Bulwark.Gateway.Logging\",\"Message\":\"{dropped} log line(s) dropped: the log output could not keep up\"}}\n"));
            }

            _output.Flush();
        }
        catch (IOException)
        {
            // stdout closed (the collector went away): logging must never take the gateway down.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Set();
        if (_writer.Join(TimeSpan.FromSeconds(5))) // the loop writes what is left before it returns
        {
            _stopping.Dispose();
        }
    }

    private sealed class Logger(JsonLinesLoggerProvider provider, string category) : ILogger
    {
        [ThreadStatic]
        private static ArrayBufferWriter<byte>? t_buffer;

        [ThreadStatic]
        private static Utf8JsonWriter? t_json;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
            buffer.ResetWrittenCount();
            var json = t_json ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            json.Reset(buffer);
            json.WriteStartObject();
            json.WriteString("Timestamp", DateTime.UtcNow);
            json.WriteNumber("EventId", eventId.Id);
            json.WriteString("LogLevel", LevelName(logLevel));
            json.WriteString("Category", category);
            var own = state as IJsonLogState; // the request line writes itself (RequestCompletedLog)
            if (own is not null)
            {
                own.WriteMessage(json);
            }
            else
            {
                json.WriteString("Message", formatter(state, exception));
            }

            if (exception is not null)
            {
                json.WriteString("Exception", exception.ToString());
            }

            if (own is not null)
            {
                json.WriteStartObject("State");
                own.WriteState(json);
                json.WriteEndObject();
            }
            else if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.Count > 0)
            {
                WriteValues(json, values);
            }

            json.WriteEndObject();
            json.Flush();
            buffer.Write("\n"u8);
            provider.Append(buffer.WrittenSpan);
        }

        private static void WriteValues(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            json.WriteStartObject("State");
            foreach (var (key, value) in values)
            {
                if (key == "{OriginalFormat}")
                {
                    continue;
                }

                switch (value)
                {
                    case null:
                        json.WriteNull(key);
                        break;
                    case bool b:
                        json.WriteBoolean(key, b);
                        break;
                    case int i:
                        json.WriteNumber(key, i);
                        break;
                    case long l:
                        json.WriteNumber(key, l);
                        break;
                    case double d:
                        json.WriteNumber(key, Math.Round(d, 3));
                        break;
                    default:
                        json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                        break;
                }
            }

            json.WriteEndObject();
        }

        private static string LevelName(LogLevel level) => level switch
        {
            LogLevel.Trace => "Trace",
            LogLevel.Debug => "Debug",
            LogLevel.Information => "Information",
            LogLevel.Warning => "Warning",
            LogLevel.Error => "Error",
            _ => "Critical",
        };
    }
}
