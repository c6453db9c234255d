using System.Text.Json;
using Bulwark.Gateway.Buffers;
using Bulwark.Gateway.Forwarding;

namespace Bulwark.Gateway.Limits;

/// <summary>Tokens an upstream reported for one request.</summary>
internal readonly record struct TokenUsage(long PromptTokens, long CompletionTokens, long TotalTokens);

/// <summary>
/// Reads the upstream's <c>usage</c> from a relayed response without holding up the relay. A JSON answer is kept
/// (up to 4 MiB) and parsed at the end; an event stream is read line by line and every <c>data:</c> event that
/// mentions usage is parsed (OpenAI's final chunk, Anthropic's <c>message_start</c>/<c>message_delta</c>, the
/// Responses API's <c>response.completed</c>). Understood names: prompt_tokens/completion_tokens/total_tokens and
/// input_tokens/output_tokens. The text of the answer is never kept beyond the parse.
/// </summary>
internal sealed class UsageExtractor : IResponseBodyObserver
{
    private const int MaxJsonBytes = 4 * 1024 * 1024;
    private const int MaxEventBytes = 1024 * 1024;

    private readonly PooledBuffer _buffer = new();
    private bool _eventStream;
    private bool _overflow;
    private long? _prompt;
    private long? _completion;
    private long? _total;

    public void OnStart(bool isEventStream) => _eventStream = isEventStream;

    public void OnData(ReadOnlySpan<byte> chunk)
    {
        if (!_eventStream)
        {
            if (_buffer.WrittenCount + chunk.Length > MaxJsonBytes)
            {
                _overflow = true;
                return;
            }

            _buffer.Write(chunk);
            return;
        }

        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var part = newline < 0 ? chunk : chunk[..newline];
            if (!_overflow)
            {
                if (_buffer.WrittenCount + part.Length > MaxEventBytes)
                {
                    _overflow = true; // an absurdly long line: skip it, resume at the next
                }
                else
                {
                    _buffer.Write(part);
                }
            }

            if (newline < 0)
            {
                return;
            }

            if (!_overflow)
            {
                ReadEventLine(_buffer.WrittenSpan);
            }

            _buffer.Clear();
            _overflow = false;
            chunk = chunk[(newline + 1)..];
        }
    }

    /// <summary>The usage read, or null when the upstream reported none (or sent something unreadable).</summary>
    public TokenUsage? Complete()
    {
        if (!_eventStream && !_overflow && _buffer.WrittenCount > 0)
        {
            TryRead(_buffer.WrittenSpan);
        }
        else if (_eventStream && !_overflow && _buffer.WrittenCount > 0)
        {
            ReadEventLine(_buffer.WrittenSpan); // a last line without newline
        }

        _buffer.Release();
        if (_prompt is null && _completion is null && _total is null)
        {
            return null;
        }

        var prompt = _prompt ?? 0;
        var completion = _completion ?? 0;
        return new TokenUsage(prompt, completion, Math.Max(_total ?? 0, prompt + completion));
    }

    private void ReadEventLine(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\r"u8))
        {
            line = line[..^1];
        }

        if (!line.StartsWith("data:"u8) || line.IndexOf("usage"u8) < 0)
        {
            return;
        }

        TryRead(line["data:".Length..]);
    }

    /// <summary>
    /// Reads <c>usage</c> at the top level and inside a top-level <c>response</c> or <c>message</c> object, in one
    /// forward pass: every other value is skipped, nothing is built (a parsed document per request cost more than the
    /// rest of the tap). A body that is not JSON, or ends early, leaves what was read before the error.
    /// </summary>
    private void TryRead(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            ReadObject(ref reader, nestedAllowed: true);
        }
        catch (JsonException)
        {
        }
    }

    /// <summary>Reads the object the reader is on (at its StartObject) to its end, taking <c>usage</c> and, once, the nested objects.</summary>
    private void ReadObject(ref Utf8JsonReader reader, bool nestedAllowed)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUsage = reader.ValueTextEquals("usage"u8);
            var isNested = nestedAllowed && (reader.ValueTextEquals("response"u8) || reader.ValueTextEquals("message"u8));
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject && isUsage)
            {
                ReadUsage(ref reader);
            }
            else if (reader.TokenType == JsonTokenType.StartObject && isNested)
            {
                ReadObject(ref reader, nestedAllowed: false);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>Reads a <c>usage</c> object (the reader is at its StartObject) to its end.</summary>
    private void ReadUsage(ref Utf8JsonReader reader)
    {
        // prompt_tokens, input_tokens, completion_tokens, output_tokens, total_tokens
        Span<long> values = [-1, -1, -1, -1, -1];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var slot = reader.ValueTextEquals("prompt_tokens"u8) ? 0
                : reader.ValueTextEquals("input_tokens"u8) ? 1
                : reader.ValueTextEquals("completion_tokens"u8) ? 2
                : reader.ValueTextEquals("output_tokens"u8) ? 3
                : reader.ValueTextEquals("total_tokens"u8) ? 4
                : -1;
            reader.Read();
            if (slot >= 0 && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) && n >= 0)
            {
                values[slot] = n;
            }
            else
            {
                reader.Skip();
            }
        }

        _prompt = Max(_prompt, Known(values[0]) ?? Known(values[1]));
        _completion = Max(_completion, Known(values[2]) ?? Known(values[3]));
        _total = Max(_total, Known(values[4]));

        static long? Known(long value) => value >= 0 ? value : null;
    }

    private static long? Max(long? current, long? next) => next is null ? current : current is null ? next : Math.Max(current.Value, next.Value);
}
