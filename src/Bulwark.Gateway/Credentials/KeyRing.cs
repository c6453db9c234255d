using System.Collections.Immutable;

namespace Bulwark.Gateway.Credentials;

/// <summary>A key picked for one upstream attempt.</summary>
internal readonly record struct KeyLease(int Index, string Value);

/// <summary>
/// A route's provider keys. Keys are handed out round-robin; a key the upstream refused (401, 429, 5xx) cools down
/// for a while and is skipped until then. When every key is cooling down, the one that recovers first is used
/// rather than failing the request.
/// </summary>
internal sealed class KeyRing
{
    private readonly ImmutableArray<SecretReference> _keys;
    private readonly long[] _coolingUntil;
    private readonly TimeProvider _time;
    private readonly long _cooldownTicks;
    private int _next = -1;

    public KeyRing(ImmutableArray<SecretReference> keys, TimeSpan cooldown, TimeProvider time)
    {
        _keys = keys;
        _coolingUntil = new long[keys.Length];
        _time = time;
        _cooldownTicks = (long)(cooldown.TotalSeconds * time.TimestampFrequency);
    }

    public static KeyRing Empty { get; } = new([], TimeSpan.Zero, TimeProvider.System);

    public int Count => _keys.Length;

    /// <summary>The next key to use, or null when the route injects no key.</summary>
    public KeyLease? Next()
    {
        if (_keys.Length == 0)
        {
            return null;
        }

        var start = Interlocked.Increment(ref _next);
        var now = _time.GetTimestamp();
        var best = -1;
        var bestUntil = long.MaxValue;
        for (var i = 0; i < _keys.Length; i++)
        {
            var index = (int)((uint)(start + i) % (uint)_keys.Length);
            var until = Volatile.Read(ref _coolingUntil[index]);
            if (until <= now)
            {
                return new KeyLease(index, _keys[index].GetValue());
            }

            if (until < bestUntil)
            {
                best = index;
                bestUntil = until;
            }
        }

        return new KeyLease(best, _keys[best].GetValue());
    }

    /// <summary>Takes a key out of rotation for the cool-down period.</summary>
    public void CoolDown(int index) =>
        Volatile.Write(ref _coolingUntil[index], _time.GetTimestamp() + _cooldownTicks);

    public override string ToString() => $"{_keys.Length} key(s): {string.Join(", ", _keys)}";
}
