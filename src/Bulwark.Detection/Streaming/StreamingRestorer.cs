using System.Text;
using Bulwark.Detection.Redaction;

namespace Bulwark.Detection.Streaming;

/// <summary>
/// Restores pseudonymized originals in a streamed response, delta by delta (for example the
/// <c>choices[0].delta.content</c> of each SSE event), where a placeholder may arrive split over any number of deltas.
/// </summary>
/// <remarks>
/// <para>
/// Each <see cref="Write"/> returns everything that can already be restored and holds back only the shortest suffix
/// that could still become a known placeholder: a trailing <c>&lt;EMA</c> is held while
/// <c>&lt;EMAIL_ADDRESS_1&gt;</c> is a restorable placeholder of the request, but <c>a &lt; b</c> or an unknown
/// <c>&lt;FOO_1&gt;</c> is released at once. The held suffix is always shorter than
/// <see cref="PseudonymMap.MaxPlaceholderLength"/>. Call <see cref="Flush"/> at the end of the stream.
/// </para>
/// <para>
/// The concatenated output equals <see cref="PseudonymRestorer.Restore(string, PseudonymMap)"/> of the concatenated
/// input, whatever the split. One instance per streamed text (one per choice, one per tool-call argument stream);
/// not thread-safe.
/// </para>
/// </remarks>
public sealed class StreamingRestorer
{
    private readonly PseudonymMap _map;
    private readonly StringBuilder _output = new();
    private char[] _buffer = new char[64];
    private int _pending;

    /// <summary>Creates a restorer over the request's pseudonyms.</summary>
    public StreamingRestorer(PseudonymMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _map = map;
    }

    /// <summary>Characters currently held back (a possible placeholder start).</summary>
    public int PendingLength => _pending;

    /// <summary>
    /// True when <see cref="Write"/> would return <paramref name="delta"/> unchanged and hold nothing back (nothing is
    /// held and the delta holds no placeholder start): a caller can then send the delta as it is without calling it.
    /// </summary>
    public bool PassesThrough(ReadOnlySpan<char> delta) => _pending == 0 && (_map.RestorableCount == 0 || !delta.Contains('<'));

    /// <summary>Takes the next delta and returns the text that can be emitted now (possibly empty).</summary>
    public string Write(ReadOnlySpan<char> delta)
    {
        if (PassesThrough(delta))
        {
            return delta.ToString();
        }

        int length = _pending + delta.Length;
        if (length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(length, _buffer.Length * 2));
        }

        delta.CopyTo(_buffer.AsSpan(_pending));
        ReadOnlySpan<char> text = _buffer.AsSpan(0, length);
        _output.Clear();

        while (!text.IsEmpty)
        {
            int lt = text.IndexOf('<');
            if (lt < 0)
            {
                _output.Append(text);
                text = default;
                break;
            }

            _output.Append(text[..lt]);
            text = text[lt..];
            var match = PseudonymRestorer.Match(text, _map, out var original);
            if (match == PseudonymRestorer.PlaceholderMatch.Prefix)
            {
                break;
            }

            if (match == PseudonymRestorer.PlaceholderMatch.Known)
            {
                _output.Append(original);
                text = text[(text.IndexOf('>') + 1)..];
            }
            else
            {
                _output.Append('<');
                text = text[1..];
            }
        }

        // What is left is a proper prefix of a placeholder (or nothing): keep it for the next delta.
        text.CopyTo(_buffer);
        _pending = text.Length;
        return _output.ToString();
    }

    /// <summary>Ends the stream: returns what was held back, unchanged (it never became a placeholder).</summary>
    public string Flush()
    {
        var rest = new string(_buffer, 0, _pending);
        _pending = 0;
        return rest;
    }

    /// <summary>Shows only how much is held back, never the text.</summary>
    public override string ToString() => $"StreamingRestorer({_pending} chars pending)";
}
