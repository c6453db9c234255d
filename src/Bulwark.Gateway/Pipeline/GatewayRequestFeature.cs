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

    // Consumers, limits and audit (Consumers/, Limits/, Audit/).

    /// <summary>Who sent the request; null until step 2b has run.</summary>
    public ConsumerIdentity? Consumer { get; set; }

    /// <summary>The <c>model</c> the request asked for, when it named one.</summary>
    public string? Model { get; set; }

    /// <summary>Entity type to number of findings, filled by detection; audited as counts, never values.</summary>
    public Dictionary<string, int> Entities { get; } = new(StringComparer.Ordinal);

    /// <summary>The guard LLM's verdict (e.g. <c>safe</c>, <c>unsafe</c>), when it was asked.</summary>
    public string? GuardVerdict { get; set; }

    public TimeSpan? GuardLatency { get; set; }

    /// <summary>What the limit pre-check reserved; settled after the response.</summary>
    public LimitReservation? Reservation { get; set; }

    /// <summary>Watches the relayed response for the upstream's usage.</summary>
    public UsageExtractor? UsageTap { get; set; }

    /// <summary>The tokens the upstream reported.</summary>
    public TokenUsage? Usage { get; set; }
}
