using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Logging;

/// <summary>
/// Structured logs as JSON lines on a stream (stdout), written off the request path in batches. The console logger
/// writes each line through a 256-character auto-flushing writer, several system calls a line; on the request path
/// that cost more than the proxying. Here a line is formatted into a pooled buffer by the caller and queued; one
/// writer drains whatever is queued into a single write. When the queue is full (the output cannot keep up) lines
/// are dropped, never the request blocked, and the number dropped is reported in the next line written.
/// </summary>
/// <remarks>
/// Line shape, compatible with the framework's JSON console formatter:
/// <c>{"Timestamp":"...","EventId":10,"LogLevel":"Information","Category":"...","Message":"...","State":{...}}</c>.
/// </remarks>
internal sealed class JsonLinesLoggerProvider : ILoggerProvider
{
    private const int QueueCapacity = 50_000;

    private readonly Stream _output;
    private readonly Channel<Line> _queue = Channel.CreateBounded<Line>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // TryWrite fails instead of waiting: see Enqueue
    });

    private readonly Task _writer;
    private long _dropped;

    public JsonLinesLoggerProvider(Stream output)
    {
        _output = output;
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    private readonly record struct Line(byte[] Buffer, int Length);

    private void Enqueue(ArrayBufferWriter<byte> formatted)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(formatted.WrittenCount);
        formatted.WrittenSpan.CopyTo(buffer);
        if (!_queue.Writer.TryWrite(new Line(buffer, formatted.WrittenCount)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new byte[64 * 1024];
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var used = 0;
            while (reader.TryRead(out var line))
            {
                if (used + line.Length > batch.Length)
                {
                    await WriteAsync(batch, used).ConfigureAwait(false);
                    used = 0;
                }

                if (line.Length > batch.Length)
                {
                    await WriteAsync(line.Buffer, line.Length).ConfigureAwait(false);
                }
                else
                {
                    line.Buffer.AsSpan(0, line.Length).CopyTo(batch.AsSpan(used));
                    used += line.Length;
                }

                ArrayPool<byte>.Shared.Return(line.Buffer);
            }

            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0)
            {
                var note = System.Text.Encoding.UTF8.GetBytes(
                    $"{{\"Timestamp\":\"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"EventId\":90,\"LogLevel\":\"Warning\",\"Category\":\"Bulwark.Gateway.Logging\",\"Message\":\"{dropped} log line(s) dropped: the log output could not keep up\"}}\n");
                if (used + note.Length > batch.Length)
                {
                    await WriteAsync(batch, used).ConfigureAwait(false);
                    used = 0;
                }

                note.CopyTo(batch.AsSpan(used));
                used += note.Length;
            }

            await WriteAsync(batch, used).ConfigureAwait(false);
        }
    }

    private async ValueTask WriteAsync(byte[] buffer, int length)
    {
        if (length == 0)
        {
            return;
        }

        try
        {
            await _output.WriteAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
            await _output.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // stdout closed (the collector went away): logging must never take the gateway down.
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5)); // drain what is queued at shutdown
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
            json.WriteString("Message", formatter(state, exception));
            if (exception is not null)
            {
                json.WriteString("Exception", exception.ToString());
            }

            if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.Count > 0)
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

            json.WriteEndObject();
            json.Flush();
            buffer.Write("\n"u8);
            provider.Enqueue(buffer);
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
