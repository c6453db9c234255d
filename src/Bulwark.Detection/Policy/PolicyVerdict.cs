namespace Bulwark.Detection.Policy;

/// <summary>The outcome of evaluating a policy over one text.</summary>
public enum VerdictKind
{
    /// <summary>Nothing to change; findings may still have been counted for logs.</summary>
    Allow = 0,

    /// <summary>Let the text through after applying <see cref="PolicyVerdict.Redactions"/>.</summary>
    Redact = 1,

    /// <summary>Refuse the text because of <see cref="PolicyVerdict.BlockedEntities"/>.</summary>
    Block = 2,
}

/// <summary>One finding to rewrite and the operator to rewrite it with.</summary>
public readonly record struct FindingRedaction(Finding Finding, RedactionOperator Operator);

/// <summary>How many findings of one entity type counted (scored at or above the threshold) in a text.</summary>
public readonly record struct EntityCount(string Entity, int Count);

/// <summary>
/// What the policy decided for one text. A value: <c>default</c> is an allow with nothing counted. It never holds
/// the matched values, only entity types, offsets and counts, so it can be logged and audited as it is.
/// </summary>
public readonly struct PolicyVerdict : IEquatable<PolicyVerdict>
{
    private readonly FindingRedaction[]? _redactions;
    private readonly string[]? _blocked;
    private readonly EntityCount[]? _counts;

    internal PolicyVerdict(VerdictKind kind, FindingRedaction[]? redactions, string[]? blocked, EntityCount[]? counts)
    {
        Kind = kind;
        _redactions = redactions;
        _blocked = blocked;
        _counts = counts;
    }

    /// <summary>Allow, redact or block.</summary>
    public VerdictKind Kind { get; }

    /// <summary>
    /// For <see cref="VerdictKind.Redact"/>: the findings to rewrite, sorted by start and non-overlapping, ready for
    /// <see cref="Redaction.Redactor"/>. Empty otherwise.
    /// </summary>
    public IReadOnlyList<FindingRedaction> Redactions => _redactions ?? [];

    /// <summary>For <see cref="VerdictKind.Block"/>: the distinct entity types that caused it, in order of first appearance.</summary>
    public IReadOnlyList<string> BlockedEntities => _blocked ?? [];

    /// <summary>Findings that counted, per entity type, whatever their action (for logs, metrics and audit).</summary>
    public IReadOnlyList<EntityCount> Counts => _counts ?? [];

    /// <summary>True for <see cref="VerdictKind.Block"/>.</summary>
    public bool IsBlocked => Kind == VerdictKind.Block;

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        VerdictKind.Block => $"Block [{string.Join(", ", BlockedEntities)}]",
        VerdictKind.Redact => $"Redact ({Redactions.Count} findings)",
        _ => "Allow",
    };

    /// <inheritdoc />
    public bool Equals(PolicyVerdict other) =>
        Kind == other.Kind && Redactions.SequenceEqual(other.Redactions) && BlockedEntities.SequenceEqual(other.BlockedEntities) && Counts.SequenceEqual(other.Counts);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PolicyVerdict other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Redactions.Count, BlockedEntities.Count, Counts.Count);

    /// <summary>Value equality.</summary>
    public static bool operator ==(PolicyVerdict left, PolicyVerdict right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(PolicyVerdict left, PolicyVerdict right) => !left.Equals(right);
}
