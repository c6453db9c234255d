using System.Security.Cryptography;
using System.Text;
using Bulwark.Gateway.Inspection;

namespace Bulwark.Gateway.Guard;

/// <summary>
/// Verdicts by a SHA-256 of what was judged (model, policy, roles and texts), so a repeated prompt skips the judge.
/// Bounded: the least recently used entry goes first; entries expire after the TTL (on the injected clock). Only
/// verdicts are cached, never errors, and the key reveals nothing of the text.
/// </summary>
internal sealed class VerdictCache
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries;
    private readonly LinkedList<Entry> _recency = new();
    private readonly int _capacity;
    private readonly long _ttlTicks;
    private readonly TimeProvider _time;

    public VerdictCache(int capacity, TimeSpan ttl, TimeProvider time)
    {
        _capacity = capacity;
        _ttlTicks = (long)(ttl.TotalSeconds * time.TimestampFrequency);
        _time = time;
        _entries = new Dictionary<string, LinkedListNode<Entry>>(Math.Min(capacity, 1024), StringComparer.Ordinal);
    }

    public bool Enabled => _capacity > 0 && _ttlTicks > 0;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The cache key of one judgement. Every field is length-prefixed so no two inputs share a key.</summary>
    public static string Key(GuardConfig guard, IReadOnlyList<InspectedText> texts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, guard.Model ?? string.Empty);
        Append(hash, guard.Policy);
        foreach (var text in texts)
        {
            Append(hash, text.Role ?? string.Empty);
            Append(hash, text.Text);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string value)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, value.Length);
        hash.AppendData(length);
        hash.AppendData(Encoding.UTF8.GetBytes(value));
    }

    public bool TryGet(string key, out GuardVerdict? verdict)
    {
        verdict = null;
        if (!Enabled)
        {
            return false;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return false;
            }

            if (now >= node.Value.ExpiresAt)
            {
                _recency.Remove(node);
                _entries.Remove(key);
                return false;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            verdict = node.Value.Verdict;
            return true;
        }
    }

    public void Set(string key, GuardVerdict verdict)
    {
        if (!Enabled)
        {
            return;
        }

        var expiresAt = _time.GetTimestamp() + _ttlTicks;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                _recency.Remove(existing);
                _entries.Remove(key);
            }

            while (_entries.Count >= _capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }

            _entries[key] = _recency.AddFirst(new Entry(key, verdict, expiresAt));
        }
    }

    private sealed record Entry(string Key, GuardVerdict Verdict, long ExpiresAt);
}
