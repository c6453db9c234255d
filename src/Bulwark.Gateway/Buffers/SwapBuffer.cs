namespace Bulwark.Gateway.Buffers;

/// <summary>
/// Bytes appended by many threads and taken whole by one writer: the writer swaps the full buffer for an empty one and
/// writes it outside the lock, so appends never wait for the output. Not thread-safe itself: the owner appends and
/// takes under one lock, and has one writer at a time (whose taken bytes stay valid until its next
/// <see cref="Take"/>). Used by the log writer and the audit journal.
/// </summary>
internal sealed class SwapBuffer(int initialBytes, int maxBytes)
{
    private byte[] _active = new byte[initialBytes];
    private byte[] _spare = new byte[initialBytes];
    private int _length;

    /// <summary>Bytes appended and not yet taken. Safe to read without the owner's lock, as a hint (a volatile read).</summary>
    public int Length
    {
        get => Volatile.Read(ref _length);
        private set => _length = value;
    }

    /// <summary>Appends <paramref name="data"/>, growing up to the maximum; false (nothing appended) past it.</summary>
    public bool TryAppend(ReadOnlySpan<byte> data)
    {
        if (Length + data.Length > _active.Length)
        {
            if (Length + data.Length > maxBytes)
            {
                return false;
            }

            var grown = new byte[Math.Min(maxBytes, Math.Max(_active.Length * 2, Length + data.Length))];
            _active.AsSpan(0, Length).CopyTo(grown);
            _active = grown;
        }

        data.CopyTo(_active.AsSpan(Length));
        Length += data.Length;
        return true;
    }

    /// <summary>Everything appended so far; the buffer is empty afterwards. A burst's grown array is let go, not kept.</summary>
    public ArraySegment<byte> Take()
    {
        var taken = new ArraySegment<byte>(_active, 0, Length);
        _active = _spare.Length > 0 ? _spare : new byte[initialBytes];
        _spare = taken.Array!.Length > initialBytes * 8 ? new byte[initialBytes] : taken.Array;
        Length = 0;
        return taken;
    }
}
