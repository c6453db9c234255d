using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Forwarding;

/// <summary>A body read into a rented buffer. Return it with <see cref="Dispose"/>.</summary>
internal sealed class PooledBody : IDisposable
{
    private byte[]? _buffer;

    public PooledBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => Segment;

    public ArraySegment<byte> Segment => _buffer is null ? throw new ObjectDisposedException(nameof(PooledBody)) : new(_buffer, 0, Length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>
/// Reads a whole body (a request's, or an answer the gateway must inspect) into a pooled buffer, refusing it as soon
/// as it passes a size limit, declared or not.
/// </summary>
internal static class BodyReader
{
    /// <summary>Returns the request's body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static ValueTask<PooledBody?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken) =>
        ReadAsync(request.Body, request.ContentLength, maxBytes, cancellationToken);

    /// <summary>
    /// Returns the body, or null when it is larger than <paramref name="maxBytes"/>. Given <paramref name="idleTimeout"/>,
    /// each read re-arms it for <paramref name="idle"/> (its token should be <paramref name="cancellationToken"/>), so
    /// a slow but steady body is read to the end and a stalled one is cut off.
    /// </summary>
    public static async ValueTask<PooledBody?> ReadAsync(
        Stream source, long? declaredLength, long maxBytes, CancellationToken cancellationToken,
        CancellationTokenSource? idleTimeout = null, TimeSpan idle = default)
    {
        if (declaredLength > maxBytes)
        {
            return null;
        }

        var size = (int)Math.Min(declaredLength is { } length ? length + 1 : 16 * 1024, Math.Min(maxBytes + 1, Array.MaxLength));
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 256));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > maxBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Math.Min(maxBytes + 1, Array.MaxLength)));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                idleTimeout?.CancelAfter(idle);
                var read = await source.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }

            return new PooledBody(buffer, total);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
