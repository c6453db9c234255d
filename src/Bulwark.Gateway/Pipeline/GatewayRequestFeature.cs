using Bulwark.Detection.Policy;
using Bulwark.Detection.Redaction;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Consumers;
using Bulwark.Gateway.Limits;

namespace Bulwark.Gateway.Pipeline;

/// <summary>What the gateway decided about a request.</summary>
internal enum Decision
{
    Allowed,
    Blocked,
    Redacted,
    Passthrough,
    Error,
}

internal static class DecisionNames
{
    /// <summary>The decision as logs and the audit trail spell it: allowed, blocked, redacted, passthrough, error.</summary>
    public static string Name(this Decision decision) => decision switch
    {
        Decision.Allowed => "allowed",
        Decision.Blocked => "blocked",
        Decision.Redacted => "redacted",
        Decision.Passthrough => "passthrough",
        Decision.Error => "error",
        _ => decision.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// Everything the pipeline learns about one request, in one typed object on <c>HttpContext.Features</c>. Logging,
/// audit and metrics read it at the end; it holds counts, ids and timings, never texts or keys.
/// </summary>
internal sealed class GatewayRequestFeature(string requestId, long startTimestamp)
{
    public string RequestId { get; } = requestId;

    public long StartTimestamp { get; } = startTimestamp;

    public RouteConfig? Route { get; set; }

    public string? Shape { get; set; }

    public Decision Decision { get; set; } = Decision.Allowed;

    /// <summary>The rule or error code that decided, e.g. <c>deny_patterns[0]</c> or <c>invalid_json</c>.</summary>
    public string? Rule { get; set; }

    public int TextCount { get; set; }

    public long TextChars { get; set; }

    public long RequestBytes { get; set; }

    public bool Stream { get; set; }

    public int Attempts { get; set; }

    public int UpstreamStatus { get; set; }

    public TimeSpan UpstreamLatency { get; set; }

    /// <summary>
    /// The request's placeholders and the originals they stand for, to restore them in the response. Lives only as
    /// long as the request, in memory; never logged (its ToString shows counts only).
    /// </summary>
    public PseudonymMap? Pseudonyms { get; set; }

    private Dictionary<string, int>? _entities;
    private Dictionary<object, IReadOnlyList<EntityCount>>? _streamCounts;

    /// <summary>Adds the entity counts of one scanned text (request or whole response text).</summary>
    public void CountEntities(IReadOnlyList<EntityCount> counts)
    {
        foreach (var count in counts)
        {
            _entities ??= new Dictionary<string, int>(StringComparer.Ordinal);
            _entities[count.Entity] = _entities.GetValueOrDefault(count.Entity) + count.Count;
        }
    }

    /// <summary>Records the running totals of one streamed sequence (replacing its previous totals).</summary>
    public void SetStreamCounts(object stream, IReadOnlyList<EntityCount> counts) =>
        (_streamCounts ??= [])[stream] = [.. counts];

    /// <summary>Whether anything was found yet; cheap, unlike <see cref="Entities"/>, which merges the counts.</summary>
    public bool HasEntities => _entities is { Count: > 0 } || _streamCounts?.Values.Any(c => c.Count > 0) == true;

    /// <summary>Entity types found in the request and its response, with counts. Never values.</summary>
    public IReadOnlyDictionary<string, int> Entities
    {
        get
        {
            if (_streamCounts is null)
            {
                return _entities ?? (IReadOnlyDictionary<string, int>)System.Collections.Frozen.FrozenDictionary<string, int>.Empty;
            }

            var all = new Dictionary<string, int>(_entities ?? [], StringComparer.Ordinal);
            foreach (var counts in _streamCounts.Values)
            {
                foreach (var count in counts)
                {
                    all[count.Entity] = all.GetValueOrDefault(count.Entity) + count.Count;
                }
            }

            return all;
        }
    }

    /// <summary>"EMAIL_ADDRESS:2,CREDIT_CARD:1" for logs, or "-".</summary>
    public string EntitySummary()
    {
        var entities = Entities;
        return entities.Count == 0 ? "-" : string.Join(',', entities.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}:{e.Value}"));
    }

    /// <summary>The intelligent guard's outcome (Guard/), or null when the route has no guard or it did not run.</summary>
    public Guard.GuardOutcome? Guard { get; set; }

    // Consumers, limits and audit (Consumers/, Limits/, Audit/).

    /// <summary>Who sent the request; null until step 2b has run.</summary>
    public ConsumerIdentity? Consumer { get; set; }

    /// <summary>The <c>model</c> the request asked for, when it named one.</summary>
    public string? Model { get; set; }

    /// <summary>The guard's result for the audit trail (allow, deny, error, skipped), when it was asked.</summary>
    public string? GuardVerdict => Guard is { } guard ? guard.Result.ToString().ToLowerInvariant() : null;

    public TimeSpan? GuardLatency => Guard?.Latency;

    /// <summary>What the limit pre-check reserved; settled after the response.</summary>
    public LimitReservation? Reservation { get; set; }

    /// <summary>Watches the relayed response for the upstream's usage.</summary>
    public UsageExtractor? UsageTap { get; set; }

    /// <summary>The tokens the upstream reported.</summary>
    public TokenUsage? Usage { get; set; }
}
