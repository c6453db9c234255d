using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Logging;

/// <summary>A log state that writes its message and its values to a JSON line itself, without boxing a value.</summary>
internal interface IJsonLogState
{
    void WriteMessage(Utf8JsonWriter json);

    void WriteState(Utf8JsonWriter json);
}

/// <summary>
/// The one log line every request writes (event 10). It is an ordinary structured log state for any logger (named
/// values and a message), and <see cref="JsonLinesLoggerProvider"/> has it write itself: the message formatted
/// straight into UTF-8 and the values as JSON numbers, where the generic path built a message string and boxed every
/// number. It holds ids, names, counts and timings; never a prompt, a completion or a key.
/// </summary>
internal readonly struct RequestCompletedLog(
    string requestId, string route, string shape, string decision, string rule, int status, int upstreamStatus, int attempts,
    int textCount, long textChars, long requestBytes, bool stream, string entities, double durationMs, double upstreamMs)
    : IReadOnlyList<KeyValuePair<string, object?>>, IJsonLogState
{
    public static readonly EventId Event = new(10, "RequestCompleted");

    private const string Format = "Request {RequestId} route={Route} shape={Shape} decision={Decision} rule={Rule} status={Status} upstream_status={UpstreamStatus} attempts={Attempts} texts={TextCount} text_chars={TextChars} request_bytes={RequestBytes} stream={Stream} entities={Entities} duration_ms={DurationMs:F2} upstream_ms={UpstreamMs:F2}";

    public static void Write(ILogger logger, in RequestCompletedLog line) =>
        logger.Log(LogLevel.Information, Event, line, null, static (state, _) => state.ToString());

    public int Count => 16;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RequestId", requestId),
        1 => new("Route", route),
        2 => new("Shape", shape),
        3 => new("Decision", decision),
        4 => new("Rule", rule),
        5 => new("Status", status),
        6 => new("UpstreamStatus", upstreamStatus),
        7 => new("Attempts", attempts),
        8 => new("TextCount", textCount),
        9 => new("TextChars", textChars),
        10 => new("RequestBytes", requestBytes),
        11 => new("Stream", stream),
        12 => new("Entities", entities),
        13 => new("DurationMs", durationMs),
        14 => new("UpstreamMs", upstreamMs),
        15 => new("{OriginalFormat}", Format),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString()
    {
        for (var size = 512; ; size *= 4)
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
            try
            {
                if (TryFormat(buffer, out var written))
                {
                    return System.Text.Encoding.UTF8.GetString(buffer, 0, written);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public void WriteMessage(Utf8JsonWriter json)
    {
        Span<byte> message = stackalloc byte[512];
        if (TryFormat(message, out var written))
        {
            json.WriteString("Message"u8, message[..written]);
        }
        else
        {
            json.WriteString("Message"u8, ToString()); // long names: a larger buffer
        }
    }

    /// <summary>The message, as <see cref="Format"/> lays it out, in UTF-8.</summary>
    private bool TryFormat(Span<byte> destination, out int written) => Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
        $"Request {requestId} route={route} shape={shape} decision={decision} rule={rule} status={status} upstream_status={upstreamStatus} attempts={attempts} texts={textCount} text_chars={textChars} request_bytes={requestBytes} stream={stream} entities={entities} duration_ms={durationMs:F2} upstream_ms={upstreamMs:F2}",
        out written);

    public void WriteState(Utf8JsonWriter json)
    {
        json.WriteString("RequestId"u8, requestId);
        json.WriteString("Route"u8, route);
        json.WriteString("Shape"u8, shape);
        json.WriteString("Decision"u8, decision);
        json.WriteString("Rule"u8, rule);
        json.WriteNumber("Status"u8, status);
        json.WriteNumber("UpstreamStatus"u8, upstreamStatus);
        json.WriteNumber("Attempts"u8, attempts);
        json.WriteNumber("TextCount"u8, textCount);
        json.WriteNumber("TextChars"u8, textChars);
        json.WriteNumber("RequestBytes"u8, requestBytes);
        json.WriteBoolean("Stream"u8, stream);
        json.WriteString("Entities"u8, entities);
        json.WriteNumber("DurationMs"u8, Math.Round(durationMs, 3));
        json.WriteNumber("UpstreamMs"u8, Math.Round(upstreamMs, 3));
    }
}
