using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bulwark.Detection.Redaction;

/// <summary>
/// The per-request memory of placeholders: which original each placeholder stands for, and which placeholder a value
/// already got, so the same value maps to the same placeholder across every text of the request (messages, tool-call
/// arguments, ...). Numbering is per entity type: <c>&lt;EMAIL_ADDRESS_1&gt;</c>, <c>&lt;EMAIL_ADDRESS_2&gt;</c>,
/// <c>&lt;PHONE_NUMBER_1&gt;</c>.
/// </summary>
/// <remarks>
/// Lives only in memory for one request; never serialise it, never log it. <see cref="ToString"/> shows counts only.
/// Not thread-safe: one request's texts are redacted and restored one after another.
/// Only placeholders made by <see cref="Policy.RedactionKind.Pseudonymize"/> are restorable; those made by
/// <see cref="Policy.RedactionKind.Placeholder"/> share the numbering but are never turned back into values.
/// </remarks>
public sealed class PseudonymMap
{
    private readonly Dictionary<string, EntityTable> _entities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _originals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _originalsBySpan;
    private readonly List<string> _restorable = [];

    /// <summary>Creates an empty map (one per request).</summary>
    public PseudonymMap()
    {
        _originalsBySpan = _originals.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>How many placeholders were handed out, restorable or not.</summary>
    public int Count { get; private set; }

    /// <summary>How many placeholders can be restored to their original.</summary>
    public int RestorableCount => _restorable.Count;

    /// <summary>
    /// Length of the longest restorable placeholder (0 when there is none): the most a streaming restorer ever has to
    /// hold back is one character less.
    /// </summary>
    public int MaxPlaceholderLength { get; private set; }

    /// <summary>The original behind a restorable placeholder (the whole placeholder, brackets included).</summary>
    public bool TryGetOriginal(ReadOnlySpan<char> placeholder, [MaybeNullWhen(false)] out string original) =>
        _originalsBySpan.TryGetValue(placeholder, out original);

    /// <summary>Forgets every value (end of request).</summary>
    public void Clear()
    {
        _entities.Clear();
        _originals.Clear();
        _restorable.Clear();
        Count = 0;
        MaxPlaceholderLength = 0;
    }

    /// <summary>Counts only; never the values.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"PseudonymMap({Count} placeholders, {RestorableCount} restorable)");

    /// <summary>True when <paramref name="candidate"/> is a proper prefix of some restorable placeholder.</summary>
    internal bool IsPlaceholderPrefix(ReadOnlySpan<char> candidate)
    {
        if (candidate.Length >= MaxPlaceholderLength)
        {
            return false;
        }

        foreach (var placeholder in _restorable)
        {
            if (placeholder.Length > candidate.Length && placeholder.AsSpan().StartsWith(candidate, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The placeholder of <paramref name="value"/> for <paramref name="entity"/>, numbering a new one if needed.</summary>
    internal string GetOrAdd(string entity, ReadOnlySpan<char> value, bool restorable)
    {
        if (!_entities.TryGetValue(entity, out var table))
        {
            table = new EntityTable();
            _entities.Add(entity, table);
        }

        if (!table.ByValue.TryGetValue(value, out var placeholder))
        {
            placeholder = string.Create(CultureInfo.InvariantCulture, $"<{entity}_{++table.Last}>");
            table.ByValue[value] = placeholder;
            Count++;
        }

        if (restorable && !_originals.ContainsKey(placeholder))
        {
            _originals.Add(placeholder, value.ToString());
            _restorable.Add(placeholder);
            MaxPlaceholderLength = Math.Max(MaxPlaceholderLength, placeholder.Length);
        }

        return placeholder;
    }

    private sealed class EntityTable
    {
        public EntityTable() => ByValue = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

        public int Last { get; set; }

#pragma warning disable CA1051 // A mutable struct handle must be a field to call its setter; private nested type.
        public readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByValue;
#pragma warning restore CA1051
    }
}
