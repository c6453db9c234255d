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

    private void TryRead(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            ReadUsage(root);
            foreach (var nested in (ReadOnlySpan<string>)["response", "message"])
            {
                if (root.TryGetProperty(nested, out var inner) && inner.ValueKind == JsonValueKind.Object)
                {
                    ReadUsage(inner);
                }
            }
        }
        catch (JsonException)
        {
        }
    }

    private void ReadUsage(JsonElement parent)
    {
        if (!parent.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        _prompt = Max(_prompt, Number(usage, "prompt_tokens") ?? Number(usage, "input_tokens"));
        _completion = Max(_completion, Number(usage, "completion_tokens") ?? Number(usage, "output_tokens"));
        _total = Max(_total, Number(usage, "total_tokens"));
    }

    private static long? Number(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= 0 ? n : null;

    private static long? Max(long? current, long? next) => next is null ? current : current is null ? next : Math.Max(current.Value, next.Value);
}
