using System.Buffers;

namespace Bulwark.Gateway.Buffers;

/// <summary>A growable byte buffer rented from the shared pool: nothing is allocated per request once the pool is warm.</summary>
internal sealed class PooledBuffer
{
    private byte[] _array = [];

    public int WrittenCount { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, WrittenCount);

    public void Write(ReadOnlySpan<byte> data)
    {
        if (WrittenCount + data.Length > _array.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(4096, Math.Max(_array.Length * 2, WrittenCount + data.Length)));
            WrittenSpan.CopyTo(grown);
            Return();
            _array = grown;
        }

        data.CopyTo(_array.AsSpan(WrittenCount));
        WrittenCount += data.Length;
    }

    public void Clear() => WrittenCount = 0;

    /// <summary>Empties the buffer and gives its array back to the pool.</summary>
    public void Release()
    {
        WrittenCount = 0;
        Return();
        _array = [];
    }

    private void Return()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
