namespace Bulwark.Gateway.Audit;

/// <summary>
/// One request, as the audit trail records it: who, where, what was decided and why, and what it cost. It holds ids,
/// rule ids, entity types with counts, statuses, token counts and timings; never a prompt, a completion or a key.
/// </summary>
public sealed record AuditEvent
{
    public required DateTimeOffset Time { get; init; }

    public required string RequestId { get; init; }

    /// <summary>The consumer name; null when anonymous.</summary>
    public string? Consumer { get; init; }

    public string? Route { get; init; }

    public string? Model { get; init; }

    /// <summary>allowed, blocked, redacted, passthrough or error.</summary>
    public required string Decision { get; init; }

    /// <summary>Rule ids and codes that drove the decision, e.g. <c>deny_patterns[0]</c> or <c>limit.consumer.tokens_per_day</c>.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>Entity type to number of findings, e.g. <c>EMAIL: 2</c>.</summary>
    public IReadOnlyDictionary<string, int> Entities { get; init; } = System.Collections.Frozen.FrozenDictionary<string, int>.Empty;

    public string? GuardVerdict { get; init; }

    public double? GuardLatencyMs { get; init; }

    /// <summary>The status the client received.</summary>
    public int Status { get; init; }

    /// <summary>The upstream's status; 0 when the request never reached it.</summary>
    public int UpstreamStatus { get; init; }

    public long? PromptTokens { get; init; }

    public long? CompletionTokens { get; init; }

    public long? TotalTokens { get; init; }

    public double GatewayLatencyMs { get; init; }

    public double UpstreamLatencyMs { get; init; }
}

/// <summary>Where audit events go. The gateway writes batches to it off the request path; an exception means "store unavailable, spool and retry".</summary>
public interface IAuditSink
{
    /// <summary>Writes a batch. Must be idempotent per <see cref="AuditEvent.RequestId"/>: a replayed batch may repeat events.</summary>
    Task WriteAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);
}

/// <summary>An audit query: every field optional; times are inclusive from, exclusive to.</summary>
internal sealed record AuditQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Consumer = null, string? Route = null, string? Decision = null, int Limit = 1000);
