namespace Bulwark.Gateway.Pipeline;

/// <summary>
/// Request ids: UUIDv7 (RFC 9562) as 32 lower-case hex digits, time-ordered, so audit rows sort by arrival. The 74
/// random bits come from <see cref="Random.Shared"/> (xoshiro, seeded from the operating system's secure generator
/// once per thread): <see cref="Guid.CreateVersion7()"/> asks the kernel for 16 random bytes on every call, a system
/// call per request. Ids need to be unique, not secret: they are echoed to clients and name audit rows, and at 74
/// random bits per millisecond two gateways sharing one audit store will not collide.
/// </summary>
internal static class RequestIds
{
    public static string Next(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes[6..]);
        var unixMs = now.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(unixMs >> (8 * (5 - i))); // 48-bit big-endian timestamp
        }

        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70); // version 7
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant 10
        return Convert.ToHexStringLower(bytes);
    }
}
